/**
 * Test images made from a formula (no files): smooth colour gradients, soft shapes and
 * value-noise texture, like a photo's mix of flat and busy regions; plus the geometric attacks
 * the tests apply, written plainly (bilinear, area) and independently of the decoder's code.
 */
import type { RgbImage } from '../core/watermark.js';

function hash(x: number, y: number, seed: number): number {
  let h = Math.imul(x, 374761393) + Math.imul(y, 668265263) + Math.imul(seed, 2147483647);
  h = Math.imul(h ^ (h >>> 13), 1274126177);
  return ((h ^ (h >>> 16)) >>> 0) / 4294967296;
}

/** Value noise at (x, y) with cells of `cell` pixels, in 0…1. */
function valueNoise(x: number, y: number, cell: number, seed: number): number {
  const gx = x / cell;
  const gy = y / cell;
  const x0 = Math.floor(gx);
  const y0 = Math.floor(gy);
  const fx = gx - x0;
  const fy = gy - y0;
  const s = (t: number) => t * t * (3 - 2 * t);
  const a = hash(x0, y0, seed);
  const b = hash(x0 + 1, y0, seed);
  const c = hash(x0, y0 + 1, seed);
  const d = hash(x0 + 1, y0 + 1, seed);
  return (a + (b - a) * s(fx)) * (1 - s(fy)) + (c + (d - c) * s(fx)) * s(fy);
}

/** An RGB test image [3, H, W] in −1…1. */
export function testImage(H: number, W: number, seed = 1): RgbImage {
  const n = H * W;
  const data = new Float32Array(3 * n);
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < W; x++) {
      const tex = 0.5 * valueNoise(x, y, 3, seed) + 0.3 * valueNoise(x, y, 11, seed + 1) + 0.2 * valueNoise(x, y, 40, seed + 2);
      const disc = Math.hypot(x - W * 0.6, y - H * 0.4) < Math.min(H, W) * 0.25 ? 0.25 : 0;
      for (let c = 0; c < 3; c++) {
        const grad = (0.2 + 0.15 * c) * (x / W) + (0.5 - 0.1 * c) * (y / H);
        const v = 0.15 + 0.45 * grad + 0.35 * tex * (y > H / 2 ? 1 : 0.3) + disc * (c === 0 ? 1 : 0.4);
        data[c * n + y * W + x] = Math.max(-1, Math.min(1, 2 * v - 1));
      }
    }
  }
  return { data, H, W };
}

/** The image as 8-bit pixels would hold it (what a PNG stores), back in −1…1. */
export function quantize(img: RgbImage): RgbImage {
  return { ...img, data: img.data.map((v) => Math.round(Math.min(255, Math.max(0, (v + 1) * 127.5))) / 127.5 - 1) };
}

/** PSNR in dB between two images as 8-bit pixels. */
export function psnr8(a: RgbImage, b: RgbImage): number {
  let se = 0;
  for (let i = 0; i < a.data.length; i++) {
    const d = Math.round((a.data[i]! + 1) * 127.5) - Math.round((b.data[i]! + 1) * 127.5);
    se += d * d;
  }
  return 10 * Math.log10((255 * 255) / (se / a.data.length));
}

/** Bilinear sample of channel c at (x, y) in pixel-centre coordinates, `fill` outside. */
function sample(img: RgbImage, c: number, x: number, y: number, fill: number): number {
  const { H, W, data } = img;
  const x0 = Math.floor(x - 0.5);
  const y0 = Math.floor(y - 0.5);
  const fx = x - 0.5 - x0;
  const fy = y - 0.5 - y0;
  const at = (xi: number, yi: number) => (xi < 0 || yi < 0 || xi >= W || yi >= H ? fill : data[c * H * W + yi * W + xi]!);
  return (1 - fy) * ((1 - fx) * at(x0, y0) + fx * at(x0 + 1, y0)) + fy * ((1 - fx) * at(x0, y0 + 1) + fx * at(x0 + 1, y0 + 1));
}

/** Rotated by `degrees` counter-clockwise about the centre, same size, black outside. */
export function rotate(img: RgbImage, degrees: number): RgbImage {
  const { H, W } = img;
  const t = (degrees * Math.PI) / 180;
  const data = new Float32Array(3 * H * W);
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < W; x++) {
      // Output pixel centre → source point (inverse rotation; y points down, so ccw on screen is −t here).
      const dx = x + 0.5 - W / 2;
      const dy = y + 0.5 - H / 2;
      const sx = Math.cos(t) * dx - Math.sin(t) * dy + W / 2;
      const sy = Math.sin(t) * dx + Math.cos(t) * dy + H / 2;
      for (let c = 0; c < 3; c++) data[c * H * W + y * W + x] = sample(img, c, sx, sy, -1);
    }
  }
  return { data, H, W };
}

/** The window [x0, x0 + w) × [y0, y0 + h). */
export function crop(img: RgbImage, x0: number, y0: number, w: number, h: number): RgbImage {
  const data = new Float32Array(3 * w * h);
  for (let c = 0; c < 3; c++) for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) data[(c * h + y) * w + x] = img.data[c * img.H * img.W + (y0 + y) * img.W + x0 + x]!;
  return { data, H: h, W: w };
}

/** Bilinear resize to outH × outW (no antialiasing: a plain resampler, unlike the decoder's area filter). */
export function resize(img: RgbImage, outH: number, outW: number): RgbImage {
  const data = new Float32Array(3 * outH * outW);
  for (let y = 0; y < outH; y++)
    for (let x = 0; x < outW; x++)
      for (let c = 0; c < 3; c++) {
        const sx = Math.min(img.W - 0.5, Math.max(0.5, ((x + 0.5) * img.W) / outW));
        const sy = Math.min(img.H - 0.5, Math.max(0.5, ((y + 0.5) * img.H) / outH));
        data[(c * outH + y) * outW + x] = sample(img, c, sx, sy, 0);
      }
  return { data, H: outH, W: outW };
}
