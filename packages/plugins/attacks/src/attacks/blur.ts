/**
 * attack/Blur: PIL's ImageFilter.GaussianBlur(radius=sigma), which approximates a Gaussian of
 * standard deviation sigma by three passes of an "extended" box blur (Gwosdek et al., 2011:
 * a box of integer radius r plus fractional end weights) per axis — rows first, then columns,
 * each pass rounded to bytes, edges repeated. Fixed-point arithmetic as libImaging/BoxBlur.c,
 * the box radius computed in float32 as PIL computes it.
 */
import { rgbImage, type RgbImage } from '../image/rgb-image.js';

const PASSES = 3;
const f32 = Math.fround;

/** The extended box's radius (integer part + fraction) whose 3 passes have variance sigma². */
export function boxRadius(sigma: number): number {
  const radius = f32(sigma);
  const sigma2 = f32(f32(radius * radius) / PASSES);
  const L = f32(Math.sqrt(12 * sigma2 + 1));
  const l = f32(Math.floor((L - 1) / 2));
  let a = f32(f32(f32(2 * l) + 1) * f32(f32(l * f32(l + 1)) - f32(3 * sigma2)));
  a = f32(a / f32(6 * f32(sigma2 - f32(f32(l + 1) * f32(l + 1)))));
  return f32(l + a);
}

/**
 * One pass along lines of `n` pixels, `step` bytes apart, the lines starting at `starts`:
 * out[x] = (Σ in[x−r … x+r]·ww + (in[x−r−1] + in[x+r+1])·fw) / 2²⁴, rounded, the indices
 * clamped to the line.
 */
function boxLines(src: Uint8Array, dst: Uint8Array, starts: readonly number[], n: number, step: number, floatRadius: number): void {
  const r = Math.trunc(floatRadius);
  const ww = Math.trunc(f32(2 ** 24 / f32(f32(floatRadius * 2) + 1)));
  const fw = Math.floor((2 ** 24 - (r * 2 + 1) * ww) / 2);
  const last = n - 1;
  const at = (i: number) => (i < 0 ? 0 : i > last ? last : i) * step;
  const line = new Uint8Array(n);
  for (const start of starts) {
    for (let c = 0; c < 3; c++) {
      const px = (i: number) => src[start + at(i) + c]!;
      // The window sum for pixel −1: in[−r−1 … r−1], clamped.
      let acc = 0;
      for (let i = -r - 1; i <= r - 1; i++) acc += px(i);
      for (let x = 0; x <= last; x++) {
        acc += px(x + r) - px(x - r - 1);
        line[x] = Math.floor((acc * ww + (px(x - r - 1) + px(x + r + 1)) * fw + 2 ** 23) / 2 ** 24);
      }
      for (let x = 0; x <= last; x++) dst[start + x * step + c] = line[x]!;
    }
  }
}

export function blur(img: RgbImage, sigma: number): RgbImage {
  const { width: W, height: H } = img;
  const radius = boxRadius(sigma);
  const out = rgbImage(W, H, img.rgb.slice());
  const rows = Array.from({ length: H }, (_, y) => y * W * 3);
  const cols = Array.from({ length: W }, (_, x) => x * 3);
  if (radius !== 0) {
    for (let p = 0; p < PASSES; p++) boxLines(out.rgb, out.rgb, rows, W, 3, radius);
    for (let p = 0; p < PASSES; p++) boxLines(out.rgb, out.rgb, cols, H, W * 3, radius);
  }
  return out;
}
