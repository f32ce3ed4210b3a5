/**
 * A plugin across a boundary behaves as the plugin in-process: the fixture plugin, described
 * (`describePlugin`), served (`servePlugin`) and stood in for (`remotePlugin`) over an in-memory
 * channel, validates and runs the same graphs to the same outputs, diagnostics, files and
 * progress; its own non-tensor kind stays opaque on the host; errors keep their codes; a run can
 * be cancelled; migrations and inferred sizes come through the link's `ask`.
 */
import { describe, expect, it } from 'vitest';
import { Registry } from '../plugin/registry.js';
import { checkAndRun, doc, fixturePlugin, memoryFiles } from '../testing/fixture-plugin.js';
import { NodeError, type RunContext } from '../plugin/context.js';
import type { RunEvent } from '../exec/events.js';
import { describePlugin } from './describe.js';
import { errorWire, servePlugin } from './serve.js';
import { remotePlugin, type PluginLink } from './proxy.js';
import { isOpaque } from './values.js';
import { inlineTransport, type ChildMessage, type HostMessage } from './wire.js';
import { defineNode, definePlugin, PLUGIN_API_VERSION, type PluginDefinition } from '../plugin/define.js';
import { definePortKind } from '../types/port-kind.js';
import { jsonCodec, tensorCodec } from '../values/codecs.js';
import { tensor } from '../values/tensor.js';
import { z } from 'zod';

/** A link to a plugin (the fixture plugin) served in this process; messages cross as structured clones. */
function memoryLink(served: PluginDefinition = fixturePlugin) {
  const calls = new Map<number, { resolve: (v: unknown) => void; reject: (e: unknown) => void; onMessage: (m: ChildMessage) => void }>();
  const sent: HostMessage[] = [];
  const serve = servePlugin(served, {
    values: inlineTransport,
    send: (m) => {
      const c = calls.get(m.id);
      if (m.op !== 'done') return c?.onMessage(structuredClone(m));
      calls.delete(m.id);
      if (m.error) c?.reject(m.error);
      else c?.resolve(structuredClone(m.result));
    },
  });
  const post = (m: HostMessage) => {
    sent.push(m);
    serve(structuredClone(m));
  };
  let next = 1;
  const asked: string[] = [];
  const link: PluginLink = {
    values: inlineTransport,
    run: (req, _ctx, onMessage) => {
      const id = next++;
      const done = new Promise((resolve, reject) => calls.set(id, { resolve, reject, onMessage }));
      post({ ...req, id });
      return { id, done, forward: post };
    },
    // Asked synchronously, as a host that can wait does; answered by the definitions themselves.
    ask: (req) => {
      asked.push(`${req.op} ${req.type}`);
      const def = served.nodes.find((n) => n.type === req.type)!;
      return req.op === 'migrate' ? def.migrations![req.from]!(req.params) : def.inferShapes!(req.params as never, { dims: req.dims, connected: new Set(req.connected) });
    },
    error: (e) => new NodeError(e.code ?? 'NODE_FAILED', e.message),
  };
  const plugin = remotePlugin(describePlugin(served), { label: served.name, link, kind: () => undefined });
  return { plugin, sent, asked };
}

const graph = doc(
  {
    gen: { type: 'test/Gen', version: 1, params: { numWs: 6, known: true } },
    seeds: { type: 'test/Seeds', version: 1, params: { seeds: [3, 4, 5] } },
    map: { type: 'test/Map', version: 1 },
    synth: { type: 'test/Synth', version: 1 },
    a: { type: 'test/Num', version: 1, params: { value: 2 } },
    add: { type: 'test/Add', version: 1, params: { k: 10 } },
    len: { type: 'test/ReadLen', version: 1, params: { path: 'in.txt' } },
    write: { type: 'test/Write', version: 1, params: { path: 'sum.txt' } },
    wait: { type: 'test/Wait', version: 1, params: { ms: 10 } },
  },
  [
    ['gen.gen', 'seeds.gen'],
    ['gen.gen', 'map.gen'],
    ['seeds.z', 'map.z'],
    ['gen.gen', 'synth.gen'],
    ['map.w', 'synth.w'],
    ['a.out', 'add.a'],
    ['len.out', 'add.b'],
    ['add.out', 'write.a'],
  ],
);

async function runWith(plugin: typeof fixturePlugin | ReturnType<typeof memoryLink>['plugin']) {
  const files = memoryFiles({ 'in.txt': 'hello' });
  const events: RunEvent[] = [];
  const summary = await checkAndRun(graph, new Registry([plugin]), { files: files.access, onEvent: (e) => events.push(e) });
  return { summary, written: files.written, progress: events.filter((e) => e.type === 'node-progress').length };
}

describe('a plugin across a boundary', () => {
  it('validates and runs a graph exactly as in-process', async () => {
    const local = await runWith(fixturePlugin);
    const { plugin, asked } = memoryLink();
    const remote = await runWith(plugin);
    expect(remote.summary.status).toBe('ok');
    expect(remote.summary.diagnostics).toEqual(local.summary.diagnostics);
    expect(remote.summary.diagnostics?.some((d) => d.code === 'NODE_MIGRATED')).toBe(true);
    expect(Object.fromEntries(Object.entries(remote.summary.nodes).map(([k, v]) => [k, v.status]))).toEqual(Object.fromEntries(Object.entries(local.summary.nodes).map(([k, v]) => [k, v.status])));
    expect([...remote.written]).toEqual([['sum.txt', '17']]);
    expect(remote.progress).toBe(local.progress);
    const img = remote.summary.outputs['synth.img'] as { dims: number[] };
    expect(img.dims).toEqual((local.summary.outputs['synth.img'] as { dims: number[] }).dims);
    expect(asked).toEqual(expect.arrayContaining(['migrate test/Add', 'infer test/Gen', 'infer test/Seeds']));
  });

  it('holds values of the plugin’s own non-tensor kind opaque, with their sizes', async () => {
    const { plugin } = memoryLink();
    const gen = plugin.nodes.find((n) => n.type === 'test/Gen')!;
    const out = (await gen.run({ inputs: {} as never, params: { numWs: 6, known: false } as never, ctx: { nodeId: 'g', services: {}, signal: new AbortController().signal, files: memoryFiles().access } as never })) as Record<string, unknown>;
    expect(isOpaque(out.gen)).toBe(true);
    expect((out.gen as { sizes?: Record<string, number> }).sizes?.numWs).toBe(6);
    const kind = plugin.kinds!.find((k) => k.name === 'test/Generator')!;
    expect(kind.check(out.gen)).toBeUndefined();
    expect(kind.check({ kind: 'generator' })).toMatch(/expected a Generator made by @stylegraph\/test-fixtures/);
    expect(kind.sizes!(out.gen)).toEqual((out.gen as { sizes: unknown }).sizes);
  });

  it('keeps a node’s error code, and cancels a running node', async () => {
    const { plugin, sent } = memoryLink();
    const failed = await checkAndRun(doc({ a: { type: 'test/Num', version: 1 }, f: { type: 'test/Fail', version: 1 } }, [['a.out', 'f.a']]), new Registry([plugin]), { files: memoryFiles().access });
    expect(failed.nodes.f).toMatchObject({ status: 'failed', error: { code: 'BOOM', message: 'this node always fails' } });

    const abort = new AbortController();
    const running = checkAndRun(doc({ w: { type: 'test/Wait', version: 1, params: { ms: 2000 } } }), new Registry([plugin]), { files: memoryFiles().access, signal: abort.signal });
    setTimeout(() => abort.abort(), 30);
    const summary = await running;
    expect(summary.status).toBe('cancelled');
    expect(sent.some((m) => m.op === 'abort')).toBe(true);
  });

  it('serves migrations and inferred sizes, and says which node type it lacks', async () => {
    const answers: ChildMessage[] = [];
    const serve = servePlugin(fixturePlugin, { values: inlineTransport, send: (m) => answers.push(m) });
    serve({ op: 'migrate', id: 1, type: 'test/Add', from: 1, params: { k: 3 } });
    serve({ op: 'infer', id: 2, type: 'test/Seeds', params: { seeds: [1, 2] }, dims: {}, connected: ['gen'] });
    serve({ op: 'infer', id: 3, type: 'test/Nope', params: {}, dims: {}, connected: [] });
    await new Promise((r) => setTimeout(r, 10));
    expect(answers).toEqual([
      { op: 'done', id: 1, result: { offset: 3 } },
      { op: 'done', id: 2, result: { B: 2 } },
      { op: 'done', id: 3, error: { message: 'this plugin has no node type test/Nope' } },
    ]);
  });

  it('reports what Node’s permission model denied as a capability', () => {
    const denied = Object.assign(new Error('Access to this API has been restricted'), { code: 'ERR_ACCESS_DENIED', permission: 'FileSystemRead', resource: '/etc/passwd' });
    expect(errorWire(denied)).toEqual({ code: 'PLUGIN_CAPABILITY', message: 'Access to this API has been restricted', capability: 'FileSystemRead', resource: '/etc/passwd' });
    expect(errorWire(new NodeError('X', 'y', { a: 1 }))).toEqual({ code: 'X', message: 'y', details: { a: 1 } });
    expect(errorWire('plain')).toEqual({ message: 'plain' });
  });

  it('describes the same node types, ports and kinds as in-process', () => {
    const local = new Registry([fixturePlugin]);
    const remote = new Registry([memoryLink().plugin]);
    const withoutParams = (r: Registry) => r.describeAll().map(({ params: _p, ...rest }) => rest);
    expect(withoutParams(remote)).toStrictEqual(withoutParams(local));
    expect(remote.describeKinds()).toStrictEqual(local.describeKinds());
    // Params rebuilt from their JSON Schema parse as the plugin's own do: defaults, bounds, types.
    for (const { def } of local.listNodes()) {
      const stand = remote.node(def.type)!.def;
      for (const raw of [{}, { value: 3 }, { value: 'x' }, { numWs: 2.5 }, { seeds: [1, 2] }, { ms: -1 }]) {
        const a = def.params.safeParse(raw);
        const b = stand.params.safeParse(raw);
        expect(b.success, `${def.type} ${JSON.stringify(raw)}`).toBe(a.success);
        if (a.success) expect(b.data).toEqual(a.data);
      }
    }
  });

  it('streams a node’s logs, progress and values, reads and writes through the host, and checks its outputs', async () => {
    const Box = definePortKind<{ n: number }>({ name: 'box/Box', description: 'a box', dims: ['N'], check: (v) => (typeof (v as { n?: unknown })?.n === 'number' ? undefined : 'expected a box'), sizes: (v) => ({ N: v.n }), codec: jsonCodec() });
    const node = (type: string, outputs: Record<string, { type: typeof Box | 'number' | 'Tensor' }>, run: (a: { params: Record<string, unknown>; ctx: RunContext; inputs: Record<string, unknown> }) => unknown, inputs = {}) =>
      defineNode({ type, version: 1, title: type, category: 'Test', inputs, outputs, params: z.object({ n: z.number().int().min(0).default(2) }), purity: 'effect', run: run as never });
    const plugin = definePlugin({
      name: 'stylegraph-plugin-box',
      version: '1.0.0',
      apiVersion: PLUGIN_API_VERSION,
      nodes: [
        node('box/Make', { box: { type: Box } }, async ({ params, ctx }) => {
          ctx.log.info('making');
          ctx.progress(0.5, 'half');
          ctx.show('peek', params.n, 1);
          const text = new TextDecoder().decode(await ctx.files.read('in.txt'));
          await ctx.files.write('out.txt', new TextEncoder().encode(`${text}!`));
          expect(await ctx.files.exists('in.txt')).toBe(true);
          expect('compute' in ctx.services).toBe(false);
          return { box: { n: params.n as number } };
        }),
        node('box/Open', { n: { type: 'number' }, t: { type: 'Tensor' } }, ({ inputs }) => ({ n: (inputs.box as { n: number }).n, t: tensor('float32', [2], new Float32Array([1, 2])) }), { box: { type: Box } }),
        node('box/Forget', { n: { type: 'number' } }, () => ({})),
        node('box/Lie', { box: { type: Box } }, () => ({ box: 'not a box' })),
        node('box/Compute', { n: { type: 'number' } }, ({ ctx }) => ({ n: (ctx.services as unknown as Record<string, unknown>).compute as number })),
      ],
    });
    const { plugin: remote } = memoryLink(plugin);
    const files = memoryFiles({ 'in.txt': 'hi' });
    const events: RunEvent[] = [];
    const registry = new Registry([remote]);
    const run = (nodes: Record<string, unknown>, edges: [string, string][] = []) =>
      checkAndRun({ format: 'stylegraph.graph', formatVersion: 1, plugins: { 'stylegraph-plugin-box': '^1.0.0' }, nodes, edges: edges.map(([from, to]) => ({ from, to })) }, registry, { files: files.access, onEvent: (e) => events.push(e) });
    const ok = await run({ make: { type: 'box/Make', version: 1, params: { n: 5 } }, open: { type: 'box/Open', version: 1 } }, [['make.box', 'open.box']]);
    expect(ok.status).toBe('ok');
    expect(ok.outputs['open.n']).toBe(5);
    expect(ok.outputs['open.t']).toEqual(tensor('float32', [2], new Float32Array([1, 2])));
    const box = ok.outputs['make.box'];
    expect(isOpaque(box)).toBe(true);
    expect((box as { sizes?: unknown }).sizes).toEqual({ N: 5 });
    // Its codec (for caches) keeps bytes and sizes.
    const kind = registry.kind('box/Box')!;
    expect(await kind.codec.decode(await kind.codec.encode(box), {})).toEqual(box);
    expect([...files.written]).toEqual([['out.txt', 'hi!']]);
    expect(events).toEqual(
      expect.arrayContaining([
        { type: 'log', node: 'make', level: 'info', message: 'making' },
        { type: 'node-progress', node: 'make', fraction: 0.5, message: 'half' },
        { type: 'node-value', node: 'make', name: 'peek', value: 5, step: 1 },
      ]),
    );
    const bad = await run({ f: { type: 'box/Forget', version: 1 }, l: { type: 'box/Lie', version: 1 }, c: { type: 'box/Compute', version: 1 } });
    expect(bad.nodes.f).toMatchObject({ status: 'failed', error: { code: 'OUTPUT_MISSING', message: 'box/Forget returned no output "n"' } });
    expect(bad.nodes.l).toMatchObject({ status: 'failed', error: { code: 'OUTPUT_INVALID', message: 'box/Lie output "box": expected a box' } });
    expect(bad.nodes.c).toMatchObject({ status: 'failed', error: { code: 'SERVICE_MISSING' } });
  });

  it('parses params again on the plugin’s side', async () => {
    const answers: ChildMessage[] = [];
    const serve = servePlugin(fixturePlugin, { values: inlineTransport, send: (m) => answers.push(m) });
    serve({ op: 'run', id: 7, type: 'test/Num', nodeId: 'n', params: { value: 'seven' }, inputs: {} });
    await new Promise((r) => setTimeout(r, 10));
    expect(answers).toEqual([{ op: 'done', id: 7, error: { code: 'PARAM_INVALID', message: expect.stringMatching(/^test\/Num: value: /) } }]);
  });

  it('describes every part of a node as data, and nothing that is not there', () => {
    const Unused = definePortKind({ name: 'desc/Unused', description: 'declared, on no port', dims: ['N'], dtype: 'uint8', codec: tensorCodec });
    const Box = definePortKind({ name: 'desc/Box', title: 'Box!', description: 'a box', dims: null, check: () => undefined, codec: jsonCodec(), color: '#123456' });
    const Full = defineNode({
      type: 'desc/Full',
      version: 3,
      title: 'Full',
      category: 'Cat',
      description: 'every field',
      inputs: { t: { type: 'Tensor', elements: 'E', optional: true, description: 'any tensor' }, b: { type: Box } },
      outputs: { img: { type: 'Image', shape: ['B', 3, 'H', 'W'] } },
      params: z.object({ path: z.string().default('a.txt') }),
      migrations: { 1: (p) => p, 2: (p) => p },
      inferShapes: () => ({}),
      fileParams: ['path'],
      purity: 'pure',
      run: () => ({ img: tensor('float32', [1, 3, 1, 1]) }),
    });
    const Bare = defineNode({ type: 'desc/Bare', version: 1, title: 'Bare', category: 'Cat', inputs: {}, outputs: { n: { type: 'number' } }, params: z.object({}), purity: 'effect', run: () => ({ n: 1 }) });
    const wire = describePlugin(definePlugin({ name: 'stylegraph-plugin-desc', version: '0.3.0', apiVersion: PLUGIN_API_VERSION, description: 'described', kinds: [Unused], nodes: [Full, Bare] }));
    expect({ ...wire, nodes: wire.nodes.map(({ params: _p, ...n }) => n) }).toStrictEqual({
      name: 'stylegraph-plugin-desc',
      version: '0.3.0',
      apiVersion: PLUGIN_API_VERSION,
      namespace: 'desc',
      description: 'described',
      kinds: [
        { name: 'desc/Unused', title: 'Unused', description: 'declared, on no port', dims: ['N'], tensor: true, dtype: 'uint8', rigidOutputs: false, color: Unused.color },
        { name: 'desc/Box', title: 'Box!', description: 'a box', dims: null, tensor: false, rigidOutputs: false, color: '#123456' },
        { name: 'Tensor', title: 'Tensor', description: expect.any(String), dims: null, tensor: true, rigidOutputs: false, color: expect.any(String) },
        { name: 'Image', title: 'Image', description: expect.any(String), dims: ['B', 'C', 'H', 'W'], tensor: true, dtype: 'float32', rigidOutputs: false, color: expect.any(String) },
        { name: 'number', title: 'number', description: expect.any(String), dims: [], tensor: false, rigidOutputs: false, color: expect.any(String) },
      ],
      nodes: [
        {
          type: 'desc/Full',
          version: 3,
          title: 'Full',
          category: 'Cat',
          description: 'every field',
          purity: 'pure',
          inputs: { t: { kind: 'Tensor', elements: 'E', optional: true, description: 'any tensor' }, b: { kind: 'desc/Box' } },
          outputs: { img: { kind: 'Image', shape: ['B', 3, 'H', 'W'] } },
          fileParams: ['path'],
          migrations: [1, 2],
          inferShapes: true,
        },
        { type: 'desc/Bare', version: 1, title: 'Bare', category: 'Cat', purity: 'effect', inputs: {}, outputs: { n: { kind: 'number' } }, migrations: [], inferShapes: false },
      ],
    });
    // The stand-in has them again, and only where the plugin had them.
    const stand = remotePlugin(wire, { label: 'desc', kind: () => undefined, link: ({ values: inlineTransport, run: () => { throw new Error('unused'); }, ask: () => ({}), error: (e) => new Error(e.message) } satisfies PluginLink) });
    const [full, bare] = stand.nodes;
    expect(full!.inputs).toStrictEqual({ t: { type: 'Tensor', elements: 'E', optional: true, description: 'any tensor' }, b: { type: stand.kinds!.find((k) => k.name === 'desc/Box') } });
    expect(full!.outputs).toStrictEqual({ img: { type: 'Image', shape: ['B', 3, 'H', 'W'] } });
    expect(full!.fileParams).toEqual(['path']);
    expect(Object.keys(full!.migrations ?? {})).toEqual(['1', '2']);
    expect(typeof full!.inferShapes).toBe('function');
    expect(full!.description).toBe('every field');
    expect(bare!.migrations).toBeUndefined();
    expect(bare!.inferShapes).toBeUndefined();
    expect('fileParams' in bare!).toBe(false);
    expect('description' in bare!).toBe(false);
    expect(stand.description).toBe('described');
    // Without a way to ask synchronously (a browser page), no migrations or inferred sizes.
    const page = remotePlugin(wire, { label: 'desc', kind: () => undefined, link: { values: inlineTransport, run: () => { throw new Error('unused'); }, error: (e) => new Error(e.message) } });
    expect(page.nodes[0]!.migrations).toBeUndefined();
    expect(page.nodes[0]!.inferShapes).toBeUndefined();
    expect(() => remotePlugin({ ...wire, nodes: [{ ...wire.nodes[1]!, outputs: { n: { kind: 'other/Thing' } } }] }, { label: 'desc', kind: () => undefined, link: { values: inlineTransport, run: () => { throw new Error('unused'); }, error: (e) => new Error(e.message) } })).toThrow(
      'plugin stylegraph-plugin-desc: desc/Bare output "n" uses port kind other/Thing, which no loaded plugin declares',
    );
  });
});
