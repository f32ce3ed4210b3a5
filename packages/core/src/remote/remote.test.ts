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
import { NodeError } from '../plugin/context.js';
import type { RunEvent } from '../exec/events.js';
import { describePlugin } from './describe.js';
import { errorWire, servePlugin } from './serve.js';
import { remotePlugin, type PluginLink } from './proxy.js';
import { isOpaque } from './values.js';
import { inlineTransport, type ChildMessage, type HostMessage } from './wire.js';

/** A link to the fixture plugin served in this process; messages cross as structured clones. */
function memoryLink() {
  const calls = new Map<number, { resolve: (v: unknown) => void; reject: (e: unknown) => void; onMessage: (m: ChildMessage) => void }>();
  const sent: HostMessage[] = [];
  const serve = servePlugin(fixturePlugin, {
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
      const def = fixturePlugin.nodes.find((n) => n.type === req.type)!;
      return req.op === 'migrate' ? def.migrations![req.from]!(req.params) : def.inferShapes!(req.params as never, { dims: req.dims, connected: new Set(req.connected) });
    },
    error: (e) => new NodeError(e.code ?? 'NODE_FAILED', e.message),
  };
  const plugin = remotePlugin(describePlugin(fixturePlugin), { label: fixturePlugin.name, link, kind: () => undefined });
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
});
