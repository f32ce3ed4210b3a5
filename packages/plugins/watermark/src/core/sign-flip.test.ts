import { describe, expect, it } from 'vitest';
import { binomialTail } from './binomial.js';
import { logNormalTail, signFlipTail } from './sign-flip.js';

/** Exact P[Σ εᵢwᵢ ≥ s] by enumerating all 2ⁿ sign vectors (small n). */
function enumerate(w: readonly number[], s: number): number {
  let hits = 0;
  for (let m = 0; m < 1 << w.length; m++) {
    let sum = 0;
    for (let i = 0; i < w.length; i++) sum += (m >> i) & 1 ? w[i]! : -w[i]!;
    if (sum >= s - 1e-12) hits++;
  }
  return hits / 2 ** w.length;
}

describe('signFlipTail', () => {
  it('with equal weights is the binomial tail (continuity-corrected), far into the tail', () => {
    for (const [k, n] of [
      [60, 100],
      [150, 256],
      [180, 256],
      [600, 1000],
    ] as const) {
      const exact = binomialTail(k, n);
      const sp = signFlipTail(new Float64Array(n).fill(1), 2 * k - n - 1);
      expect(Math.abs(Math.log(sp / exact))).toBeLessThan(0.05);
    }
  });

  it('matches exhaustive enumeration for unequal weights within a few percent where the tail is smooth', () => {
    const w = Array.from({ length: 20 }, (_, i) => 0.5 + Math.abs(Math.sin(i * 1.7)) * 2);
    const sd = Math.sqrt(w.reduce((a, x) => a + x * x, 0));
    for (const z of [1, 2, 2.5, 3]) {
      const exact = enumerate(w, z * sd);
      expect(Math.abs(signFlipTail(w, z * sd) / exact - 1)).toBeLessThan(0.2);
    }
  });

  it('is monotone, ½ at the centre, 0 beyond the largest sum and 1 below the smallest', () => {
    const w = Array.from({ length: 300 }, (_, i) => 1 + (i % 7));
    let prev = 1;
    for (let s = -400; s <= 1200; s += 37) {
      const p = signFlipTail(w, s);
      expect(p).toBeLessThanOrEqual(prev + 1e-12);
      prev = p;
    }
    expect(signFlipTail(w, 0)).toBeCloseTo(0.5, 6);
    expect(signFlipTail(w, w.reduce((a, x) => a + x, 0) + 1)).toBe(0);
    expect(signFlipTail([], 1)).toBe(0);
    expect(signFlipTail([], 0)).toBe(1);
  });

  it('log normal tail matches known values, and stays finite far out', () => {
    expect(Math.exp(logNormalTail(0))).toBeCloseTo(0.5, 6);
    expect(Math.exp(logNormalTail(3)) / 1.3498980316301e-3).toBeCloseTo(1, 5);
    expect(Math.exp(logNormalTail(6)) / 9.8658764503769e-10).toBeCloseTo(1, 3);
    expect(logNormalTail(40) / -804.6).toBeCloseTo(1, 3);
  });
});
