import { describe, expect, it } from 'vitest';
import { casesOf, difference, expectedOf, fixtureJson, inputOf } from '../testing/fixtures.js';
import { parseAttackSpec } from '../spec/attack-spec.js';
import { rgbImage } from '../image/rgb-image.js';
import { Xoshiro128ss } from '../rng/xoshiro128.js';
import { runAttack } from './apply.js';
import { noise } from './noise.js';

describe('the noise generator against an independent Python implementation of its definition', () => {
  const ref = fixtureJson('xoshiro128ss.json') as { seed0: number[]; seed4294967295: number[]; gaussSeed42: number[] };

  it('gives the same 32-bit outputs (splitmix32 seeding, xoshiro128**)', () => {
    const a = new Xoshiro128ss(0);
    expect(ref.seed0.map(() => a.next())).toEqual(ref.seed0);
    const b = new Xoshiro128ss(4294967295);
    expect(ref.seed4294967295.map(() => b.next())).toEqual(ref.seed4294967295);
  });

  it('gives the same Gaussian samples, bit for bit (polar method, glibc-exact log)', () => {
    expect([...new Xoshiro128ss(42).gaussians(8)]).toEqual(ref.gaussSeed42);
  });

  for (const c of casesOf('noise')) {
    it(`${c.name}: the same noised bytes`, async () => {
      const d = difference(await runAttack(inputOf(c), parseAttackSpec(c.spec)), expectedOf(c));
      expect(d.maxAbs, `${d.differing} values differ`).toBe(0);
    });
  }
});

describe('attack/Noise', () => {
  const grey = rgbImage(64, 64, new Uint8Array(64 * 64 * 3).fill(128));

  it('adds zero-mean noise of standard deviation sigma levels', () => {
    for (const sigma of [3, 10, 25]) {
      const out = noise(grey, sigma, 5).rgb;
      const d = Array.from(out, (v) => v - 128);
      const mean = d.reduce((s, v) => s + v, 0) / d.length;
      const sd = Math.sqrt(d.reduce((s, v) => s + (v - mean) ** 2, 0) / d.length);
      expect(Math.abs(mean)).toBeLessThan(0.1 * sigma);
      expect(Math.abs(sd - Math.sqrt(sigma * sigma + 1 / 12)) / sigma).toBeLessThan(0.04); // + rounding's variance
    }
  });

  it('is the same for the same seed, different for another, and nothing at sigma 0', () => {
    expect(noise(grey, 10, 3).rgb).toEqual(noise(grey, 10, 3).rgb);
    expect(difference(noise(grey, 10, 3), noise(grey, 10, 4)).differing).toBeGreaterThan(10_000);
    expect(noise(grey, 0, 3).rgb).toEqual(grey.rgb);
  });

  it('clips at 0 and 255', () => {
    const edges = rgbImage(32, 32, Uint8Array.from({ length: 32 * 32 * 3 }, (_, i) => (i % 2 ? 255 : 0)));
    const out = noise(edges, 50, 1).rgb;
    expect(out.filter((v, i) => (i % 2 ? v === 255 : v === 0)).length / out.length).toBeGreaterThan(0.45);
  });
});
