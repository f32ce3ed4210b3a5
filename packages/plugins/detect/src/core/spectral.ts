/**
 * Spectral features of 64 px tiles: per RGB channel, the mean-removed tile's power spectrum
 * |FFT|² / 64², averaged over rings of integer radius 1…32 (radius = round(√(u² + v²)) with
 * u, v the signed frequencies), as ln(mean + 1e-8) — 96 numbers per tile, the input of the
 * spectral detector's logistic regression. tools/detect/common.py computes the same numbers.
 */
import { fft2 } from '@stylegraph/plugin-watermark';
import { TILE } from './tiles.js';

export const NUM_BINS = 32;
export const NUM_FEATURES = 3 * NUM_BINS;

let rings: { readonly bin: Int8Array; readonly count: Float64Array } | undefined;

/** Ring (0-based, −1: not used) of each coefficient of a [64, 64] spectrum, and the size of each ring. */
function ringsOf(): NonNullable<typeof rings> {
  if (rings) return rings;
  const bin = new Int8Array(TILE * TILE);
  const count = new Float64Array(NUM_BINS);
  const freq = (k: number) => (k < TILE / 2 ? k : k - TILE);
  for (let u = 0; u < TILE; u++) {
    for (let v = 0; v < TILE; v++) {
      const r = Math.floor(Math.sqrt(freq(u) ** 2 + freq(v) ** 2) + 0.5);
      const b = r >= 1 && r <= NUM_BINS ? r - 1 : -1;
      bin[u * TILE + v] = b;
      if (b >= 0) count[b]!++;
    }
  }
  rings = { bin, count };
  return rings;
}

/** Features of T tiles [T, 3, 64, 64] -> float32 [T, 96]. */
export function spectralFeatures(tiles: Float32Array, T: number): Float32Array {
  const { bin, count } = ringsOf();
  const n = TILE * TILE;
  const out = new Float32Array(T * NUM_FEATURES); // [T, 96]
  const re = new Float64Array(n);
  const im = new Float64Array(n);
  const sums = new Float64Array(NUM_BINS);
  for (let t = 0; t < T; t++) {
    for (let c = 0; c < 3; c++) {
      const off = (t * 3 + c) * n;
      let mean = 0;
      for (let i = 0; i < n; i++) mean += tiles[off + i]!;
      mean /= n;
      for (let i = 0; i < n; i++) re[i] = tiles[off + i]! - mean;
      im.fill(0);
      fft2(re, im, TILE, TILE);
      sums.fill(0);
      for (let i = 0; i < n; i++) {
        const b = bin[i]!;
        if (b >= 0) sums[b]! += re[i]! * re[i]! + im[i]! * im[i]!;
      }
      for (let b = 0; b < NUM_BINS; b++) out[t * NUM_FEATURES + c * NUM_BINS + b] = Math.log(sums[b]! / n / count[b]! + 1e-8);
    }
  }
  return out;
}
