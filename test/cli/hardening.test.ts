/**
 * Regressions for bad and hostile input to the CLI: each case gets one clear line naming what
 * and where, the documented exit code, no stack trace, and no code loaded or file written that
 * the graph should not cause.
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot, stylegraph, type CliResult } from './run-cli.js';

const tmp = () => mkdtempSync(join(tmpdir(), 'stylegraph-hard-'));
const doc = (nodes: Record<string, unknown>, edges: [string, string][] = [], plugins: Record<string, string> = {}) =>
  JSON.stringify({ format: 'stylegraph.graph', formatVersion: 1, plugins, nodes, edges: edges.map(([from, to]) => ({ from, to })) });
const write = (dir: string, name: string, text: string) => {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
};
/** No stack trace, no raw JavaScript error name. */
const clean = (r: CliResult) => {
  expect(r.stderr).not.toMatch(/\n\s+at |RangeError|TypeError|Maximum call stack/);
};
const faces = (seeds: string, size = 64) =>
  doc({ f: { type: 'faces/RenderFaces', version: 1, params: { seeds, size } }, s: { type: 'std/Statistic', version: 1, params: { stat: 'mean' } } }, [['f.image', 's.tensor']], {
    '@stylegraph/plugin-faces': '^0.1.0',
    '@stylegraph/plugin-std': '^0.1.0',
  });

describe('regression: a graph is data, never code', () => {
  it('refuses a plugin path in a graph, suggests --plugin, and imports nothing', () => {
    const dir = tmp();
    const marker = join(dir, 'imported');
    write(dir, 'evil.mjs', `import { writeFileSync } from 'node:fs'; writeFileSync(${JSON.stringify(marker)}, 'x'); export default { name: 'evil', version: '1.0.0', nodes: [] };`);
    for (const spec of ['./evil.mjs', join(dir, 'evil.mjs')]) {
      const g = write(dir, 'g.graph.json', doc({ c: { type: 'std/Constant', version: 1 } }, [], { [spec]: '^1.0.0' }));
      const r = stylegraph(['check', g]);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/PLUGIN_NAME_INVALID .*--plugin/);
      expect(stylegraph(['run', g, '--out', join(dir, 'out')]).code).toBe(2);
    }
    expect(existsSync(marker)).toBe(false);
  });

  it('loads an installed package a graph requires only when it declares itself a stylegraph plugin', () => {
    const dir = tmp();
    const marker = join(dir, 'imported');
    const pkg = (name: string, keywords: string[]) => {
      mkdirSync(join(dir, 'node_modules', name), { recursive: true });
      write(join(dir, 'node_modules', name), 'package.json', JSON.stringify({ name, version: '1.0.0', type: 'module', main: 'index.js', keywords }));
      write(
        join(dir, 'node_modules', name),
        'index.js',
        `import { writeFileSync } from 'node:fs'; writeFileSync(${JSON.stringify(`${marker}-${name}`)}, 'x'); export default { name: ${JSON.stringify(name)}, version: '1.0.0', apiVersion: 1, nodes: [] };`,
      );
    };
    pkg('not-a-plugin', []);
    pkg('real-plugin', ['stylegraph-plugin']);
    const bad = stylegraph(['check', write(dir, 'a.graph.json', doc({ c: { type: 'std/Constant', version: 1 } }, [], { 'not-a-plugin': '^1.0.0' }))]);
    expect(bad.stderr).toMatch(/PLUGIN_MISSING/);
    expect(existsSync(`${marker}-not-a-plugin`)).toBe(false);
    // The declared plugin is loaded — isolated, so its attempt to write a file is denied, in one line.
    const good = stylegraph(['check', write(dir, 'b.graph.json', doc({ c: { type: 'std/Constant', version: 1 } }, [], { 'real-plugin': '^1.0.0' }))]);
    expect(good.stderr).not.toMatch(/PLUGIN_MISSING/);
    expect(good.code).toBe(2);
    expect(good.stderr.trim()).toBe(`stylegraph: plugin real-plugin was denied fs.write (${marker}-real-plugin) while loading: outside its declared fs.write paths (none); see stylegraph.capabilities in its package.json`);
    expect(existsSync(`${marker}-real-plugin`)).toBe(false);
  });
});

describe('regression: crashes become diagnostics', () => {
  it('reports a deeply nested param (in the file or in --set) as one line, exit 2', () => {
    const dir = tmp();
    const deep = `${'['.repeat(5000)}${']'.repeat(5000)}`;
    const inFile = stylegraph(['check', write(dir, 'deep.graph.json', doc({ c: { type: 'std/Constant', version: 1, params: { value: 'DEEP' } } }).replace('"DEEP"', deep))]);
    expect(inFile.code).toBe(2);
    expect(inFile.stderr).toMatch(/JSON_TOO_DEEP/);
    clean(inFile);
    const inSet = stylegraph(['check', 'examples/seed-statistics.graph.json', '--set', `z.seed=${deep}`]);
    expect(inSet.code).toBe(2);
    expect(inSet.stderr).toMatch(/--set z\.seed=.*deeper than/);
    clean(inSet);
  });

  it('reads a graph file that starts with a UTF-8 byte-order mark', () => {
    const dir = tmp();
    const text = `\ufeff${doc({ c: { type: 'std/Constant', version: 1 } }, [], { '@stylegraph/plugin-std': '^0.1.0' })}`;
    const r = stylegraph(['check', write(dir, 'bom.graph.json', text)]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
  });

  it.each(['0-999999', '1,,2', 'NaN', '', '4294967296', '5-3'])('refuses RenderFaces seeds %j as PARAM_INVALID, like SeedLatents', (seeds) => {
    const dir = tmp();
    const r = stylegraph(['check', write(dir, 'f.graph.json', faces(seeds))]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/PARAM_INVALID node "f" param "seeds"/);
    clean(r);
  });

  it('renders faces for seeds at and above 2³¹', () => {
    const dir = tmp();
    const r = stylegraph(['run', write(dir, 'f.graph.json', faces('2147483647-2147483649,4294967295')), '--out', join(dir, 'out'), '--json']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).status).toBe('ok');
  });

  it('says why a model folder cannot be read when it holds a link loop (not "missing")', () => {
    const dir = tmp();
    mkdirSync(join(dir, 'model'));
    symlinkSync('config.json', join(dir, 'model', 'config.json'));
    const g = write(dir, 'g.graph.json', doc({ m: { type: 'stylegan/LoadGenerator', version: 1, params: { path: 'model' } }, z: { type: 'stylegan/SeedLatents', version: 1, params: { seeds: '0' } } }, [['m.generator', 'z.generator']]));
    const r = stylegraph(['run', g, '--out', join(dir, 'out')]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/node "m" .*symbolic links/);
    expect(r.stderr).not.toMatch(/missing/);
  });

  it('names the problem when model import --out lies below a regular file', () => {
    const dir = tmp();
    write(dir, 'file', 'x');
    const r = stylegraph(['model', 'import', join(repoRoot, 'packages/ops-gpu/fixtures/cfg512/generator.safetensors'), '--out', join(dir, 'file', 'sub'), '--conv-clamp', 'none']);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/not a folder/);
    clean(r);
  });
});

describe('regression: --set reads values as the param expects', () => {
  it('turns a number into the text a string param takes', () => {
    const dir = tmp();
    const r = stylegraph(['run', 'examples/generate.graph.json', '--set', 'seeds.seeds=42', '--out', dir, '--json']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
  });

  it('reports a value that fits no reading with the accepted form', () => {
    const r = stylegraph(['check', 'examples/generate.graph.json', '--set', 'truncation.psi=abc']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/PARAM_INVALID node "truncation" param "psi": .*expected number/);
    const seeds = stylegraph(['check', 'examples/generate.graph.json', '--set', 'seeds.seeds=abc']);
    expect(seeds.stderr).toMatch(/PARAM_INVALID node "seeds" param "seeds": .*"abc" is not a seed .* or a range like 0-7/);
    clean(r);
  });

  it('does not reach the object prototype through a node named __proto__', () => {
    const r = stylegraph(['check', 'examples/seed-statistics.graph.json', '--set', '__proto__.params=1']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/has no node "__proto__"/);
  });
});

describe('regression: CLI writes stay inside the output folder', () => {
  it('refuses to write through a symbolic link inside the output folder', () => {
    const dir = tmp();
    const outside = tmp();
    const out = join(dir, 'out');
    mkdirSync(out);
    symlinkSync(outside, join(out, 'link'));
    const g = write(dir, 'g.graph.json', doc({ c: { type: 'std/Constant', version: 1 }, r: { type: 'std/Report', version: 1 }, save: { type: 'std/SaveReport', version: 1, params: { path: 'link/r.json' } } }, [['c.value', 'r.value'], ['r.report', 'save.report']]));
    const r = stylegraph(['run', g, '--out', out]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/node "save" .*FILE_WRITE.*symbolic link/);
    expect(readdirSync(outside)).toEqual([]);
  });
});
