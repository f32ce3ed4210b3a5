import { describe, expect, it } from 'vitest';
import { casesOf, expectSameBytes } from '../testing/fixtures.js';
import { rgbImage } from '../image/rgb-image.js';
import { blur, boxRadius } from './blur.js';

describe('attack/Blur against PIL’s ImageFilter.GaussianBlur(radius=sigma)', () => {
  // The reference is PIL's own approximation (three extended box blurs per axis, each pass
  // rounded to bytes), reproduced in its fixed-point arithmetic: exact, no tolerance.
  const cases = casesOf('blur');
  it('covers small, large and larger-than-the-image radii', () => {
    expect(cases.map((c) => (c.spec as { sigma: number }).sigma).sort((a, b) => a - b)).toEqual([0.3, 1, 2.5, 6, 7, 20]);
  });
  for (const c of cases) {
    it(`${c.name}: the same bytes`, () => expectSameBytes(c));
  }
});

describe('the box approximation', () => {
  it('has the variance of the Gaussian: 3 extended boxes of radius l + a', () => {
    for (const sigma of [0.5, 1, 3, 10]) {
      const r = boxRadius(sigma);
      const l = Math.floor(r);
      const a = r - l;
      // Variance of an extended box (Gwosdek et al. eq. 9): ((2l+1)·l(l+1)/3 + 2a(l+1)²) / (2l+1+2a).
      const variance = ((2 * l + 1) * l * (l + 1) / 3 + 2 * a * (l + 1) ** 2) / (2 * l + 1 + 2 * a);
      expect(3 * variance).toBeCloseTo(sigma * sigma, 4);
    }
  });

  it('keeps a constant image, and roughly the mean of any image', () => {
    expect(blur(rgbImage(6, 5, new Uint8Array(90).fill(77)), 3).rgb.every((v) => v === 77)).toBe(true);
    const img = rgbImage(16, 16, Uint8Array.from({ length: 768 }, (_, i) => (i * 37) % 256));
    const mean = (a: Uint8Array) => a.reduce((s, v) => s + v, 0) / a.length;
    expect(Math.abs(mean(blur(img, 2).rgb) - mean(img.rgb))).toBeLessThan(3);
  });
});
