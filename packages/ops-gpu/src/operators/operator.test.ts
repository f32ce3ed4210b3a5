/**
 * Operator plugins built from tiny GraphBuilder models: the checks against the model at plugin
 * build time, and real runs on a CPU compute (through core's executor and directly), compared
 * with the same math in plain TypeScript.
 */
import { Registry, checkGraph, definePlugin, definePortKind, defineNode, execute, isNodeError, tensor, tensorCodec, z, type PortKind, type RunContext, type Tensor } from '@stylegraph/core';
import { describe, expect, it } from 'vitest';
import { createNodeCompute } from '../compute/node.js';
import { GraphBuilder } from '../onnx/builder.js';
import { OperatorManifestError } from './manifest.js';
import { operatorOf, operatorPlugin, type OperatorSource } from './plugin.js';

const compute = createNodeCompute({ backend: 'cpu' });

/**
 * "mix": sum = where(negate, −v, v) with v = x·gain + offset (gain float32, offset int64 cast
 * to float, negate bool: params fed as scalar inputs), diff = x − shift (shift: a number port),
 * total = Σx (a number output).
 */
function mixModel(): Uint8Array {
  const g = new GraphBuilder();
  const x = g.input('x', 'float32', ['N']);
  const gain = g.input('gain', 'float32', []);
  const offset = g.input('offset', 'int64', []);
  const negate = g.input('negate', 'bool', []);
  const shift = g.input('shift', 'float32', []);
  const v = g.add(g.mul(x, gain), g.cast(offset, 'float32'));
  g.output('sum', g.where(negate, g.neg(v), v));
  g.output('diff', g.sub(x, shift));
  g.output('total', g.reduceSum(x, undefined, false));
  return g.toModel();
}

/**
 * "attrs": y = Pad_mode(Gather_axis(alpha · a·Wᵀ or a·W, 0), [1, 1]) with W = [[1, 2], [3, 4]]:
 * alpha (FLOAT), transB (INT, from a boolean), axis (INT) and the pad mode (STRING) are node
 * attributes the params set.
 */
const W = [1, 2, 3, 4];
function attrsModel(): Uint8Array {
  const g = new GraphBuilder();
  const a = g.input('a', 'float32', [2, 2]);
  const mm = g.gemm(a, g.initializer('w', tensor('float32', [2, 2], Float32Array.from(W))), undefined, { alpha: 1, transB: false }, 'mm');
  const picked = g.gather(mm, g.constant(tensor('int64', [], BigInt64Array.of(0n))), 0, 'pick');
  g.output('y', g.pad(picked, [1, 1], 0, 'border'));
  return g.toModel();
}

/** y = a·W (or a·Wᵀ), times alpha, row 0 (axis 0) or column 0 (axis 1), padded by mode. */
function attrsReference(a: readonly number[], p: { alpha: number; transpose: boolean; axis: number; border: string }): number[] {
  const w = (k: number, j: number) => (p.transpose ? W[j * 2 + k]! : W[k * 2 + j]!);
  const mm = (i: number, j: number) => p.alpha * (a[i * 2]! * w(0, j) + a[i * 2 + 1]! * w(1, j));
  const v = p.axis === 0 ? [mm(0, 0), mm(0, 1)] : [mm(0, 0), mm(1, 0)];
  const [l, r] = p.border === 'edge' ? [v[0]!, v[1]!] : p.border === 'reflect' ? [v[1]!, v[0]!] : [0, 0];
  return [l, ...v, r];
}

const mixManifest = () => ({
  name: 'Mix',
  version: 1,
  title: 'Mix',
  category: 'test',
  model: './mix.onnx',
  inputs: { x: { kind: 'Tensor', onnx: 'x' }, shift: { kind: 'number', onnx: 'shift' } },
  outputs: { sum: { kind: 'Tensor', onnx: 'sum' }, diff: { kind: 'Tensor', onnx: 'diff' }, total: { kind: 'number', onnx: 'total' } },
  params: {
    gain: { type: 'number', default: 1, minimum: -10, maximum: 10, onnx: { input: 'gain' } },
    offset: { type: 'integer', default: 0, onnx: { input: 'offset' } },
    negate: { type: 'boolean', default: false, onnx: { input: 'negate' } },
  },
});

const attrsManifest = () => ({
  name: 'Attrs',
  version: 2,
  title: 'Attrs',
  category: 'test',
  model: 'attrs.onnx',
  inputs: { a: { kind: 'Tensor', onnx: 'a', shape: [2, 2] } },
  outputs: { y: { kind: 'Tensor', onnx: 'y', shape: [4] } },
  params: {
    alpha: { type: 'number', default: 1, onnx: { attribute: { node: 'mm', name: 'alpha' } } },
    transpose: { type: 'boolean', default: false, onnx: { attribute: { node: 'mm', name: 'transB' } } },
    axis: { type: 'integer', default: 0, enum: [0, 1], onnx: { attribute: { node: 'pick', name: 'axis' } } },
    border: { type: 'string', default: 'constant', enum: ['constant', 'edge', 'reflect'], onnx: { attribute: { node: 'border', name: 'mode' } } },
  },
});

const MODELS: Record<string, Uint8Array> = { 'ops/mix.onnx': mixModel(), 'ops/attrs.onnx': attrsModel(), 'ops/broken.onnx': Uint8Array.of(1, 2, 3, 4, 5) };
const readFile = async (p: string) => {
  const b = MODELS[p];
  if (!b) throw new Error(`ENOENT: no such file ${p}`);
  return b;
};

const build = (operators: readonly OperatorSource[], kind?: (n: string) => PortKind | undefined) =>
  operatorPlugin({ name: 'stylegraph-plugin-test-ops', version: '1.0.0', namespace: 'ops', operators, readFile, ...(kind && { kind }) });

/** The one-line error building a plugin of one (changed) manifest gives. */
async function buildError(manifest: unknown, file = 'ops/x.json', kind?: (n: string) => PortKind | undefined): Promise<string> {
  const e = await build([{ file, manifest }], kind).then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(OperatorManifestError);
  const msg = (e as Error).message;
  expect(msg).not.toContain('\n');
  return msg;
}

/** A source node giving a float32 tensor from its params, so graphs can feed operators. */
const srcPlugin = definePlugin({
  name: 'stylegraph-plugin-test-src',
  version: '1.0.0',
  apiVersion: 2,
  nodes: [
    defineNode({
      type: 'src/Const',
      version: 1,
      title: 'Const',
      category: 'test',
      inputs: {},
      outputs: { t: { type: 'Tensor' }, n: { type: 'number' } },
      params: z.object({ dims: z.array(z.int()), data: z.array(z.number()), n: z.number().default(0) }),
      purity: 'pure',
      run: ({ params }) => ({ t: tensor('float32', params.dims, Float32Array.from(params.data)), n: params.n }),
    }),
  ],
});

async function runGraph(registry: Registry, nodes: Record<string, unknown>, edges: [string, string][], services: Record<string, unknown> = { compute }) {
  const doc = { format: 'stylegraph.graph', formatVersion: 1, plugins: { 'stylegraph-plugin-test-src': '^1.0.0', 'stylegraph-plugin-test-ops': '^1.0.0' }, nodes, edges: edges.map(([from, to]) => ({ from, to })) };
  const checked = checkGraph(doc, registry);
  expect(checked.diagnostics).toEqual([]);
  return execute(checked.graph!, { files: { read: readFile, exists: async () => false, write: async () => '' }, services });
}

const X = [0.5, -1.25, 2, 3.5, -0.75];
const floats = (t: unknown) => Array.from((t as Tensor<'float32'>).data);
const close = (got: readonly number[], want: readonly number[], tol: number) => {
  expect(got).toHaveLength(want.length);
  got.forEach((g, i) => expect(Math.abs(g - want[i]!), `element ${i}: ${g} vs ${want[i]}`).toBeLessThanOrEqual(tol));
};

describe('operatorPlugin: a real run', () => {
  it('runs through the executor, with params as scalar inputs of their dtypes and each output on its own port', async () => {
    const plugin = await build([{ file: 'ops/mix.json', manifest: mixManifest() }]);
    const registry = new Registry([srcPlugin, plugin]);
    const nodes = (params: Record<string, unknown>) => ({ c: { type: 'src/Const', version: 1, params: { dims: [5], data: X, n: 0.25 } }, m: { type: 'ops/Mix', version: 1, params } });
    const wires: [string, string][] = [['c.t', 'm.x'], ['c.n', 'm.shift']];
    // Reference: the same math in float64; the tolerance covers float32 rounding.
    const ref = (gain: number, offset: number, negate: boolean) => X.map((x) => (negate ? -1 : 1) * (x * gain + offset));
    for (const params of [{}, { gain: 2.5 }, { gain: -0.5, offset: 3 }, { gain: 2, offset: -2, negate: true }]) {
      const s = await runGraph(registry, nodes(params), wires);
      expect(s.nodes.m!.error).toBeUndefined();
      const p = { gain: 1, offset: 0, negate: false, ...params };
      close(floats(s.outputs['m.sum']), ref(p.gain, p.offset, p.negate), 1e-6);
      close(floats(s.outputs['m.diff']), X.map((x) => x - 0.25), 1e-6);
      expect(s.outputs['m.total']).toBeCloseTo(X.reduce((a, b) => a + b, 0), 6);
    }
  });

  it('sets node attributes from params (FLOAT, INT from integer and boolean, STRING), patching the model once per set of values', async () => {
    const plugin = await build([{ file: 'ops/attrs.json', manifest: attrsManifest() }]);
    const def = plugin.nodes[0]!;
    const a = [1.5, -2, 0.25, 3];
    const run = async (params: Record<string, unknown>) => {
      const out = (await def.run({ inputs: { a: tensor('float32', [2, 2], Float32Array.from(a)) } as never, params: def.params.parse(params) as never, ctx: ctx({ compute }) })) as Record<string, Tensor>;
      return floats(out.y);
    };
    const base = { alpha: 1, transpose: false, axis: 0, border: 'constant' };
    const seen = new Set<string>();
    for (const change of [{}, { alpha: -2.5 }, { transpose: true }, { axis: 1 }, { border: 'edge' }, { border: 'reflect', axis: 1, transpose: true, alpha: 0.5 }]) {
      const p = { ...base, ...change };
      const got = await run(p);
      close(got, attrsReference(a, p), 1e-5);
      seen.add(JSON.stringify(got));
    }
    expect(seen.size).toBe(6); // every change changed the output
    const info = operatorOf(def)!;
    expect(await info.model({ alpha: 3 })).toBe(await info.model({ alpha: 3 })); // cached per attribute values
    expect(await info.model({ alpha: 3 })).not.toBe(await info.model({ alpha: 4 }));
  });

  it('fails with SERVICE_MISSING when the host lends no compute, directly and through the executor', async () => {
    const plugin = await build([{ file: 'ops/mix.json', manifest: mixManifest() }]);
    const def = plugin.nodes[0]!;
    const err = await Promise.resolve(def.run({ inputs: { x: tensor('float32', [1], Float32Array.of(1)), shift: 0 } as never, params: def.params.parse({}) as never, ctx: ctx({}) })).catch((e: unknown) => e);
    expect(isNodeError(err) && err.code).toBe('SERVICE_MISSING');
    expect((err as Error).message).toBe('ops/Mix runs an ONNX model and needs the host service "compute" (a Compute from createNodeCompute or createWebCompute), which this host does not provide');
    const s = await runGraph(new Registry([srcPlugin, plugin]), { c: { type: 'src/Const', version: 1, params: { dims: [1], data: [1] } }, m: { type: 'ops/Mix', version: 1 } }, [['c.t', 'm.x'], ['c.n', 'm.shift']], {});
    expect(s.nodes.m).toMatchObject({ status: 'failed', error: { code: 'SERVICE_MISSING' } });
  });

  it('refuses an input tensor of another dtype than the model’s, naming port and model input', async () => {
    const def = (await build([{ file: 'ops/mix.json', manifest: mixManifest() }])).nodes[0]!;
    const err = await Promise.resolve(def.run({ inputs: { x: tensor('float64', [1], Float64Array.of(1)), shift: 0 } as never, params: def.params.parse({}) as never, ctx: ctx({ compute }) })).catch((e: unknown) => e);
    expect(isNodeError(err) && err.code).toBe('INPUT_INVALID');
    expect((err as Error).message).toBe('ops/Mix input "x" is float64 but the model\'s input "x" is float32');
  });

  it('operatorOf tells what the node runs; other nodes have none', async () => {
    const plugin = await build([{ file: 'ops/mix.json', manifest: { ...mixManifest(), differentiable: true } }, { file: 'ops/attrs.json', manifest: attrsManifest() }]);
    const [mix, attrs] = plugin.nodes;
    expect(plugin).toMatchObject({ name: 'stylegraph-plugin-test-ops', namespace: 'ops', apiVersion: 2 });
    expect(mix).toMatchObject({ type: 'ops/Mix', version: 1, purity: 'pure' });
    expect(attrs).toMatchObject({ type: 'ops/Attrs', version: 2 });
    const info = operatorOf(mix)!;
    expect(info).toMatchObject({
      type: 'ops/Mix',
      file: 'ops/mix.json',
      modelPath: 'ops/mix.onnx',
      differentiable: true,
      inputs: { x: 'x', shift: 'shift' },
      outputs: { sum: 'sum', diff: 'diff', total: 'total' },
      params: { gain: { kind: 'input', input: 'gain', dtype: 'float32' }, offset: { kind: 'input', input: 'offset', dtype: 'int64' }, negate: { kind: 'input', input: 'negate', dtype: 'bool' } },
    });
    expect(await info.model()).toBe(MODELS['ops/mix.onnx']);
    const feeds = info.paramFeeds({ gain: 2, offset: 3 });
    expect(feeds.gain).toEqual(tensor('float32', [], Float32Array.of(2)));
    expect(feeds.offset).toEqual(tensor('int64', [], BigInt64Array.of(3n)));
    expect(feeds.negate).toEqual(tensor('bool', [], Uint8Array.of(0)));
    expect(operatorOf(attrs)!.params.border).toEqual({ kind: 'attribute', node: 'border', attribute: 'mode' });
    expect(operatorOf(attrs)!.differentiable).toBe(false);
    expect(operatorOf(srcPlugin.nodes[0])).toBeUndefined();
    expect(operatorOf(undefined)).toBeUndefined();
  });
});

describe('operatorPlugin: checks against the model, one line naming manifest and field', () => {
  const mix = (change: (m: ReturnType<typeof mixManifest>) => void) => {
    const m = mixManifest();
    change(m);
    return m;
  };
  const cases: [string, unknown, string][] = [
    ['an unknown kind', mix((m) => (m.inputs.x.kind = 'Tensr')), 'ops/x.json: inputs.x.kind: unknown port kind "Tensr" (core kinds: Tensor, Image, Report, number, integer, string, boolean;'],
    ['a kind no plugin declares', mix((m) => (m.inputs.x.kind = 'stylegan/WPlus')), 'ops/x.json: inputs.x.kind: unknown port kind "stylegan/WPlus"'],
    ['a kind that carries no tensor', mix((m) => (m.outputs.total.kind = 'Report')), 'ops/x.json: outputs.total.kind: kind Report is not a tensor kind'],
    ['a kind of another dtype', mix((m) => (m.inputs.x.kind = 'Image')), 'ops/x.json: inputs.x.kind: the model\'s input "x" has rank 1 [N], not 4 [B, C, H, W]'],
    ['an integer port on a float output', mix((m) => (m.outputs.total.kind = 'integer')), 'ops/x.json: outputs.total.kind: an integer port needs int32 or int64 but the model\'s output "total" is float32'],
    ['a shape of the wrong rank', mix((m) => Object.assign(m.inputs.x, { shape: ['N', 2] })), 'ops/x.json: inputs.x.shape: the model\'s input "x" has rank 1 [N], not 2 [N, 2]'],
    ['a missing ONNX input', mix((m) => (m.inputs.x.onnx = 'X')), 'ops/x.json: inputs.x.onnx: the model ops/mix.onnx has no input "X" (its inputs: x, gain, offset, negate, shift)'],
    ['a missing ONNX output', mix((m) => (m.outputs.sum.onnx = 'summ')), 'ops/x.json: outputs.sum.onnx: the model ops/mix.onnx has no output "summ" (its outputs: sum, diff, total)'],
    ['a model input nothing feeds', mix((m) => delete (m.params as Partial<typeof m.params>).negate), 'ops/x.json: inputs: the model\'s input "negate" is fed by no input port or param (map one to it with "onnx": "negate")'],
    ['a model output no port takes', mix((m) => delete (m.outputs as Partial<typeof m.outputs>).diff), 'ops/x.json: outputs: the model\'s output "diff" goes to no output port'],
    ['an integer param on a float input', mix((m) => Object.assign(m.params.gain, { type: 'integer' })), 'ops/x.json: params.gain.onnx.input: an integer param is fed as int64 but the model\'s input "gain" is float32'],
    ['a number param on an int64 input', mix((m) => Object.assign(m.params.offset, { type: 'number' })), 'ops/x.json: params.offset.onnx.input: a number param is fed as float32 but the model\'s input "offset" is int64'],
    ['a param on a non-scalar input', mix((m) => ((m.inputs.x.onnx = 'gain'), Object.assign(m.params.gain.onnx, { input: 'x' }))), 'ops/x.json: params.gain.onnx.input: a param is fed as a scalar (rank 0) but the model\'s input "x" has shape [N]'],
    ['a model that cannot be read', mix((m) => (m.model = 'missing.onnx')), 'ops/x.json: model: cannot read ops/missing.onnx: ENOENT: no such file ops/missing.onnx'],
    ['a file that is not ONNX', mix((m) => (m.model = 'broken.onnx')), 'ops/x.json: model: ops/broken.onnx is not an ONNX model'],
  ];
  for (const [what, manifest, expected] of cases) {
    it(`refuses ${what}`, async () => {
      expect(await buildError(manifest)).toContain(expected);
    });
  }

  const attrs = (change: (m: ReturnType<typeof attrsManifest>) => void) => {
    const m = attrsManifest();
    change(m);
    return m;
  };
  const attrCases: [string, unknown, string][] = [
    ['a node the model does not have', attrs((m) => (m.params.alpha.onnx.attribute.node = 'gemm')), 'ops/x.json: params.alpha.onnx.attribute.node: the model ops/attrs.onnx has no node named "gemm" (its named nodes: mm, pick, border,'],
    ['an attribute the node does not have', attrs((m) => (m.params.alpha.onnx.attribute.name = 'gamma')), 'ops/x.json: params.alpha.onnx.attribute.name: node "mm" (Gemm) has no attribute "gamma" (its attributes: alpha, beta, transA, transB)'],
    ['an attribute of another type', attrs((m) => (m.params.border.onnx.attribute = { node: 'mm', name: 'beta' })), 'ops/x.json: params.border.onnx.attribute.name: a string param sets a STRING attribute but "beta" of node "mm" is FLOAT'],
    ['a number param on an INT attribute', attrs((m) => Object.assign(m.params.axis, { type: 'number' })), 'ops/x.json: params.axis.onnx.attribute.name: a number param sets a FLOAT attribute but "axis" of node "pick" is INT'],
    ['a fixed size the model contradicts', attrs((m) => (m.outputs.y.shape = [5])), 'ops/x.json: outputs.y.shape[0]: is 5 but dimension 0 of the model\'s output "y" is 4 [4]'],
  ];
  for (const [what, manifest, expected] of attrCases) {
    it(`refuses ${what}`, async () => {
      expect(await buildError(manifest)).toContain(expected);
    });
  }

  it('resolves other plugins’ kinds through the callback and checks their dtype', async () => {
    const Vec = definePortKind({ name: 'test/Vec', description: 'a vector', dims: ['N'], dtype: 'float32', codec: tensorCodec as PortKind<Tensor<'float32'>>['codec'] });
    const Idx = definePortKind({ name: 'test/Idx', description: 'indices', dims: ['N'], dtype: 'int64', codec: tensorCodec as PortKind<Tensor<'int64'>>['codec'] });
    const kinds = new Map<string, PortKind>([[Vec.name, Vec as PortKind], [Idx.name, Idx as PortKind]]);
    const plugin = await build([{ file: 'ops/mix.json', manifest: mix((m) => (m.inputs.x.kind = 'test/Vec')) }], (n) => kinds.get(n));
    expect(plugin.nodes[0]!.inputs.x!.type).toBe(Vec);
    expect(await buildError(mix((m) => (m.inputs.x.kind = 'test/Idx')), 'ops/x.json', (n) => kinds.get(n))).toBe('ops/x.json: inputs.x.kind: kind test/Idx is int64 but the model\'s input "x" is float32');
  });

  it('refuses two operators of one name, and names both files', async () => {
    const e = await build([
      { file: 'ops/a.json', manifest: mixManifest() },
      { file: 'ops/b.json', manifest: mixManifest() },
    ]).catch((err: unknown) => err as Error);
    expect((e as Error).message).toBe('ops/b.json: name: "Mix" is also the name of the operator in ops/a.json');
  });

  it('checks the manifest itself first', async () => {
    expect(await buildError({ ...mixManifest(), name: 'ops/Mix' })).toMatch(/^ops\/x\.json: name: must be letters and digits/);
  });
});

/** A minimal run context for calling a node's `run` directly. */
function ctx(services: Record<string, unknown>): RunContext {
  return {
    nodeId: 'n',
    services: services as unknown as RunContext['services'],
    signal: new AbortController().signal,
    files: { read: readFile, exists: async () => false, write: async () => '' },
    log: { debug: () => {}, info: () => {}, warn: () => {} },
    random: () => {
      throw new Error('no random');
    },
    progress: () => {},
    show: () => {},
    throwIfAborted: () => {},
  };
}
