/**
 * Spectral features of 64 px tiles: per RGB channel, the tile's power spectrum
 * |FFT|² / 64², averaged over rings of integer radius 1…32 (radius = round(√(u² + v²)) with
 * u, v the signed frequencies), as ln(mean + 1e-8) — 96 numbers per tile, the input of the
 * spectral detector's logistic regression. tools/detect/common.py computes the same numbers.
 */
import { HALF_COLUMNS, halfPowerSpectrum } from './power-spectrum.js';
import { TILE } from './tiles.js';

export const NUM_BINS = 32;
export const NUM_FEATURES = 3 * NUM_BINS;

let rings: { readonly bin: Int8Array; readonly weight: Float64Array; readonly count: Float64Array } | undefined;

/**
 * Ring (0-based, −1: not used) and weight of each coefficient of the half spectrum [64, 33]
 * (columns 1…31 stand for themselves and their mirror images), and the size of each ring in the
 * full [64, 64] spectrum.
 */
function ringsOf(): NonNullable<typeof rings> {
  if (rings) return rings;
  const bin = new Int8Array(TILE * HALF_COLUMNS);
  const weight = new Float64Array(TILE * HALF_COLUMNS);
  const count = new Float64Array(NUM_BINS);
  const freq = (k: number) => (k < TILE / 2 ? k : k - TILE);
  for (let u = 0; u < TILE; u++) {
    for (let k = 0; k < HALF_COLUMNS; k++) {
      const r = Math.floor(Math.sqrt(freq(u) ** 2 + k ** 2) + 0.5);
      const b = r >= 1 && r <= NUM_BINS ? r - 1 : -1;
      const w = k === 0 || k === TILE / 2 ? 1 : 2;
      bin[u * HALF_COLUMNS + k] = b;
      weight[u * HALF_COLUMNS + k] = w;
      if (b >= 0) count[b]! += w;
    }
  }
  rings = { bin, weight, count };
  return rings;
}

/** Features of T tiles [T, 3, 64, 64] -> float32 [T, 96]. */
export function spectralFeatures(tiles: Float32Array, T: number): Float32Array {
  const { bin, weight, count } = ringsOf();
  const n = TILE * TILE;
  const out = new Float32Array(T * NUM_FEATURES); // [T, 96]
  const power = new Float64Array(TILE * HALF_COLUMNS);
  const sums = new Float64Array(NUM_BINS);
  for (let t = 0; t < T; t++) {
    for (let c = 0; c < 3; c++) {
      const off = (t * 3 + c) * n;
      // The tile's mean only moves the DC coefficient, which no ring holds: no need to remove it.
      halfPowerSpectrum(tiles, off, power);
      sums.fill(0);
      for (let i = 0; i < power.length; i++) {
        const b = bin[i]!;
        if (b >= 0) sums[b]! += weight[i]! * power[i]!;
      }
      for (let b = 0; b < NUM_BINS; b++) out[t * NUM_FEATURES + c * NUM_BINS + b] = Math.log(sums[b]! / n / count[b]! + 1e-8);
    }
  }
  return out;
}
