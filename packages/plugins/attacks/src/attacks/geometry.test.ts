import { describe, expect, it } from 'vitest';
import { casesOf, difference, expectSameBytes } from '../testing/fixtures.js';
import { rgbImage } from '../image/rgb-image.js';
import { crop, cropWindow } from './crop.js';
import { rotate, rotationMatrix } from './rotate.js';

/** A w × h image whose every byte says where it is. */
const numbered = (w: number, h: number) => rgbImage(w, h, Uint8Array.from({ length: w * h * 3 }, (_, i) => (i * 7) % 256));

describe('attack/Crop against PIL’s Image.crop', () => {
  for (const c of casesOf('crop')) {
    it(`${c.name}: the same bytes`, () => expectSameBytes(c));
  }

  it('places the window by x and y: 0 at the left/top edge, 1 at the right/bottom, 0.5 centred', () => {
    expect(cropWindow(48, 40, 0.25, 0, 0)).toEqual({ left: 0, top: 0, width: 24, height: 20 });
    expect(cropWindow(48, 40, 0.25, 1, 1)).toEqual({ left: 24, top: 20, width: 24, height: 20 });
    expect(cropWindow(48, 40, 0.25, 0.5, 0.5)).toEqual({ left: 12, top: 10, width: 24, height: 20 });
    // Sides √area·side, rounded half up: √0.5·48 = 33.94 → 34, √0.5·40 = 28.28 → 28.
    expect(cropWindow(48, 40, 0.5, 0.5, 0.5)).toEqual({ left: 7, top: 6, width: 34, height: 28 });
    expect(cropWindow(48, 40, 1, 0.3, 0.9)).toEqual({ left: 0, top: 0, width: 48, height: 40 });
    expect(cropWindow(3, 2, 0.01, 1, 1)).toEqual({ left: 2, top: 1, width: 1, height: 1 });
  });

  it('cuts exactly the window’s pixels', () => {
    const img = numbered(6, 5);
    const out = crop(img, 0.44, 1, 0); // 4×3 at left 2, top 0 (√0.44 = 0.663: 3.98 → 4, 3.32 → 3)
    expect([out.width, out.height]).toEqual([4, 3]);
    for (let y = 0; y < 3; y++) for (let x = 0; x < 4; x++) for (let c = 0; c < 3; c++) expect(out.rgb[(y * 4 + x) * 3 + c]).toBe(img.rgb[(y * 6 + x + 2) * 3 + c]);
  });
});

describe('attack/Rotate against PIL’s Image.rotate(angle, BILINEAR, expand=False, fillcolor)', () => {
  // The same arithmetic in doubles; cos/sin rounded to 15 decimals as PIL does hides V8's and
  // glibc's last-bit differences, so the bytes agree exactly.
  const cases = casesOf('rotate');
  it('covers both signs, the exact turns, every fill and a square image', () => {
    expect(cases.map((c) => c.name)).toEqual(expect.arrayContaining(['rotate-180-black', 'rotate--180-white', 'rotate-90-grey', 'rotate-90-square', 'rotate--90-square', 'rotate--33.3-white']));
  });
  for (const c of cases) {
    it(`${c.name}: the same bytes`, () => expectSameBytes(c));
  }

  it('turns counter-clockwise for positive degrees: the top-right corner moves to the top-left', () => {
    const img = rgbImage(3, 3, new Uint8Array(27));
    img.rgb.set([200, 100, 50], (0 * 3 + 2) * 3); // top-right pixel
    const out = rotate(img, 90, 'black');
    expect([...out.rgb.subarray(0, 3)]).toEqual([200, 100, 50]);
  });

  it('gives a square image’s quarter turns exactly as the bilinear path would (no interpolation at 90°)', () => {
    const img = numbered(5, 5);
    // 90.000001° is not a fast path but maps pixel centres within 1e-7 px of 90°'s.
    const fast = rotate(img, 90, 'black');
    const slow = rotate(img, 90.0000001, 'black');
    expect(difference(fast, slow).maxAbs).toBeLessThanOrEqual(1);
    expect(rotate(img, 0, 'white').rgb).toEqual(img.rgb);
    expect(rotate(rotate(img, 180, 'black'), -180, 'black').rgb).toEqual(img.rgb);
  });

  it('builds PIL’s inverse matrix about the centre', () => {
    const [a, b, c, d, e, f] = rotationMatrix(90, 48, 40);
    expect([a, b, d, e]).toEqual([0, -1, 1, 0]);
    // Output (x, y) reads input (−y + c, x + f): the centre (24, 20) maps to itself.
    expect([c - 20, f + 24]).toEqual([24, 20]);
  });
});
