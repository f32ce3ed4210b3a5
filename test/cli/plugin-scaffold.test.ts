/**
 * `stylegraph plugin new`: the scaffold writes a complete plugin package — code or data-only
 * ONNX — whose package.json passes plugin-testing's manifest check, which builds, whose own
 * tests pass, and which loads and runs as a host loads it. Bad names and occupied folders are
 * refused in one line with nothing written.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { cp, mkdir, mkdtemp, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PLUGIN_API_VERSION } from '@stylegraph/core';
import { checkManifest, checkPlugin, cpuServices, expectClose, formatReport, image, loadPlugin, runNode, tensor } from '@stylegraph/plugin-testing';
import { TEMPLATE_TOOL_RANGES, parsePluginName, pluginNewCommand } from '../../apps/runner/src/commands/plugin-new.js';
import { repoRoot, stylegraph } from './run-cli.js';

let root: string;

/** Runs the scaffold, collecting what it prints. */
async function scaffold(name: string, opts: Parameters<typeof pluginNewCommand>[1] = {}) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await pluginNewCommand(name, opts, { out: (s) => out.push(s), err: (s) => err.push(s) });
  return { code, out, err };
}

async function files(dir: string): Promise<string[]> {
  const found: string[] = [];
  const walk = async (d: string) => {
    for (const e of await readdir(d, { withFileTypes: true })) {
      if (e.isDirectory()) await walk(join(d, e.name));
      else found.push(relative(dir, join(d, e.name)));
    }
  };
  await walk(dir);
  return found.sort();
}

const readJson = async (p: string) => JSON.parse(await readFile(p, 'utf8')) as Record<string, unknown>;

/** Runs a workspace tool (tsc, vitest) in `cwd`, as the package's npm scripts would. */
function tool(script: string, args: string[], cwd: string) {
  // The outer vitest's variables would make the inner one believe it is a worker.
  const env = { ...Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('VITEST') && k !== 'NODE_OPTIONS' && k !== 'FORCE_COLOR')), NO_COLOR: '1' };
  const r = spawnSync(process.execPath, [join(repoRoot, 'node_modules', script), ...args], { cwd, env, encoding: 'utf8', timeout: 240_000 });
  return { code: r.status, output: `${r.stdout}\n${r.stderr}${r.error ? String(r.error) : ''}` };
}

beforeAll(async () => {
  // Inside the repository (tmp/ is git-ignored), so the new packages resolve @stylegraph/* as installed ones do.
  await mkdir(join(repoRoot, 'tmp'), { recursive: true });
  root = await mkdtemp(join(repoRoot, 'tmp', 'plugin-scaffold-'));
});
afterAll(() => rm(root, { recursive: true, force: true }));

describe('plugin names', () => {
  it('gives the package, namespace and title', () => {
    expect(parsePluginName('sepia')).toEqual({ packageName: 'stylegraph-plugin-sepia', namespace: 'sepia', title: 'Sepia' });
    expect(parsePluginName('stylegraph-plugin-sepia')).toEqual({ packageName: 'stylegraph-plugin-sepia', namespace: 'sepia', title: 'Sepia' });
    expect(parsePluginName('@acme/stylegraph-plugin-film-grain')).toEqual({ packageName: '@acme/stylegraph-plugin-film-grain', namespace: 'film-grain', title: 'Film grain' });
  });

  it.each(['Sepia', 'my_plugin', '../evil', 'a--b', 'trailing-', '9lives', '', 'stylegraph-plugin-', '@acme/sepia', '@Acme/stylegraph-plugin-x', 'x'.repeat(51), 'std', 'stylegan'])('refuses %j', (name) => {
    expect(typeof parsePluginName(name)).toBe('string');
  });
});

describe('stylegraph plugin new (code)', () => {
  let dir: string;
  beforeAll(async () => {
    dir = join(root, 'stylegraph-plugin-sepia');
    const r = await scaffold('sepia', { dir });
    expect(r, r.err.join('\n')).toMatchObject({ code: 0, err: [] });
    expect(r.out[0]).toMatch(/^created stylegraph-plugin-sepia \(code, namespace "sepia"\) in /);
  });

  it('writes the package’s files, every placeholder filled in', async () => {
    expect(await files(dir)).toEqual(['.github/workflows/ci.yml', '.gitignore', 'README.md', 'package.json', 'src/index.test.ts', 'src/index.ts', 'tsconfig.json', 'vitest.config.ts']);
    for (const f of await files(dir)) expect(await readFile(join(dir, f), 'utf8'), f).not.toMatch(/\{\{|\}\}/);
    expect(await readFile(join(dir, 'src/index.ts'), 'utf8')).toContain("type: 'sepia/Invert'");
    expect(await readFile(join(dir, '.github/workflows/ci.yml'), 'utf8')).toMatch(/npm install[\s\S]*npm run build[\s\S]*npm test/);
    expect((await stat(dir)).mode & 0o777).toBe(0o755);
    expect((await readdir(root)).filter((n) => n.startsWith('.'))).toEqual([]); // no temporary folder left
  });

  it('writes a package.json that declares the plugin as hosts read it, and passes checkManifest', async () => {
    const pkg = await readJson(join(dir, 'package.json'));
    expect(pkg).toMatchObject({
      name: 'stylegraph-plugin-sepia',
      type: 'module',
      keywords: ['stylegraph-plugin'],
      peerDependencies: { '@stylegraph/core': `^${PLUGIN_API_VERSION}.0.0` },
      scripts: { build: 'tsc', test: 'vitest run' },
      stylegraph: {
        apiVersion: `^${PLUGIN_API_VERSION}`,
        entry: './dist/index.js',
        namespace: 'sepia',
        capabilities: { fs: { read: [], write: [] }, net: false, childProcess: false, maxMemoryMB: 512, timeoutS: 60 },
      },
    });
    expect(Object.keys(pkg.devDependencies as object).sort()).toEqual(['@stylegraph/core', '@stylegraph/plugin-testing', 'typescript', 'vitest']);
    expect(Object.keys(pkg.scripts as object).sort()).toEqual(['build', 'test']); // no install scripts
    expect(checkManifest(pkg)).toEqual([]);
  });

  it('uses the workspace’s TypeScript and vitest ranges', async () => {
    const workspace = await readJson(join(repoRoot, 'package.json'));
    expect(TEMPLATE_TOOL_RANGES).toEqual({ typescript: (workspace.devDependencies as Record<string, string>).typescript, vitest: (workspace.devDependencies as Record<string, string>).vitest });
  });

  it('builds, passes its own tests, and runs as a host loads it', async () => {
    const build = tool('typescript/bin/tsc', ['-p', dir], dir);
    expect(build.code, build.output).toBe(0);
    expect(await files(join(dir, 'dist'))).toEqual(expect.arrayContaining(['index.js', 'index.d.ts']));
    expect(await files(join(dir, 'dist'))).not.toContain('index.test.js');
    const report = await checkPlugin(dir, { trust: true });
    expect(report.ok, formatReport(report)).toBe(true);
    expect(report.nodes).toEqual([{ type: 'sepia/Invert', status: 'ok' }]);
    const test = tool('vitest/vitest.mjs', ['run'], dir);
    expect(test.code, test.output).toBe(0);
    expect(test.output).toMatch(/Tests\s+3 passed/);
  });
});

describe('stylegraph plugin new --onnx', () => {
  let dir: string;
  beforeAll(async () => {
    dir = join(root, 'ops');
    const r = await scaffold('@acme/stylegraph-plugin-ops', { dir, onnx: true });
    expect(r, r.err.join('\n')).toMatchObject({ code: 0, err: [] });
  });

  it('writes a data-only package: an operator manifest, its model and the script that builds it', async () => {
    expect(await files(dir)).toEqual(['.github/workflows/ci.yml', '.gitignore', 'README.md', 'operators/invert.json', 'operators/invert.onnx', 'package.json', 'scripts/build-operators.mjs', 'test/invert.test.mjs', 'vitest.config.mjs']);
    const pkg = await readJson(join(dir, 'package.json'));
    expect(pkg).toMatchObject({ name: '@acme/stylegraph-plugin-ops', keywords: ['stylegraph-plugin'], files: ['operators'], stylegraph: { apiVersion: `^${PLUGIN_API_VERSION}`, namespace: 'ops', operators: './operators/*.json' } });
    expect(pkg.stylegraph).not.toHaveProperty('entry');
    expect(pkg).not.toHaveProperty('main');
    expect(checkManifest(pkg)).toEqual([]);
    expect(await readJson(join(dir, 'operators/invert.json'))).toMatchObject({ name: 'Invert', model: './invert.onnx', inputs: { image: { kind: 'Image', onnx: 'image' } }, outputs: { image: { kind: 'Image', onnx: 'out' } }, params: { amount: { type: 'number', default: 1, minimum: 0, maximum: 1, onnx: { input: 'amount' } } }, differentiable: true });
  });

  it('wrote the model its build script writes', async () => {
    const before = await readFile(join(dir, 'operators/invert.onnx'));
    await rm(join(dir, 'operators/invert.onnx'));
    const r = spawnSync(process.execPath, ['scripts/build-operators.mjs'], { cwd: dir, encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    expect(Buffer.compare(await readFile(join(dir, 'operators/invert.onnx')), before)).toBe(0);
  });

  it('passes its own tests', async () => {
    const test = tool('vitest/vitest.mjs', ['run'], dir);
    expect(test.code, test.output).toBe(0);
    expect(test.output).toMatch(/Tests\s+2 passed/);
  });

  it('loads as data and computes (1 − 2·amount)·x on the host’s compute', async () => {
    const report = await checkPlugin(dir);
    expect(report.ok, formatReport(report)).toBe(true);
    expect(report.nodes).toEqual([{ type: 'ops/Invert', status: 'ok' }]);
    const { plugin, close } = await loadPlugin(dir);
    try {
      const x = image([1, 3, 4, 4], 5);
      const { image: out } = await runNode(plugin, 'ops/Invert', { inputs: { image: x }, params: { amount: 0.25 }, services: await cpuServices() });
      expectClose(out, tensor('float32', x.dims, (i) => 0.5 * x.data[i]!), { atol: 1e-6 });
    } finally {
      close();
    }
  });
});

describe('the sepia example (examples/plugins/stylegraph-plugin-sepia)', () => {
  const example = join(repoRoot, 'examples/plugins/stylegraph-plugin-sepia');
  const own = (f: string) => !/^(dist|node_modules|test)\//.test(f);

  it('is the scaffold’s package with its node turned into sepia/Sepia', async () => {
    const fresh = join(root, 'fresh-sepia');
    expect((await scaffold('sepia', { dir: fresh })).code).toBe(0);
    expect((await files(example)).filter(own)).toEqual(await files(fresh));
    for (const f of ['.gitignore', '.github/workflows/ci.yml', 'tsconfig.json', 'vitest.config.ts']) {
      expect(await readFile(join(example, f), 'utf8'), f).toBe(await readFile(join(fresh, f), 'utf8'));
    }
    const { description: _mine, ...pkg } = await readJson(join(example, 'package.json'));
    const { description: _theirs, ...scaffolded } = await readJson(join(fresh, 'package.json'));
    expect(pkg).toEqual(scaffolded);
    expect(await readFile(join(example, 'src/index.ts'), 'utf8')).toContain("type: 'sepia/Sepia'");
  });

  it('builds and passes its own tests (against a per-pixel reference, a golden, and checkPlugin)', async () => {
    const copy = join(root, 'sepia-copy');
    await cp(example, copy, { recursive: true, filter: (src) => own(relative(example, src)) || relative(example, src).startsWith('test/') });
    const build = tool('typescript/bin/tsc', ['-p', copy], copy);
    expect(build.code, build.output).toBe(0);
    const test = tool('vitest/vitest.mjs', ['run'], copy);
    expect(test.code, test.output).toBe(0);
    expect(test.output).toMatch(/Tests\s+6 passed/);
  });
});

describe('the stylegraph binary', () => {
  it('runs the scaffold as `stylegraph plugin new <name> [--onnx] [--dir DIR]`', async () => {
    const dir = join(root, 'from-cli');
    const r = stylegraph(['plugin', 'new', 'grain', '--dir', dir]);
    expect(r, r.stderr).toMatchObject({ code: 0, stderr: '' });
    expect(r.stdout).toContain('created stylegraph-plugin-grain (code, namespace "grain")');
    expect((await readJson(join(dir, 'package.json'))).name).toBe('stylegraph-plugin-grain');
    const onnx = stylegraph(['plugin', 'new', 'grain', '--onnx', '--dir', join(root, 'from-cli-onnx')]);
    expect(onnx.code, onnx.stderr).toBe(0);
    expect(existsSync(join(root, 'from-cli-onnx', 'operators', 'invert.onnx'))).toBe(true);
  });

  it('refuses a bad name or a taken folder in one line, exit 2', () => {
    const bad = stylegraph(['plugin', 'new', 'Bad Name', '--dir', join(root, 'never')]);
    expect(bad.code).toBe(2);
    expect(bad.stderr.trim().split('\n')).toEqual([expect.stringMatching(/^stylegraph: plugin new: "Bad Name" is not a plugin name/)]);
    expect(existsSync(join(root, 'never'))).toBe(false);
    const taken = stylegraph(['plugin', 'new', 'grain', '--dir', join(root, 'from-cli')]);
    expect(taken.code).toBe(2);
    expect(taken.stderr.trim().split('\n')).toHaveLength(1);
  });
});

describe('stylegraph plugin new refuses', () => {
  it('a bad name in one line, writing nothing', async () => {
    const dir = join(root, 'bad');
    const r = await scaffold('My Plugin', { dir });
    expect(r.code).toBe(2);
    expect(r.err).toHaveLength(1);
    expect(r.err[0]).toMatch(/^stylegraph: plugin new: "My Plugin" is not a plugin name: /);
    expect(existsSync(dir)).toBe(false);
  });

  it('an existing non-empty folder unless --force, which replaces it whole', async () => {
    const dir = join(root, 'taken');
    await mkdir(dir);
    await writeFile(join(dir, 'mine.txt'), 'keep me');
    const r = await scaffold('taken', { dir });
    expect(r.code).toBe(2);
    expect(r.err).toEqual([expect.stringMatching(/^stylegraph: plugin new: .*taken exists and is not empty; choose another --dir or pass --force to replace it$/)]);
    expect(await files(dir)).toEqual(['mine.txt']);
    const forced = await scaffold('taken', { dir, force: true });
    expect(forced.code).toBe(0);
    expect(await files(dir)).not.toContain('mine.txt');
    expect((await readJson(join(dir, 'package.json'))).name).toBe('stylegraph-plugin-taken');
    expect((await readdir(root)).filter((n) => n.startsWith('.'))).toEqual([]);
  });

  it('a path that is a file; an empty folder is used', async () => {
    const file = join(root, 'a-file');
    await writeFile(file, 'x');
    expect((await scaffold('afile', { dir: file })).err).toEqual([expect.stringMatching(/a-file exists and is not a folder$/)]);
    const empty = join(root, 'empty');
    await mkdir(empty);
    expect((await scaffold('empty', { dir: empty })).code).toBe(0);
    expect((await readJson(join(empty, 'package.json'))).name).toBe('stylegraph-plugin-empty');
  });

  it('defaults to ./stylegraph-plugin-<name> in the current folder, for scoped names too', async () => {
    const cwd = process.cwd();
    const here = join(root, 'cwd');
    await mkdir(here);
    process.chdir(here);
    try {
      expect((await scaffold('@acme/stylegraph-plugin-grain')).code).toBe(0);
    } finally {
      process.chdir(cwd);
    }
    expect(await readdir(here)).toEqual(['stylegraph-plugin-grain']);
    expect((await readJson(join(here, 'stylegraph-plugin-grain', 'package.json'))).name).toBe('@acme/stylegraph-plugin-grain');
  });
});
