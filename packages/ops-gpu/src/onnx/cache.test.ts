import { describe, expect, it } from 'vitest';
import { cacheKey } from './cache.js';

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
