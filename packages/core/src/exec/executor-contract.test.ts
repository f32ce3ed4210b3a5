/**
 * The executor's contract in the details hosts rely on: which nodes are targets, concurrency
 * limits, cancellation before and during a run, failure codes and messages, skip reasons,
 * run status and counts, events, cache validity and effect nodes.
 */
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { defaultTargets, execute } from './executor.js';
import { MemoryCache, type CacheEntry, type OutputCache } from './cache.js';
import type { RunEvent } from './events.js';
import { checkGraph } from '../graph/validate.js';
import { Registry } from '../plugin/registry.js';
import { defineNode, definePlugin, PLUGIN_API_VERSION } from '../plugin/define.js';
import { NodeError } from '../plugin/context.js';
import { checkAndRun, doc, fixturePlugin, memoryFiles, runs } from '../testing/fixture-plugin.js';



const calls = new Map<string, number>();
const count = (id: string) => calls.set(id, (calls.get(id) ?? 0) + 1);
let active = 0;
let maxActive = 0;

/** An effect node with an output: it runs every time, and its dependents too. */
const Stamp = defineNode({
  type: 'contract/Stamp',
  version: 1,
  title: 'Stamp',
  category: 'Test',
  inputs: {},
  outputs: { out: { type: 'number' } },
  params: z.object({ value: z.number().default(7) }),
  purity: 'effect',
  run: ({ params, ctx }) => {
    count(ctx.nodeId);
    return { out: params.value };
  },
});

/** Counts how many of its kind run at once. */
const Slow = defineNode({
  type: 'contract/Slow',
  version: 1,
  title: 'Slow',
  category: 'Test',
  inputs: {},
  outputs: { out: { type: 'number' } },
  params: z.object({ ms: z.number().default(30) }),
  purity: 'pure',
  run: async ({ params, ctx }) => {
    count(ctx.nodeId);
    active++;
    maxActive = Math.max(maxActive, active);
    await new Promise((r) => setTimeout(r, params.ms));
    active--;
    return { out: params.ms };
  },
});

/** Throws what its params say. */
const Throw = defineNode({
  type: 'contract/Throw',
  version: 1,
  title: 'Throw',
  category: 'Test',
  inputs: {},
  outputs: { out: { type: 'number' } },
  params: z.object({ what: z.enum(['error', 'string', 'node-error', 'undefined-output']) }),
  purity: 'pure',
  run: ({ params }) => {
    if (params.what === 'error') throw new TypeError('plain failure');
    if (params.what === 'string') throw 'a thrown string';
    if (params.what === 'node-error') throw new NodeError('MY_CODE', 'coded failure');
    return undefined as never;
  },
});

const contractPlugin = definePlugin({ name: '@stylegraph/contract-fixtures', version: '1.0.0', apiVersion: PLUGIN_API_VERSION, nodes: [Stamp, Slow, Throw] });
const registry = new Registry([fixturePlugin, contractPlugin]);
const cdoc = (nodes: Record<string, unknown>, edges: [string, string][] = []) => ({
  ...doc(nodes, edges),
  plugins: { '@stylegraph/test-fixtures': '^1.0.0', '@stylegraph/contract-fixtures': '^1.0.0' },
});
const checked = (d: unknown) => {
  const r = checkGraph(d, registry);
  expect(r.diagnostics).toEqual([]);
  return r.graph!;
};
const num = (value: number) => ({ type: 'test/Num', version: 1, params: { value } });
const add = (offset = 0) => ({ type: 'test/Add', version: 2, params: { offset } });

beforeEach(() => {
  runs.clear();
  calls.clear();
  active = 0;
  maxActive = 0;
});

describe('targets', () => {
  it('defaults to the nodes nobody consumes, plus effect nodes even when consumed', () => {
    const g = checked(cdoc({ a: num(1), s: { type: 'contract/Stamp', version: 1 }, b: add(), c: add() }, [['a.out', 'b.a'], ['s.out', 'c.a']]));
    expect(defaultTargets(g).sort()).toEqual(['b', 'c', 's']);
    expect(defaultTargets(checked(cdoc({ a: num(1), b: add() }, [['a.out', 'b.a']])))).toEqual(['b']);
  });

  it('returns only the targets’ outputs, by node.port, and runs only what they need', async () => {
    const g = checked(cdoc({ a: num(1), b: add(10), c: add(100), other: num(5) }, [['a.out', 'b.a'], ['b.out', 'c.a']]));
    const s = await execute(g, { files: memoryFiles().access, targets: ['b'] });
    expect(s.outputs).toEqual({ 'b.out': 11 });
    expect(Object.keys(s.nodes).sort()).toEqual(['a', 'b']);
    expect(runs.has('c')).toBe(false);
    expect(runs.has('other')).toBe(false);
    const all = await execute(g, { files: memoryFiles().access });
    expect(all.outputs).toEqual({ 'c.out': 111, 'other.out': 5 });
  });

  it('refuses a target that is not a node', async () => {
    const g = checked(cdoc({ a: num(1) }));
    await expect(execute(g, { files: memoryFiles().access, targets: ['a', 'nope'] })).rejects.toThrow(new RangeError('execute: target "nope" is not a node of the graph'));
    expect(runs.size).toBe(0);
  });
});

describe('concurrency', () => {
  const five = () => checked(cdoc(Object.fromEntries(['s1', 's2', 's3', 's4', 's5'].map((id) => [id, { type: 'contract/Slow', version: 1, params: { ms: 40 } }]))));

  it('runs at most 4 nodes at once by default', async () => {
    const s = await execute(five(), { files: memoryFiles().access });
    expect(s.counts.ran).toBe(5);
    expect(maxActive).toBe(4);
  });

  it('runs at most `concurrency` nodes at once, and at least one', async () => {
    await execute(five(), { files: memoryFiles().access, concurrency: 2 });
    expect(maxActive).toBe(2);
    maxActive = 0;
    const s = await execute(five(), { files: memoryFiles().access, concurrency: 0 });
    expect(s.counts.ran).toBe(5);
    expect(maxActive).toBe(1);
    maxActive = 0;
    await execute(five(), { files: memoryFiles().access, concurrency: 10 });
    expect(maxActive).toBe(5);
  });
});

describe('cancellation', () => {
  it('runs nothing when the signal is already aborted', async () => {
    const g = checked(cdoc({ a: num(1), b: add() }, [['a.out', 'b.a']]));
    const c = new AbortController();
    c.abort();
    const events: RunEvent[] = [];
    const s = await execute(g, { files: memoryFiles().access, signal: c.signal, onEvent: (e) => events.push(e) });
    expect(s.status).toBe('cancelled');
    expect(s.nodes).toEqual({ a: { status: 'cancelled', ms: 0 }, b: { status: 'cancelled', ms: 0 } });
    expect(s.counts).toEqual({ ran: 0, cached: 0, failed: 0, skipped: 0, cancelled: 2 });
    expect(runs.size).toBe(0);
    expect(events.filter((e) => e.type === 'node-start')).toEqual([]);
  });

  it('stops listening to the signal when the run ends', async () => {
    const c = new AbortController();
    const remove = vi.spyOn(c.signal, 'removeEventListener');
    await execute(checked(cdoc({ a: num(1) })), { files: memoryFiles().access, signal: c.signal });
    expect(remove).toHaveBeenCalledWith('abort', expect.any(Function));
  });

  it('reports a node cancelled mid-run as cancelled, not failed, and the rest as cancelled', async () => {
    const g = checked(cdoc({ w: { type: 'test/Wait', version: 1, params: { ms: 400 } }, after: add() }, [['w.out', 'after.a']]));
    const c = new AbortController();
    const s = await execute(g, { files: memoryFiles().access, signal: c.signal, onEvent: (e) => e.type === 'node-progress' && c.abort() });
    expect(s.nodes.w!.status).toBe('cancelled');
    expect(s.nodes.w!.error).toBeUndefined();
    expect(s.nodes.after!.status).toBe('cancelled');
    expect(s.counts).toMatchObject({ ran: 0, failed: 0, cancelled: 2 });
    expect(s.status).toBe('cancelled');
  });
});

describe('failures', () => {
  const failing = (what: string) => execute(checked(cdoc({ t: { type: 'contract/Throw', version: 1, params: { what } } })), { files: memoryFiles().access });

  it('reports NodeErrors by their code, other errors as NODE_FAILED with their message', async () => {
    expect((await failing('node-error')).nodes.t!.error).toEqual({ code: 'MY_CODE', message: 'coded failure' });
    expect((await failing('error')).nodes.t!.error).toEqual({ code: 'NODE_FAILED', message: 'plain failure' });
    expect((await failing('string')).nodes.t!.error).toEqual({ code: 'NODE_FAILED', message: 'a thrown string' });
    const s = await failing('undefined-output');
    expect(s.nodes.t!.error).toEqual({ code: 'NODE_OUTPUT_INVALID', message: expect.stringMatching(/^contract\/Throw returned an invalid "out": /) });
    expect(s.status).toBe('failed');
    expect(s.counts).toEqual({ ran: 0, cached: 0, failed: 1, skipped: 0, cancelled: 0 });
    expect(s.outputs).toEqual({});
  });

  it('names the upstream node and what became of it in each skip reason', async () => {
    const g = checked(
      cdoc({ bad: { type: 'contract/Throw', version: 1, params: { what: 'error' } }, s1: add(), s2: add(), ok: num(1), fine: add() }, [
        ['bad.out', 's1.a'],
        ['s1.out', 's2.a'],
        ['ok.out', 'fine.a'],
      ]),
    );
    const events: RunEvent[] = [];
    const s = await execute(g, { files: memoryFiles().access, onEvent: (e) => events.push(e) });
    expect(s.nodes.s1).toEqual({ status: 'skipped', ms: 0, reason: 'input "a" comes from node "bad", which failed' });
    expect(s.nodes.s2).toEqual({ status: 'skipped', ms: 0, reason: 'input "a" comes from node "s1", which was skipped' });
    expect(s.nodes.fine!.status).toBe('done');
    expect(s.status).toBe('failed');
    expect(s.counts).toEqual({ ran: 2, cached: 0, failed: 1, skipped: 2, cancelled: 0 });
    expect(events).toContainEqual({ type: 'node-skipped', node: 's2', reason: 'input "a" comes from node "s1", which was skipped' });
    expect(events.filter((e) => e.type === 'node-failed')).toEqual([{ type: 'node-failed', node: 'bad', error: { code: 'NODE_FAILED', message: 'plain failure' } }]);
    // Only the targets that finished have outputs.
    expect(s.outputs).toEqual({ 'fine.out': 1 });
  });
});

describe('events and results', () => {
  it('emits start and done (with cached: false / true) and reports times and keys', async () => {
    const cache = new MemoryCache();
    const g = checked(cdoc({ a: num(2) }));
    const first: RunEvent[] = [];
    const s1 = await execute(g, { files: memoryFiles().access, cache, onEvent: (e) => first.push(e) });
    expect(first.map((e) => e.type)).toEqual(['node-start', 'node-done']);
    expect(first[1]).toMatchObject({ type: 'node-done', node: 'a', cached: false });
    expect(s1.nodes.a!.key).toMatch(/^[0-9a-f]{64}$/);
    expect(s1.nodes.a!.ms).toBeGreaterThanOrEqual(0);
    expect(s1.ms).toBeGreaterThanOrEqual(0);
    expect(s1.diagnostics).toEqual([]);
    const second: RunEvent[] = [];
    const s2 = await execute(g, { files: memoryFiles().access, cache, onEvent: (e) => second.push(e) });
    expect(second).toEqual([{ type: 'node-done', node: 'a', ms: 0, cached: true }]);
    expect(s2.nodes.a).toEqual({ status: 'cached', ms: 0, key: s1.nodes.a!.key });
    expect(s2.counts).toEqual({ ran: 0, cached: 1, failed: 0, skipped: 0, cancelled: 0 });
    expect(s2.status).toBe('ok');
    expect(s2.outputs).toEqual({ 'a.out': 2 });
  });

  it('passes node logs and progress through as events naming the node', async () => {
    const Logs = defineNode({
      type: 'contract/Logs',
      version: 1,
      title: 'Logs',
      category: 'Test',
      inputs: {},
      outputs: {},
      params: z.object({}),
      purity: 'pure',
      run: ({ ctx }) => {
        ctx.log.debug('d');
        ctx.log.info('i');
        ctx.log.warn('w');
        ctx.progress(1.5, 'over');
        ctx.progress(-1);
        return {};
      },
    });
    const reg = new Registry([definePlugin({ name: '@stylegraph/logs', version: '1.0.0', apiVersion: PLUGIN_API_VERSION, nodes: [Logs] })]);
    const events: RunEvent[] = [];
    const s = await checkAndRun({ format: 'stylegraph.graph', formatVersion: 1, plugins: { '@stylegraph/logs': '^1.0.0' }, nodes: { l: { type: 'contract/Logs', version: 1 } }, edges: [] }, reg, {
      files: memoryFiles().access,
      onEvent: (e) => events.push(e),
    });
    expect(s.status).toBe('ok');
    expect(events.filter((e) => e.type === 'log' || e.type === 'node-progress')).toEqual([
      { type: 'log', node: 'l', level: 'debug', message: 'd' },
      { type: 'log', node: 'l', level: 'info', message: 'i' },
      { type: 'log', node: 'l', level: 'warn', message: 'w' },
      { type: 'node-progress', node: 'l', fraction: 1, message: 'over' },
      { type: 'node-progress', node: 'l', fraction: 0 },
    ]);
  });
});

describe('cache', () => {
  /** A cache that records what it is asked and told. */
  const spyCache = () => {
    const inner = new MemoryCache();
    const sets: [string, CacheEntry][] = [];
    const cache: OutputCache = { get: (k) => inner.get(k), set: async (k, e) => (sets.push([k, e]), inner.set(k, e)) };
    return { cache, sets };
  };

  it('never caches effect nodes, and re-runs what depends on them', async () => {
    const { cache, sets } = spyCache();
    const g = checked(cdoc({ s: { type: 'contract/Stamp', version: 1 }, b: add(1) }, [['s.out', 'b.a']]));
    const first = await execute(g, { files: memoryFiles().access, cache });
    const second = await execute(g, { files: memoryFiles().access, cache });
    expect(calls.get('s')).toBe(2);
    expect(second.nodes.s!.status).toBe('done');
    expect(second.nodes.b!.status).toBe('done');
    expect(second.outputs['b.out']).toBe(8);
    // An effect's key is new each run, so keys downstream differ too.
    expect(second.nodes.s!.key).not.toBe(first.nodes.s!.key);
    expect(second.nodes.b!.key).not.toBe(first.nodes.b!.key);
    expect(sets.map(([, e]) => e.outputs)).toEqual([{ out: 8 }, { out: 8 }]);
  });

  it('records each file read once, with its hash, and re-runs a node whose file is gone', async () => {
    const { cache, sets } = spyCache();
    const mem = memoryFiles({ 'a.bin': 'abc' });
    const g = checked(cdoc({ r: { type: 'test/ReadLen', version: 1, params: { path: 'a.bin' } } }));
    await execute(g, { files: mem.access, cache });
    expect(sets).toHaveLength(1);
    expect(sets[0]![1].files).toEqual([['a.bin', expect.stringMatching(/^[0-9a-f]{64}$/)]]);
    expect(sets[0]![1].outputs).toEqual({ out: 3 });
    delete mem.files['a.bin'];
    const s = await execute(g, { files: mem.access, cache });
    expect(s.nodes.r).toMatchObject({ status: 'failed', error: { code: 'NODE_FAILED', message: 'no file a.bin' } });
    expect(runs.get('r')).toBe(2);
  });

  it('works without a cache: every node runs every time', async () => {
    const g = checked(cdoc({ a: num(1) }));
    await execute(g, { files: memoryFiles().access });
    const s = await execute(g, { files: memoryFiles().access });
    expect(s.nodes.a!.status).toBe('done');
    expect(runs.get('a')).toBe(2);
  });
});

describe('details', () => {
  it('emits node-done only for nodes that finished', async () => {
    const g = checked(cdoc({ bad: { type: 'contract/Throw', version: 1, params: { what: 'error' } }, s1: add() }, [['bad.out', 's1.a']]));
    const events: RunEvent[] = [];
    await execute(g, { files: memoryFiles().access, onEvent: (e) => events.push(e) });
    expect(events.filter((e) => e.type === 'node-done')).toEqual([]);
    const c = new AbortController();
    c.abort();
    const cancelled: RunEvent[] = [];
    await execute(checked(cdoc({ a: num(1) })), { files: memoryFiles().access, signal: c.signal, onEvent: (e) => cancelled.push(e) });
    expect(cancelled).toEqual([]);
  });

  it('gives nodes their resolved params', async () => {
    const Echo = defineNode({
      type: 'contract/Echo',
      version: 1,
      title: 'Echo',
      category: 'Test',
      inputs: {},
      outputs: { out: { type: 'number' } },
      params: z.object({ value: z.number().default(3), other: z.string().default('x') }),
      purity: 'pure',
      run: ({ ctx }) => ({ out: (ctx.params as { value: number }).value }),
    });
    const reg = new Registry([definePlugin({ name: '@stylegraph/echo', version: '1.0.0', apiVersion: PLUGIN_API_VERSION, nodes: [Echo] })]);
    const s = await checkAndRun({ format: 'stylegraph.graph', formatVersion: 1, plugins: { '@stylegraph/echo': '^1.0.0' }, nodes: { e: { type: 'contract/Echo', version: 1, params: { value: 9 } } }, edges: [] }, reg, { files: memoryFiles().access });
    expect(s.outputs).toEqual({ 'e.out': 9 });
  });

  it('measures node and run times as durations within the run', async () => {
    const g = checked(cdoc({ w: { type: 'contract/Slow', version: 1, params: { ms: 30 } } }));
    const t0 = performance.now();
    const s = await execute(g, { files: memoryFiles().access });
    const wall = performance.now() - t0;
    expect(s.ms).toBeGreaterThanOrEqual(25);
    expect(s.ms).toBeLessThanOrEqual(wall + 1);
    expect(s.nodes.w!.ms).toBeGreaterThanOrEqual(25);
    expect(s.nodes.w!.ms).toBeLessThanOrEqual(s.ms + 1);
    const f = await execute(checked(cdoc({ t: { type: 'contract/Throw', version: 1, params: { what: 'error' } } })), { files: memoryFiles().access });
    expect(f.nodes.t!.ms).toBeGreaterThanOrEqual(0);
    expect(f.nodes.t!.ms).toBeLessThanOrEqual(f.ms + 1);
  });

  it('reports an invalid graph with zero counts and no nodes', async () => {
    const s = await checkAndRun(cdoc({ a: { type: 'test/Nope', version: 1 } }), registry, { files: memoryFiles().access });
    expect(s).toEqual({ status: 'invalid', diagnostics: expect.any(Array), nodes: {}, outputs: {}, ms: 0, counts: { ran: 0, cached: 0, failed: 0, skipped: 0, cancelled: 0 } });
  });
});
