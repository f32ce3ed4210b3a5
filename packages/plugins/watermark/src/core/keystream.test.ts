import { describe, expect, it, vi } from 'vitest';
import { hkdfSync } from 'node:crypto';
import { Xoshiro128, deriveSeed } from './keystream.js';

/** xoshiro128** on BigInt words, written from the published algorithm. */
function* referenceXoshiro(seed: readonly number[]): Generator<number> {
  const s = seed.map(BigInt);
  const M = 0xffffffffn;
  const rotl = (x: bigint, k: bigint) => ((x << k) | (x >> (32n - k))) & M;
  for (;;) {
    const result = (rotl((s[1]! * 5n) & M, 7n) * 9n) & M;
    const t = (s[1]! << 9n) & M;
    s[2]! ^= s[0]!;
    s[3]! ^= s[1]!;
    s[1]! ^= s[2]!;
    s[0]! ^= s[3]!;
    s[2]! ^= t;
    s[3] = rotl(s[3]!, 11n);
    yield Number(result);
  }
}

describe('key streams', () => {
  it('derive the seed by HKDF-SHA-256 with the watermark salt (as node:crypto computes it)', async () => {
    const seed = await deriveSeed('my secret', 'layout');
    const ref = new Uint32Array(new Uint8Array(hkdfSync('sha256', 'my secret', 'stylegraph-watermark/v1', 'layout', 16)).buffer);
    expect([...seed]).toEqual([...ref]);
    expect([...(await deriveSeed('my secret!', 'layout'))]).not.toEqual([...seed]);
    expect([...(await deriveSeed('my secret', 'other'))]).not.toEqual([...seed]);
  });

  it('refuses, naming why, where there is no Web Crypto (a page that is not a secure context)', async () => {
    vi.stubGlobal('crypto', {});
    try {
      await expect(deriveSeed('k', 'layout')).rejects.toMatchObject({ code: 'WATERMARK_NO_CRYPTO', message: expect.stringMatching(/secure context/) });
    } finally {
      vi.unstubAllGlobals();
    }
    expect((await deriveSeed('k', 'layout')).length).toBe(4);
  });

  it('xoshiro128** gives the reference sequence', () => {
    const seed = [0x12345678, 0x9abcdef0, 0x0fedcba9, 0x87654321];
    const g = new Xoshiro128(Uint32Array.from(seed));
    const ref = referenceXoshiro(seed);
    for (let i = 0; i < 1000; i++) expect(g.next()).toBe(ref.next().value);
  });

  it('permutations are permutations, and uniform-looking', () => {
    const g = new Xoshiro128(Uint32Array.from([1, 2, 3, 4]));
    const counts = new Array(8).fill(0);
    for (let r = 0; r < 4000; r++) {
      const p = g.permutation(8);
      expect([...p].sort()).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
      counts[p[0]!]++;
    }
    // Each value first about 500 times (±5 σ).
    for (const c of counts) expect(Math.abs(c - 500)).toBeLessThan(5 * Math.sqrt(4000 * (1 / 8) * (7 / 8)));
  });
});
