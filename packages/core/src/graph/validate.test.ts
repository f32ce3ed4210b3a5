import { describe, expect, it } from 'vitest';
import { checkGraph } from './validate.js';
import { formatDiagnostic, type Diagnostic } from './diagnostics.js';
import { Registry } from '../plugin/registry.js';
import { doc, fixturePlugin } from '../testing/fixture-plugin.js';

const registry = new Registry([fixturePlugin]);
const errors = (input: unknown) => checkGraph(input, registry).diagnostics.filter((d) => d.severity === 'error');
const only = (input: unknown): Diagnostic => {
  const es = errors(input);
  expect(es.map(formatDiagnostic)).toHaveLength(1);
  return es[0]!;
};

const gen = (extra = {}) => ({ type: 'test/Gen', version: 1, params: extra });
const good = () =>
  doc(
    {
      g: gen(),
      z: { type: 'test/Seeds', version: 1, params: { seeds: [1, 2, 3] } },
      m: { type: 'test/Map', version: 1 },
      s: { type: 'test/Synth', version: 1 },
    },
    [
      ['g.gen', 'z.gen'],
      ['g.gen', 'm.gen'],
      ['z.z', 'm.z'],
      ['g.gen', 's.gen'],
      ['m.w', 's.w'],
    ],
  );

describe('checkGraph', () => {
  it('accepts a valid graph and orders it topologically', () => {
    const r = checkGraph(good(), registry);
    expect(r.diagnostics).toEqual([]);
    expect(r.ok).toBe(true);
    const order = r.graph!.order;
    expect(order.indexOf('g')).toBeLessThan(order.indexOf('z'));
    expect(order.indexOf('m')).toBeLessThan(order.indexOf('s'));
    // B is bound by the seed count and flows through to the image.
    const img = r.graph!.shapes.shapes.get('s')!.get('img')!;
    expect(r.graph!.shapes.unifier.valueOf(img[0]!)).toBe(3);
  });

  it('reports malformed JSON with line and column', () => {
    const d = only('{\n  "format": "stylegraph.graph",\n  "nodes": {,}\n}');
    expect(d.code).toBe('JSON_MALFORMED');
    expect(d.line).toBe(3);
  });

  it('reports an unsupported format', () => {
    expect(only({ ...good(), formatVersion: 7 }).code).toBe('FORMAT_UNSUPPORTED');
    expect(only({ nodes: {} }).code).toBe('FORMAT_UNSUPPORTED');
  });

  it('reports schema problems by path and keeps checking the other nodes', () => {
    const g = good();
    (g.nodes as Record<string, unknown>).bad = { type: 'not a type', version: 1 };
    (g.nodes as Record<string, unknown>).m = { type: 'test/Map', version: 1, colour: 'red' };
    const es = errors(g);
    expect(es.map((e) => [e.code, e.node])).toEqual(
      expect.arrayContaining([
        ['SCHEMA_INVALID', 'bad'],
        ['SCHEMA_INVALID', 'm'],
      ]),
    );
    // Edges into the broken node "m" are not reported as pointing at a missing node.
    expect(es.some((e) => e.code === 'EDGE_NODE_MISSING')).toBe(false);
  });

  it('reports an unknown node type', () => {
    const d = only(doc({ a: { type: 'test/Nope', version: 1 } }));
    expect(d).toMatchObject({ code: 'NODE_TYPE_UNKNOWN', node: 'a' });
    expect(d.message).toContain('test/Nope');
  });

  it('reports a node version newer than installed', () => {
    expect(only(doc({ a: { type: 'test/Num', version: 3 } }))).toMatchObject({ code: 'NODE_VERSION_UNSUPPORTED', node: 'a' });
  });

  it('migrates an older node version and says so', () => {
    const r = checkGraph(doc({ a: { type: 'test/Num', version: 1 }, b: { type: 'test/Add', version: 1, params: { k: 5 } } }, [['a.out', 'b.a']]), registry);
    expect(r.ok).toBe(true);
    expect(r.graph!.document.nodes.b).toMatchObject({ version: 2, params: { offset: 5 } });
    expect(r.graph!.nodes.get('b')!.params).toEqual({ offset: 5 });
    expect(r.diagnostics).toEqual([expect.objectContaining({ severity: 'info', code: 'NODE_MIGRATED', node: 'b' })]);
  });

  it('reports a missing plugin and a version mismatch', () => {
    const g = { ...good(), plugins: { '@stylegraph/test-fixtures': '^1.0.0', '@someone/faces': '^2.0.0' } };
    expect(only(g)).toMatchObject({ code: 'PLUGIN_MISSING', path: 'plugins.@someone/faces' });
    expect(only({ ...good(), plugins: { '@stylegraph/test-fixtures': '^2.0.0' } }).code).toBe('PLUGIN_VERSION_MISMATCH');
  });

  it('warns when a node comes from an undeclared plugin', () => {
    const r = checkGraph({ ...good(), plugins: {} }, registry);
    expect(r.ok).toBe(true);
    expect(r.diagnostics.map((d) => d.code)).toEqual(['PLUGIN_UNDECLARED']);
  });

  it('maps invalid params to their path, and rejects unknown params by name', () => {
    const d = only(doc({ z: { type: 'test/Num', version: 1, params: { value: 'ten' } } }));
    expect(d).toMatchObject({ code: 'PARAM_INVALID', node: 'z', param: 'value' });
    const u = only(doc({ z: { type: 'test/Num', version: 1, params: { valeu: 3 } } }));
    expect(u).toMatchObject({ code: 'PARAM_INVALID', node: 'z', param: 'valeu' });
    expect(u.message).toContain('params: value');
    const nested = only(doc({ g: gen(), z: { type: 'test/Seeds', version: 1, params: { seeds: [1, 2.5] } } }, [['g.gen', 'z.gen']]));
    expect(nested).toMatchObject({ code: 'PARAM_INVALID', param: 'seeds.1' });
  });

  it('reports edges to missing nodes and ports', () => {
    expect(only(doc({ a: { type: 'test/Num', version: 1 } }, [['a.out', 'ghost.a']]))).toMatchObject({
      code: 'EDGE_NODE_MISSING',
      path: 'edges[0].to',
    });
    const d = only(doc({ a: { type: 'test/Num', version: 1 }, b: { type: 'test/Add', version: 2 } }, [['a.out', 'b.a'], ['a.value', 'b.b']]));
    expect(d).toMatchObject({ code: 'EDGE_PORT_MISSING', node: 'a', port: 'value', path: 'edges[1].from' });
  });

  it('reports a duplicate edge into one input', () => {
    const g = doc({ a: { type: 'test/Num', version: 1 }, c: { type: 'test/Num', version: 1 }, b: { type: 'test/Add', version: 2 } }, [
      ['a.out', 'b.a'],
      ['c.out', 'b.a'],
    ]);
    expect(only(g)).toMatchObject({ code: 'INPUT_DUPLICATE_EDGE', node: 'b', port: 'a' });
  });

  it('reports a missing required input but not a missing optional one', () => {
    const d = only(doc({ b: { type: 'test/Add', version: 2 } }));
    expect(d).toMatchObject({ code: 'INPUT_MISSING', node: 'b', port: 'a' });
  });

  it('reports a type mismatch with both types', () => {
    const g = doc({ g: gen(), b: { type: 'test/Add', version: 2 } }, [['g.gen', 'b.a']]);
    const d = only(g);
    expect(d).toMatchObject({ code: 'TYPE_MISMATCH', node: 'b', port: 'a' });
    expect(d.message).toContain('Generator');
    expect(d.message).toContain('number');
  });

  it('prints a cycle as a path', () => {
    const g = doc(
      { a: { type: 'test/Add', version: 2 }, b: { type: 'test/Add', version: 2 }, c: { type: 'test/Add', version: 2 } },
      [
        ['a.out', 'b.a'],
        ['b.out', 'c.a'],
        ['c.out', 'a.a'],
      ],
    );
    const d = only(g);
    expect(d.code).toBe('CYCLE');
    expect(d.message).toBe('cycle: a → b → c → a');
  });

  it('catches W+ from one generator wired into another generator’s synthesis', () => {
    const g = good();
    (g.nodes as Record<string, unknown>).g2 = gen({ numWs: 6 });
    g.edges = g.edges.map((e) => (e.to === 's.gen' ? { from: 'g2.gen', to: 's.gen' } : e));
    const d = only(g);
    expect(d).toMatchObject({ code: 'SHAPE_MISMATCH', node: 's' });
    expect(d.message).toMatch(/node "g".*node "g2"|node "g2".*node "g"/);
  });

  it('compares known sizes when the generators’ sizes are known statically', () => {
    const g = good();
    (g.nodes as Record<string, unknown>).g = gen({ numWs: 4, known: true });
    (g.nodes as Record<string, unknown>).g2 = gen({ numWs: 4, known: true });
    g.edges = g.edges.map((e) => (e.to === 's.gen' ? { from: 'g2.gen', to: 's.gen' } : e));
    expect(errors(g)).toEqual([]);
    (g.nodes as Record<string, unknown>).g2 = gen({ numWs: 6, known: true });
    expect(only(g).message).toContain('4');
  });

  it('lets mixing take batches of different sizes but not different generators', () => {
    const g = doc(
      {
        g: gen(),
        z1: { type: 'test/Seeds', version: 1, params: { seeds: [1, 2] } },
        z2: { type: 'test/Seeds', version: 1, params: { seeds: [3, 4, 5] } },
        m1: { type: 'test/Map', version: 1 },
        m2: { type: 'test/Map', version: 1 },
        mix: { type: 'test/Mix', version: 1 },
      },
      [
        ['g.gen', 'z1.gen'],
        ['g.gen', 'z2.gen'],
        ['g.gen', 'm1.gen'],
        ['g.gen', 'm2.gen'],
        ['z1.z', 'm1.z'],
        ['z2.z', 'm2.z'],
        ['m1.w', 'mix.a'],
        ['m2.w', 'mix.b'],
      ],
    );
    expect(errors(g)).toEqual([]);
  });

  it('returns every diagnostic at once', () => {
    const g = doc(
      {
        a: { type: 'test/Nope', version: 1 },
        b: { type: 'test/Add', version: 2, params: { offset: 'x' } },
        c: { type: 'test/Add', version: 2 },
      },
      [['zz.out', 'c.a']],
    );
    expect(errors(g).map((e) => e.code).sort()).toEqual(['EDGE_NODE_MISSING', 'INPUT_MISSING', 'NODE_TYPE_UNKNOWN', 'PARAM_INVALID']);
  });
});
