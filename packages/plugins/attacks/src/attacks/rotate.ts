/**
 * attack/Rotate: PIL's Image.rotate(degrees, resample=BILINEAR, expand=False, fillcolor) —
 * about the centre (W/2, H/2), counter-clockwise, the size kept. As PIL: 0° copies; 180°, and
 * ±90° of a square image, are exact pixel transposes; otherwise each output pixel centre is
 * mapped back by the inverse rotation (matrix entries rounded to 15 decimals as PIL rounds
 * them), sampled bilinearly with edge pixels repeated, the result truncated to a byte, and
 * pixels that map outside the image take the fill colour.
 */
import { copyImage, rgbImage, type RgbImage } from '../image/rgb-image.js';
import type { RotateFill } from '../spec/params.js';

const FILL: Readonly<Record<RotateFill, number>> = { black: 0, white: 255, grey: 128 };

/** Python's round(v, 15): the nearest 15-decimal number, as a double. */
const round15 = (v: number): number => Number(v.toFixed(15));

/** Python's `angle % 360.0`: fmod, moved into [0, 360) by one exact addition. */
function pyMod360(degrees: number): number {
  const m = degrees % 360;
  return m < 0 ? m + 360 : m === 0 ? 0 : m;
}

/** Exact quarter and half turns: output (x, y) reads input `at(x, y)`. */
function transposed(img: RgbImage, outW: number, outH: number, at: (x: number, y: number) => number): RgbImage {
  const out = rgbImage(outW, outH);
  for (let y = 0; y < outH; y++) {
    for (let x = 0; x < outW; x++) {
      const s = at(x, y) * 3;
      const d = (y * outW + x) * 3;
      out.rgb[d] = img.rgb[s]!;
      out.rgb[d + 1] = img.rgb[s + 1]!;
      out.rgb[d + 2] = img.rgb[s + 2]!;
    }
  }
  return out;
}

/** The inverse affine map [a, b, c, d, e, f]: output (x, y) ← input (a·x + b·y + c, d·x + e·y + f), as PIL builds it. */
export function rotationMatrix(degrees: number, width: number, height: number): [number, number, number, number, number, number] {
  const angle = -(degrees * (Math.PI / 180));
  const a = round15(Math.cos(angle));
  const b = round15(Math.sin(angle));
  const d = round15(-Math.sin(angle));
  const e = round15(Math.cos(angle));
  const cx = width / 2;
  const cy = height / 2;
  return [a, b, a * -cx + b * -cy + 0 + cx, d, e, d * -cx + e * -cy + 0 + cy];
}

function bilinear(img: RgbImage, degrees: number, fill: number): RgbImage {
  const { width: W, height: H, rgb } = img;
  const [a, b, c, d, e, f] = rotationMatrix(degrees, W, H);
  const out = rgbImage(W, H);
  out.rgb.fill(fill);
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < W; x++) {
      const xin = x + 0.5;
      const yin = y + 0.5;
      let sx = a * xin + b * yin + c;
      let sy = d * xin + e * yin + f;
      if (sx < 0 || sx >= W || sy < 0 || sy >= H) continue;
      sx -= 0.5;
      sy -= 0.5;
      const x0 = Math.floor(sx);
      const y0 = Math.floor(sy);
      const dx = sx - x0;
      const dy = sy - y0;
      // Neighbours, edges repeated: columns x0, x0 + 1 of rows y0, y0 + 1.
      const c0 = Math.min(W - 1, Math.max(0, x0)) * 3;
      const c1 = Math.min(W - 1, Math.max(0, x0 + 1)) * 3;
      const r0 = Math.min(H - 1, Math.max(0, y0)) * W * 3;
      const hasR1 = y0 + 1 >= 0 && y0 + 1 < H;
      const r1 = (y0 + 1) * W * 3;
      for (let ch = 0; ch < 3; ch++) {
        const p = rgb[r0 + c0 + ch]!;
        const v1 = p + (rgb[r0 + c1 + ch]! - p) * dx;
        let v2 = v1;
        if (hasR1) {
          const q = rgb[r1 + c0 + ch]!;
          v2 = q + (rgb[r1 + c1 + ch]! - q) * dx;
        }
        out.rgb[(y * W + x) * 3 + ch] = Math.trunc(v1 + (v2 - v1) * dy);
      }
    }
  }
  return out;
}

export function rotate(img: RgbImage, degrees: number, fill: RotateFill): RgbImage {
  const { width: W, height: H } = img;
  const angle = pyMod360(degrees);
  if (angle === 0) return copyImage(img);
  if (angle === 180) return transposed(img, W, H, (x, y) => (H - 1 - y) * W + (W - 1 - x));
  if (angle === 90 && W === H) return transposed(img, H, W, (x, y) => x * W + (W - 1 - y));
  if (angle === 270 && W === H) return transposed(img, H, W, (x, y) => (H - 1 - x) * W + y);
  return bilinear(img, angle, FILL[fill]);
}
