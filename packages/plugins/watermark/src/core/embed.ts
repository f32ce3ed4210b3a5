/**
 * Embedding: the keyed tile, repeated over the image at `unitSize` pixels per unit, added to the
 * luma (the same amount to R, G and B) with a uniform amplitude chosen in closed form for the
 * target PSNR; clipping at black and white only lowers the change. (A perceptual mask — more
 * amplitude where the luma is busy — was measured to cost robustness at equal PSNR, because the
 * decoder weighs busy regions down; see the README.)
 */
import { T } from './layout.js';
import { unitSize } from './geometry.js';

export interface Strength {
  /** PSNR (dB) of the change alone over the RGB image, before clipping and 8-bit rounding. */
  readonly psnr?: number;
  /** Or the RMS change in 8-bit levels (overrides psnr). */
  readonly rms?: number;
}

export const DEFAULT_PSNR = 42.5;

/** The amplitude in 8-bit levels for a strength. */
export function amplitudeOf(s: Strength): number {
  if (s.rms !== undefined) return s.rms;
  return 255 * 10 ** (-(s.psnr ?? DEFAULT_PSNR) / 20);
}

/** The marked copy of an RGB image [3, H, W] in −1…1, for the tile's unit values (row-major [T, T]). */
export function embedTile(rgb: Float32Array, H: number, W: number, tile: Int8Array, strength: Strength): Float32Array {
  const u = unitSize(H, W);
  const a = amplitudeOf(strength) / 127.5; // levels → −1…1 units
  const n = H * W;
  const out = new Float32Array(3 * n); // [3, H, W]
  const col = new Int32Array(W);
  for (let x = 0; x < W; x++) col[x] = Math.floor(x / u) % T;
  for (let y = 0; y < H; y++) {
    const row = (Math.floor(y / u) % T) * T;
    for (let x = 0; x < W; x++) {
      const i = y * W + x;
      const d = a * tile[row + col[x]!]!;
      for (let c = 0; c < 3; c++) {
        const v = rgb[c * n + i]! + d;
        out[c * n + i] = v > 1 ? 1 : v < -1 ? -1 : v;
      }
    }
  }
  return out;
}
