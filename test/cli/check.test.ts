import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { stylegraph } from './run-cli.js';

const dir = mkdtempSync(join(tmpdir(), 'stylegraph-check-'));
const plugin = new URL('../fixtures/shape-plugin.mjs', import.meta.url).pathname;

const graph = (nodes: Record<string, unknown>, edges: [string, string][] = [], plugins: Record<string, string> = { '@stylegraph/plugin-std': '^0.1.0' }) =>
  JSON.stringify({ format: 'stylegraph.graph', formatVersion: 1, plugins, nodes, edges: edges.map(([from, to]) => ({ from, to })) });
const write = (name: string, text: string) => {
  const p = join(dir, `${name}.graph.json`);
  writeFileSync(p, text);
  return p;
};
const c = (value = 1) => ({ type: 'std/Constant', version: 1, params: { value } });
const math = { type: 'std/Math', version: 1, params: { op: 'add' } };

// Each kind of broken graph: the file, the code, and what the message must name.
const broken: [string, string, string, RegExp][] = [
  ['malformed', '{ "format": "stylegraph.graph", "nodes": { ,} }', 'JSON_MALFORMED', /line 1/],
  ['unknown-type', graph({ a: { type: 'std/Nope', version: 1 } }), 'NODE_TYPE_UNKNOWN', /node "a".*std\/Nope/],
  ['new-version', graph({ a: { type: 'std/Constant', version: 9 } }), 'NODE_VERSION_UNSUPPORTED', /node "a".*version 9/],
  ['missing-plugin', graph({ a: c() }, [], { '@stylegraph/plugin-std': '^0.1.0', '@acme/faces': '^1.0.0' }), 'PLUGIN_MISSING', /@acme\/faces/],
  ['plugin-version', graph({ a: c() }, [], { '@stylegraph/plugin-std': '^3.0.0' }), 'PLUGIN_VERSION_MISMATCH', /\^3\.0\.0.*0\.1\.0/],
  ['missing-input', graph({ m: math }), 'INPUT_MISSING', /node "m" port "a"/],
  ['type-mismatch', graph({ a: c(), s: { type: 'std/Statistic', version: 1 } }, [['a.value', 's.tensor']]), 'TYPE_MISMATCH', /node "s" port "tensor".*number.*Tensor/],
  ['cycle', graph({ a: math, b: math }, [['a.value', 'b.a'], ['b.value', 'a.a']]), 'CYCLE', /cycle: a → b → a/],
  ['invalid-param', graph({ a: { type: 'std/Constant', version: 1, params: { value: 'ten' } } }), 'PARAM_INVALID', /node "a" param "value"/],
  ['unknown-param', graph({ a: { type: 'std/Constant', version: 1, params: { vlaue: 3 } } }), 'PARAM_INVALID', /node "a" param "vlaue".*no param/],
  ['edge-missing-node', graph({ a: c() }, [['a.value', 'ghost.a']]), 'EDGE_NODE_MISSING', /edges\[0\]\.to.*ghost/],
  ['edge-missing-port', graph({ a: c(), m: math }, [['a.val', 'm.a']]), 'EDGE_PORT_MISSING', /node "a" port "val".*outputs: value/],
  ['duplicate-edge', graph({ a: c(), b: c(), m: math }, [['a.value', 'm.a'], ['b.value', 'm.a']]), 'INPUT_DUPLICATE_EDGE', /node "m" port "a"/],
  ['bad-format', JSON.stringify({ format: 'comfyui', nodes: {} }), 'FORMAT_UNSUPPORTED', /stylegraph\.graph/],
];

describe('stylegraph check', () => {
  it('exits 0 on a valid graph', () => {
    const r = stylegraph(['check', 'examples/seed-statistics.graph.json']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('ok (0 errors, 0 warnings)');
  });

  it.each(broken)('exits 2 on %s with one clear diagnostic', (name, text, code, message) => {
    const path = write(name, text);
    const r = stylegraph(['check', path]);
    expect(r.code).toBe(2);
    const lines = r.stderr.trim().split('\n');
    expect(lines).toHaveLength(2); // the diagnostic + the summary line
    expect(lines[0]).toContain(`error ${code}`);
    expect(lines[0]).toMatch(message);
    expect(lines[0]!.startsWith(path)).toBe(true);
  });

  it('catches a 64 px model’s W+ wired into a 256 px model’s synthesis (shape mismatch)', () => {
    const nodes = {
      g64: { type: 'shapes/Gen', version: 1, params: { res: 64 } },
      g256: { type: 'shapes/Gen', version: 1, params: { res: 256 } },
      w: { type: 'shapes/Ws', version: 1 },
      s: { type: 'shapes/Synth', version: 1 },
    };
    const edges: [string, string][] = [
      ['g64.gen', 'w.gen'],
      ['w.w', 's.w'],
      ['g256.gen', 's.gen'],
    ];
    const path = write('shape', graph(nodes, edges, { 'stylegraph-plugin-shapes': '^1.0.0' }));
    const r = stylegraph(['check', path, '--plugin', plugin]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/error SHAPE_MISMATCH node "s" port "(gen|w)".*numWs.*node "g(64|256)".*node "g(64|256)"/);
    expect(r.stderr.trim().split('\n')).toHaveLength(2);
    // Wired to the same model, it is valid.
    const ok = write('shape-ok', graph(nodes, [...edges.slice(0, 2), ['g64.gen', 's.gen']], { 'stylegraph-plugin-shapes': '^1.0.0' }));
    expect(stylegraph(['check', ok, '--plugin', plugin]).code).toBe(0);
  });

  it('prints all diagnostics of a graph with several problems, as JSON too', () => {
    const path = write('many', graph({ a: { type: 'std/Nope', version: 1 }, m: math, b: { type: 'std/Constant', version: 1, params: { value: 'x' } } }));
    const r = stylegraph(['check', path, '--json']);
    expect(r.code).toBe(2);
    const report = JSON.parse(r.stdout);
    expect(report.diagnostics.map((d: { code: string }) => d.code).sort()).toEqual(['INPUT_MISSING', 'NODE_TYPE_UNKNOWN', 'PARAM_INVALID']);
  });

  it('exits 2 with a usage message for a missing file or a bad command', () => {
    const r = stylegraph(['check', join(dir, 'nope.graph.json')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('no such file');
    expect(stylegraph(['frobnicate']).code).toBe(2);
    expect(stylegraph(['run']).code).toBe(2);
  });
});
