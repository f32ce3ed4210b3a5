/** The run context nodes see, and the in-memory output cache. */
import { describe, expect, it } from 'vitest';
import { fileHash, makeNodeContext } from './node-context.js';
import { MemoryCache, type CacheEntry } from './cache.js';
import type { RunEvent } from './events.js';
import type { FileAccess } from '../plugin/context.js';
import { RandomState } from '../rng/random-state.js';
import { sha256Hex } from '../util/hash.js';

const enc = (s: string) => new TextEncoder().encode(s);

function files(contents: Record<string, string>, withHash = false) {
  const log: string[] = [];
  const access: FileAccess = {
    read: async (p) => (log.push(`read ${p}`), enc(contents[p]!)),
    exists: async (p) => (log.push(`exists ${p}`), p in contents),
    write: async (p, d) => (log.push(`write ${p} ${new TextDecoder().decode(d)}`), `out/${p}`),
    ...(withHash && { hash: async (p: string) => (log.push(`hash ${p}`), `h:${p}`) }),
  };
  return { access, log };
}

const parts = (f: FileAccess, events: RunEvent[] = [], extra = {}) => ({
  nodeId: 'n1',
  files: f,
  signal: new AbortController().signal,
  emit: (e: RunEvent) => events.push(e),
  ...extra,
});

describe('makeNodeContext', () => {
  it('records each file read once, in order, with its SHA-256', async () => {
    const { access } = files({ 'a.txt': 'alpha', 'b.txt': 'beta' });
    const { ctx, reads } = makeNodeContext(parts(access));
    expect(new TextDecoder().decode(await ctx.files.read('b.txt'))).toBe('beta');
    await ctx.files.read('a.txt');
    await ctx.files.read('b.txt');
    expect(reads).toEqual([
      ['b.txt', await sha256Hex(enc('beta'))],
      ['a.txt', await sha256Hex(enc('alpha'))],
    ]);
  });

  it('uses the host’s hash when there is one, and exposes it', async () => {
    const { access, log } = files({ 'a.txt': 'alpha' }, true);
    const { ctx, reads } = makeNodeContext(parts(access));
    await ctx.files.read('a.txt');
    expect(reads).toEqual([['a.txt', 'h:a.txt']]);
    expect(await ctx.files.hash!('x')).toBe('h:x');
    expect(log).toEqual(['read a.txt', 'hash a.txt', 'hash x']);
    expect(makeNodeContext(parts(files({}).access)).ctx.files.hash).toBeUndefined();
  });

  it('passes exists and write through without recording them as reads', async () => {
    const { access, log } = files({ 'a.txt': 'alpha' });
    const { ctx, reads } = makeNodeContext(parts(access));
    expect(await ctx.files.exists('a.txt')).toBe(true);
    expect(await ctx.files.exists('no.txt')).toBe(false);
    expect(await ctx.files.write('o.txt', enc('hi'))).toBe('out/o.txt');
    expect(log).toEqual(['exists a.txt', 'exists no.txt', 'write o.txt hi']);
    expect(reads).toEqual([]);
  });

  it('logs and reports progress (clamped to 0…1) as events of its node', () => {
    const events: RunEvent[] = [];
    const { ctx } = makeNodeContext(parts(files({}).access, events));
    ctx.log.debug('d');
    ctx.log.info('i');
    ctx.log.warn('w');
    ctx.progress(0.25);
    ctx.progress(0.5, 'half');
    ctx.progress(2);
    ctx.progress(-0.5, '');
    expect(events).toEqual([
      { type: 'log', node: 'n1', level: 'debug', message: 'd' },
      { type: 'log', node: 'n1', level: 'info', message: 'i' },
      { type: 'log', node: 'n1', level: 'warn', message: 'w' },
      { type: 'node-progress', node: 'n1', fraction: 0.25 },
      { type: 'node-progress', node: 'n1', fraction: 0.5, message: 'half' },
      { type: 'node-progress', node: 'n1', fraction: 1 },
      { type: 'node-progress', node: 'n1', fraction: 0, message: '' },
    ]);
    // No message, no message key.
    expect(Object.keys(events[3]!)).toEqual(['type', 'node', 'fraction']);
  });

  it('gives the node its id, params, document, services, signal and NumPy random streams', () => {
    const controller = new AbortController();
    const document = { format: 'stylegraph.graph', formatVersion: 1, nodes: {}, edges: [] } as const;
    const services = { compute: { name: 'test' } } as never;
    const { ctx } = makeNodeContext({ ...parts(files({}).access), signal: controller.signal, params: { a: 1 }, document: document as never, services });
    expect(ctx.nodeId).toBe('n1');
    expect(ctx.params).toEqual({ a: 1 });
    expect(ctx.document).toBe(document);
    expect(ctx.services).toBe(services);
    expect(ctx.signal).toBe(controller.signal);
    expect(ctx.random(5)).toBeInstanceOf(RandomState);
    expect(Array.from(ctx.random(5).randn(3))).toEqual(Array.from(new RandomState(5).randn(3)));
    expect(() => ctx.throwIfAborted()).not.toThrow();
    controller.abort(new Error('stop'));
    expect(() => ctx.throwIfAborted()).toThrow('stop');
    const bare = makeNodeContext(parts(files({}).access)).ctx;
    expect('params' in bare).toBe(false);
    expect('document' in bare).toBe(false);
  });
});

describe('fileHash', () => {
  it('prefers the host’s hash, then the given bytes, then reads the file', async () => {
    const withHash = files({ 'a.txt': 'alpha' }, true);
    expect(await fileHash(withHash.access, 'a.txt', enc('ignored'))).toBe('h:a.txt');
    const plain = files({ 'a.txt': 'alpha' });
    expect(await fileHash(plain.access, 'a.txt', enc('given'))).toBe(await sha256Hex(enc('given')));
    expect(plain.log).toEqual([]);
    expect(await fileHash(plain.access, 'a.txt')).toBe(await sha256Hex(enc('alpha')));
    expect(plain.log).toEqual(['read a.txt']);
  });
});

describe('MemoryCache', () => {
  const entry = (key: string): CacheEntry => ({ files: [], key, outputs: { out: key } });

  it('stores and returns entries by pre-key', async () => {
    const c = new MemoryCache();
    expect(await c.get('a')).toBeUndefined();
    expect(c.size).toBe(0);
    await c.set('a', entry('A'));
    expect(await c.get('a')).toEqual(entry('A'));
    await c.set('a', entry('A2'));
    expect((await c.get('a'))!.key).toBe('A2');
    expect(c.size).toBe(1);
  });

  it('forgets the least recently used entries beyond its capacity', async () => {
    const c = new MemoryCache(2);
    await c.set('a', entry('A'));
    await c.set('b', entry('B'));
    await c.get('a'); // a is now the most recent
    await c.set('c', entry('C'));
    expect(c.size).toBe(2);
    expect(await c.get('b')).toBeUndefined();
    expect((await c.get('a'))!.key).toBe('A');
    expect((await c.get('c'))!.key).toBe('C');
    // Setting an existing key refreshes it too.
    await c.set('a', entry('A3'));
    await c.set('d', entry('D'));
    expect(await c.get('c')).toBeUndefined();
    expect((await c.get('a'))!.key).toBe('A3');
  });

  it('keeps 256 entries by default', async () => {
    const c = new MemoryCache();
    for (let i = 0; i < 300; i++) await c.set(`k${i}`, entry(String(i)));
    expect(c.size).toBe(256);
    expect(await c.get('k43')).toBeUndefined();
    expect((await c.get('k44'))!.key).toBe('44');
  });
});
