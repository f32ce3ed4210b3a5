import { describe, expect, it } from 'vitest';
import { cacheKey, LruCache, ModelCache } from './cache.js';

describe('cacheKey', () => {
  it('ignores object key order and distinguishes contents, types and bytes', async () => {
    const k = await cacheKey(['synthesis', { res: 64, noise: 'const' }, Float32Array.of(1, 2)]);
    expect(k).toMatch(/^[0-9a-f]{64}$/);
    expect(await cacheKey(['synthesis', { noise: 'const', res: 64 }, Float32Array.of(1, 2)])).toBe(k);
    expect(await cacheKey(['synthesis', { noise: 'const', res: 64 }, Float32Array.of(1, 3)])).not.toBe(k);
    expect(await cacheKey(['synthesis', { noise: 'const', res: 64 }, Int32Array.of(1, 2)])).not.toBe(k);
    expect(await cacheKey(['1'])).not.toBe(await cacheKey([1]));
  });
});

describe('LruCache', () => {
  it('evicts the least recently used entry and reports it', () => {
    const evicted: string[] = [];
    const c = new LruCache<number>(2, (k) => evicted.push(k));
    c.set('a', 1);
    c.set('b', 2);
    c.get('a');
    c.set('c', 3);
    expect(evicted).toEqual(['b']);
    expect(c.keys()).toEqual(['a', 'c']);
  });
});

describe('ModelCache', () => {
  it('builds once per key, shares concurrent builds and forgets failures', async () => {
    const m = new ModelCache(4);
    let builds = 0;
    const build = () => {
      builds++;
      return Uint8Array.of(builds);
    };
    const [a, b] = await Promise.all([m.getOrBuild('k', build), m.getOrBuild('k', build)]);
    expect(a).toBe(b);
    expect(builds).toBe(1);
    await expect(m.getOrBuild('bad', () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    await new Promise((r) => setTimeout(r, 0));
    expect(m.size).toBe(1);
  });
});
