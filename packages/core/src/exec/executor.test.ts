import { beforeEach, describe, expect, it } from 'vitest';
import { execute } from './executor.js';
import { MemoryCache } from './cache.js';
import type { RunEvent } from './events.js';
import { checkGraph } from '../graph/validate.js';
import { Registry } from '../plugin/registry.js';
import { checkAndRun, doc, fixturePlugin, memoryFiles, runs } from '../testing/fixture-plugin.js';



const registry = new Registry([fixturePlugin]);
const checked = (d: unknown) => {
  const r = checkGraph(d, registry);
  expect(r.diagnostics).toEqual([]);
  return r.graph!;
};

// x ─┐
//    ├─ sum ─ total ─ write
// y ─┘            │
// k ──────────────┘
const diamond = (x = 1, y = 2, k = 10) =>
  doc(
    {
      x: { type: 'test/Num', version: 1, params: { value: x } },
      y: { type: 'test/Num', version: 1, params: { value: y } },
      k: { type: 'test/Num', version: 1, params: { value: k } },
      sum: { type: 'test/Add', version: 2 },
      total: { type: 'test/Add', version: 2 },
      write: { type: 'test/Write', version: 1 },
    },
    [
      ['x.out', 'sum.a'],
      ['y.out', 'sum.b'],
      ['sum.out', 'total.a'],
      ['k.out', 'total.b'],
      ['total.out', 'write.a'],
    ],
  );

beforeEach(() => runs.clear());

describe('execute', () => {
  it('runs the graph and returns target outputs', async () => {
    const mem = memoryFiles();
    const s = await execute(checked(diamond()), { files: mem.access, targets: ['total'] });
    expect(s.status).toBe('ok');
    expect(s.outputs['total.out']).toBe(13);
    // Only what "total" needs ran: not the writer.
    expect(s.nodes.write).toBeUndefined();
    expect(mem.written.size).toBe(0);
    expect(s.counts).toMatchObject({ ran: 5, cached: 0 });
  });

  it('recomputes only the dependents of a changed param', async () => {
    const cache = new MemoryCache();
    const mem = memoryFiles();
    await execute(checked(diamond(1, 2, 10)), { files: mem.access, cache });
    expect(Object.fromEntries(runs)).toEqual({ x: 1, y: 1, k: 1, sum: 1, total: 1, write: 1 });
    expect(mem.written.get('out.txt')).toBe('13');

    // Change k: x, y and sum come from the cache; k, total and the effect node run again.
    const s = await execute(checked(diamond(1, 2, 20)), { files: mem.access, cache });
    expect(Object.fromEntries(runs)).toEqual({ x: 1, y: 1, k: 2, sum: 1, total: 2, write: 2 });
    expect(s.nodes.sum!.status).toBe('cached');
    expect(s.nodes.total!.status).toBe('done');
    expect(mem.written.get('out.txt')).toBe('23');

    // Nothing changed: every pure node is cached; the effect node still runs.
    const again = await execute(checked(diamond(1, 2, 20)), { files: mem.access, cache });
    expect(again.counts).toMatchObject({ ran: 1, cached: 5 });
    expect(runs.get('write')).toBe(3);
  });

  it('hands each node\'s outputs to onOutputs, whether run or cached', async () => {
    const cache = new MemoryCache();
    const mem = memoryFiles();
    const seen = () => {
      const got = new Map<string, unknown>();
      return { got, onOutputs: (node: string, out: Readonly<Record<string, unknown>>) => got.set(node, out.out) };
    };
    const first = seen();
    await execute(checked(diamond(1, 2, 10)), { files: mem.access, cache, onOutputs: first.onOutputs });
    expect(Object.fromEntries(first.got)).toMatchObject({ x: 1, y: 2, k: 10, sum: 3, total: 13 });
    const second = seen();
    await execute(checked(diamond(1, 2, 10)), { files: mem.access, cache, onOutputs: second.onOutputs });
    expect(second.got.get('sum')).toBe(3);
    expect(second.got.get('total')).toBe(13);
  });

  it('gives equal derivation keys to equal computations and different ones otherwise', async () => {
    const mem = memoryFiles();
    const a = await execute(checked(diamond(1, 2, 10)), { files: mem.access });
    const b = await execute(checked(diamond(1, 2, 10)), { files: mem.access });
    const c = await execute(checked(diamond(1, 3, 10)), { files: mem.access });
    expect(b.nodes.total!.key).toBe(a.nodes.total!.key);
    expect(c.nodes.total!.key).not.toBe(a.nodes.total!.key);
    expect(c.nodes.k!.key).toBe(a.nodes.k!.key);
  });

  it('includes the content of files read in the key', async () => {
    const cache = new MemoryCache();
    const mem = memoryFiles({ 'a.bin': 'abc' });
    const g = checked(doc({ r: { type: 'test/ReadLen', version: 1, params: { path: 'a.bin' } } }));
    expect((await execute(g, { files: mem.access, cache })).outputs['r.out']).toBe(3);
    expect((await execute(g, { files: mem.access, cache })).nodes.r!.status).toBe('cached');
    mem.files['a.bin'] = 'abcdef';
    const s = await execute(g, { files: mem.access, cache });
    expect(s.nodes.r!.status).toBe('done');
    expect(s.outputs['r.out']).toBe(6);
    expect(runs.get('r')).toBe(2);
  });

  it('reports a failing node, skips its dependents and finishes the rest', async () => {
    const g = checked(
      doc(
        {
          a: { type: 'test/Num', version: 1 },
          bad: { type: 'test/Fail', version: 1 },
          after: { type: 'test/Add', version: 2 },
          other: { type: 'test/Add', version: 2 },
        },
        [
          ['a.out', 'bad.a'],
          ['bad.out', 'after.a'],
          ['a.out', 'other.a'],
        ],
      ),
    );
    const events: RunEvent[] = [];
    const s = await execute(g, { files: memoryFiles().access, onEvent: (e) => events.push(e) });
    expect(s.status).toBe('failed');
    expect(s.nodes.bad).toMatchObject({ status: 'failed', error: { code: 'BOOM', message: 'this node always fails' } });
    expect(s.nodes.after).toMatchObject({ status: 'skipped', reason: 'input "a" comes from node "bad", which failed' });
    expect(s.nodes.other!.status).toBe('done');
    expect(runs.get('after')).toBeUndefined();
    expect(events).toContainEqual({ type: 'node-failed', node: 'bad', error: { code: 'BOOM', message: 'this node always fails' } });
  });

  it('runs independent branches concurrently', async () => {
    const g = checked(
      doc({ w1: { type: 'test/Wait', version: 1, params: { ms: 200 } }, w2: { type: 'test/Wait', version: 1, params: { ms: 200 } } }),
    );
    const started: string[] = [];
    let bothRunning = false;
    await execute(g, {
      files: memoryFiles().access,
      onEvent: (e) => {
        if (e.type === 'node-start') started.push(e.node);
        if (e.type === 'node-progress' && started.length === 2) bothRunning = true;
      },
    });
    expect(bothRunning).toBe(true);
    // With concurrency 1 the second starts only after the first is done.
    const order: string[] = [];
    await execute(g, { files: memoryFiles().access, concurrency: 1, onEvent: (e) => e.type !== 'node-progress' && e.type !== 'log' && order.push(`${e.type}:${e.node}`) });
    expect(order).toEqual(['node-start:w1', 'node-done:w1', 'node-start:w2', 'node-done:w2']);
  });

  it('emits progress events and can be cancelled', async () => {
    const g = checked(
      doc({ w: { type: 'test/Wait', version: 1, params: { ms: 2000 } }, after: { type: 'test/Add', version: 2 } }, [['w.out', 'after.a']]),
    );
    const controller = new AbortController();
    const fractions: number[] = [];
    const s = await execute(g, {
      files: memoryFiles().access,
      signal: controller.signal,
      onEvent: (e) => {
        if (e.type === 'node-progress') {
          fractions.push(e.fraction);
          if (fractions.length === 2) controller.abort();
        }
      },
    });
    expect(fractions).toEqual([0.1, 0.2]);
    expect(s.status).toBe('cancelled');
    expect(s.nodes.w!.status).toBe('cancelled');
    expect(s.nodes.after!.status).not.toBe('done');
    expect(runs.get('after')).toBeUndefined();
  });

  it('keeps what an anytime node returns after a cancel, without caching it', async () => {
    const g = checked(doc({ opt: { type: 'test/Anytime', version: 1, params: { steps: 100 } }, after: { type: 'test/Add', version: 2 } }, [['opt.out', 'after.a']]));
    const cache = new MemoryCache();
    const controller = new AbortController();
    let n = 0;
    const got: Record<string, unknown>[] = [];
    const s = await execute(g, {
      files: memoryFiles().access,
      cache,
      signal: controller.signal,
      onEvent: (e) => e.type === 'node-progress' && ++n === 3 && controller.abort(),
      onOutputs: (id, out) => id === 'opt' && got.push(out),
    });
    expect(s.nodes.opt!.status).toBe('done');
    expect(got).toEqual([{ out: 3 }]);
    expect(s.nodes.after!.status).toBe('cancelled');
    // The next run computes it again instead of reusing the cancelled result.
    const again = await execute(g, { files: memoryFiles().access, cache, onOutputs: (id, out) => id === 'opt' && got.push(out) });
    expect(again.nodes.opt!.status).toBe('done');
    expect(got[1]).toEqual({ out: 100 });
    expect(runs.get('opt')).toBe(2);
  });

  it('fails a node that returns a value of the wrong shape, naming the port', async () => {
    const s = await execute(checked(doc({ l: { type: 'test/Liar', version: 1 } })), { files: memoryFiles().access });
    expect(s.nodes.l).toMatchObject({ status: 'failed', error: { code: 'NODE_OUTPUT_INVALID' } });
    expect(s.nodes.l!.error!.message).toContain('"w"');
  });

  it('gives seeded nodes NumPy-exact random streams', async () => {
    const s = await execute(
      checked(doc({ g: { type: 'test/Gen', version: 1 }, z: { type: 'test/Seeds', version: 1, params: { seeds: [6600] } } }, [['g.gen', 'z.gen']])),
      { files: memoryFiles().access },
    );
    const z = s.outputs['z.z'] as { dims: number[]; data: Float32Array };
    expect(z.dims).toEqual([1, 8]);
    // np.random.RandomState(6600).randn(8)[0]
    expect(z.data[0]).toBe(Math.fround(0.10844632788957152));
  });

  it('refuses to run an invalid graph', async () => {
    const s = await checkAndRun(doc({ a: { type: 'test/Add', version: 2 } }), registry, { files: memoryFiles().access });
    expect(s.status).toBe('invalid');
    expect(s.diagnostics[0]!.code).toBe('INPUT_MISSING');
    expect(runs.size).toBe(0);
  });
});
