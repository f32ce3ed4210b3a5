import { describe, expect, it } from 'vitest';
import { casesOf, expectSameBytes } from '../testing/fixtures.js';
import { rgbImage } from '../image/rgb-image.js';
import { brightness, contrast, meanGrey } from './enhance.js';

describe('attack/Brightness and attack/Contrast against PIL’s ImageEnhance', () => {
  // PIL blends in float32 and truncates; that is reproduced bit for bit.
  for (const c of [...casesOf('brightness'), ...casesOf('contrast')]) {
    it(`${c.name}: the same bytes`, () => expectSameBytes(c));
  }
});

describe('the blends', () => {
  const img = rgbImage(4, 1, Uint8Array.from([0, 10, 20, 100, 128, 200, 250, 251, 255, 3, 7, 64]));

  it('multiplies and truncates (PIL), and clips above 255', () => {
    expect([...brightness(img, 0.5).rgb]).toEqual([0, 5, 10, 50, 64, 100, 125, 125, 127, 1, 3, 32]);
    expect([...brightness(img, 2).rgb]).toEqual([0, 20, 40, 200, 255, 255, 255, 255, 255, 6, 14, 128]);
    expect(brightness(img, 0).rgb.every((v) => v === 0)).toBe(true);
    expect(brightness(img, 1).rgb).toEqual(img.rgb);
  });

  it('takes the mean of PIL’s L conversion (299/587/114, 16-bit fixed point), rounded half up', () => {
    // L of (0,10,20) = 8.0 → 8; (100,128,200) = 127.89 → 128; (250,251,255) = 250.99 → 251; (3,7,64) = 12.3 → 12.
    expect(meanGrey(img)).toBe(Math.floor((8 + 128 + 251 + 12) / 4 + 0.5));
    expect(contrast(img, 0).rgb.every((v) => v === 100)).toBe(true);
    expect(contrast(img, 1).rgb).toEqual(img.rgb);
    // 100 + 2·(v − 100), clipped: 0 → −100 → 0, 128 → 156, 200 → 255 (300), 64 → 28.
    expect([...contrast(img, 2).rgb]).toEqual([0, 0, 0, 100, 156, 255, 255, 255, 255, 0, 0, 28]);
  });
});
