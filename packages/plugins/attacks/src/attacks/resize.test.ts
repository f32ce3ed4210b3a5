import { describe, expect, it } from 'vitest';
import { casesOf, expectSameBytes } from '../testing/fixtures.js';
import { rgbImage } from '../image/rgb-image.js';
import { resize, scaledSide } from './resize.js';
import { axisWeights } from '../resample/coefficients.js';
import { FILTERS } from '../resample/filters.js';

describe('attack/Resize against PIL’s Image.resize', () => {
  // PIL's fixed-point arithmetic is reproduced; only a last-bit difference between V8's and
  // glibc's sin() (lanczos3) could move a weight by one unit, and a value by one level.
  const cases = casesOf('resize');
  it('has cases for every kernel, shrinking and enlarging', () => {
    expect(new Set(cases.map((c) => (c.spec as { kernel: string }).kernel))).toEqual(new Set(['nearest', 'bilinear', 'bicubic', 'lanczos3', 'area']));
    expect(cases.length).toBeGreaterThanOrEqual(14);
  });
  for (const c of cases) {
    it(`${c.name}: the same bytes`, () => expectSameBytes(c));
  }
});

describe('resize sizes and edge cases', () => {
  it('rounds the size half up, never below one pixel', () => {
    expect(scaledSide(40, 0.55)).toBe(22);
    expect(scaledSide(48, 0.55)).toBe(26); // 26.4
    expect(scaledSide(10, 0.25)).toBe(3); // 2.5 → 3
    expect(scaledSide(5, 0.05)).toBe(1); // 0.25 → at least 1
  });

  it('copies the image when the size does not change, and never returns its input', () => {
    const img = rgbImage(5, 4, Uint8Array.from({ length: 60 }, (_, i) => i * 4));
    for (const kernel of ['nearest', 'bicubic'] as const) {
      const out = resize(img, 1, kernel);
      expect(out.rgb).toEqual(img.rgb);
      expect(out.rgb).not.toBe(img.rgb);
    }
  });

  it('keeps a constant image constant with every kernel', () => {
    const img = rgbImage(9, 7, new Uint8Array(9 * 7 * 3).fill(201));
    for (const kernel of ['nearest', 'bilinear', 'bicubic', 'lanczos3', 'area'] as const) {
      for (const scale of [0.3, 0.77, 2.6]) expect(resize(img, scale, kernel).rgb.every((v) => v === 201), `${kernel} ${scale}`).toBe(true);
    }
  });

  it('normalises every output pixel’s weights to one (2²² in fixed point, ± rounding)', () => {
    for (const f of Object.values(FILTERS)) {
      for (const [n, m] of [[48, 26], [40, 60], [7, 23]] as const) {
        const w = axisWeights(n, m, f);
        for (let o = 0; o < m; o++) {
          let sum = 0;
          for (let i = 0; i < w.count[o]!; i++) sum += w.weights[o * w.taps + i]!;
          expect(Math.abs(sum - 2 ** 22)).toBeLessThanOrEqual(w.taps);
        }
      }
    }
  });
});
