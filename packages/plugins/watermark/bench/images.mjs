// Image helpers of the robustness benchmark: 8-bit interleaved RGB (what PNG, sharp and the
// attacks use) ⇄ the watermark's planar floats, PSNR, crops, PNG files, and small numeric tools.
import sharp from 'sharp';

/** `{ rgb: [H, W, 3] bytes, width, height }` → the watermark's `{ data: [3, H, W] in −1…1, H, W }`. */
export function toPlanar({ rgb, width, height }) {
  const n = width * height;
  const data = new Float32Array(3 * n);
  for (let i = 0; i < n; i++) {
    for (let c = 0; c < 3; c++) data[c * n + i] = rgb[i * 3 + c] / 127.5 - 1;
  }
  return { data, H: height, W: width };
}

/** The watermark's planar floats → 8-bit interleaved RGB, rounded and clipped (what a PNG stores). */
export function toBytes({ data, H, W }) {
  const n = H * W;
  const rgb = new Uint8Array(3 * n);
  for (let i = 0; i < n; i++) {
    for (let c = 0; c < 3; c++) {
      const v = Math.round((data[c * n + i] + 1) * 127.5);
      rgb[i * 3 + c] = v < 0 ? 0 : v > 255 ? 255 : v;
    }
  }
  return { rgb, width: W, height: H };
}

/** PSNR in dB of two 8-bit RGB images of one size (Infinity when equal). */
export function psnr(a, b) {
  if (a.width !== b.width || a.height !== b.height) throw new Error(`psnr of ${a.width}×${a.height} and ${b.width}×${b.height}`);
  let se = 0;
  for (let i = 0; i < a.rgb.length; i++) se += (a.rgb[i] - b.rgb[i]) ** 2;
  const mse = se / a.rgb.length;
  return mse === 0 ? Infinity : 10 * Math.log10((255 * 255) / mse);
}

/** The w × h window at (x, y) of an 8-bit RGB image. */
export function cropBytes({ rgb, width }, x, y, w, h) {
  const out = new Uint8Array(w * h * 3);
  for (let r = 0; r < h; r++) out.set(rgb.subarray(((y + r) * width + x) * 3, ((y + r) * width + x + w) * 3), r * w * 3);
  return { rgb: out, width: w, height: h };
}

/** Reads any image sharp reads as 8-bit RGB (alpha dropped). */
export async function readRgb(path) {
  const { data, info } = await sharp(path).removeAlpha().toColourspace('srgb').raw().toBuffer({ resolveWithObject: true });
  if (info.channels !== 3) throw new Error(`${path}: expected 3 channels, got ${info.channels}`);
  return { rgb: new Uint8Array(data.buffer, data.byteOffset, data.length), width: info.width, height: info.height };
}

/** Writes an 8-bit RGB image as PNG (lossless). */
export async function writePng(path, { rgb, width, height }) {
  await sharp(rgb, { raw: { width, height, channels: 3 } }).png({ compressionLevel: 1 }).toFile(path);
}

/** Standard deviation of the luma (BT.601 weights) of an 8-bit RGB image, in 8-bit levels. */
export function lumaStd({ rgb }) {
  let s = 0;
  let s2 = 0;
  const n = rgb.length / 3;
  for (let i = 0; i < n; i++) {
    const y = 0.299 * rgb[3 * i] + 0.587 * rgb[3 * i + 1] + 0.114 * rgb[3 * i + 2];
    s += y;
    s2 += y * y;
  }
  return Math.sqrt(Math.max(0, s2 / n - (s / n) ** 2));
}

/** Median of a list of numbers (NaN when empty). */
export function median(values) {
  if (values.length === 0) return NaN;
  const v = [...values].sort((a, b) => a - b);
  const m = v.length >> 1;
  return v.length % 2 ? v[m] : (v[m - 1] + v[m]) / 2;
}

/** Arithmetic mean (NaN when empty). */
export const mean = (values) => (values.length === 0 ? NaN : values.reduce((a, b) => a + b, 0) / values.length);

/** `n` random bits (0/1) from a Xoshiro128ss generator (its top bit each draw). */
export function randomBits(rng, n) {
  const bits = new Uint8Array(n);
  for (let i = 0; i < n; i++) bits[i] = rng.next() >>> 31;
  return bits;
}

/** An integer in [lo, hi] from a Xoshiro128ss generator. */
export const randomInt = (rng, lo, hi) => lo + Math.floor(rng.uniform() * (hi - lo + 1));

/** How many of the expected bits a decoded bit string matches (missing bits count as wrong). */
export function matchingBits(expected, got) {
  let k = 0;
  for (let i = 0; i < expected.length; i++) if (got[i] === expected[i]) k++;
  return k;
}
