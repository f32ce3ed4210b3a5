/**
 * Folding: every work pixel is mapped into tile coordinates for a candidate geometry (period,
 * rotation) and its residual summed into the tile cell it lands in, at a few cells per unit
 * side. The cells are then correlated with the search units at every circular offset; the best
 * offset says where the tile starts. Reading sums each unit's cells at that offset.
 */
import { correlateSpectra, fft2 } from './fft.js';
import { T, type Layout } from './layout.js';
import type { Plane } from './plane.js';

/** Cells per unit side when comparing candidate geometries, and for the final alignment and reading. */
export const COARSE = 2;
export const FINE = 4;

export interface Fold {
  /** Cells per unit side. */
  readonly oversample: number;
  readonly sum: Float64Array; // [S, S], S = T · oversample
  readonly count: Float64Array; // [S, S]
}

/** Sums of the residual per tile cell for a tile of `period` work pixels rotated by `theta`. */
export function foldPlane(r: Plane, period: number, theta: number, oversample: number): Fold {
  const { data, H, W } = r;
  const S = T * oversample; // a power of two: cell indices wrap with & (S − 1)
  const mask = S - 1;
  const sum = new Float64Array(S * S);
  const count = new Float64Array(S * S);
  const k = S / period; // cells per work pixel
  const c = Math.cos(theta) * k;
  const s = Math.sin(theta) * k;
  // Cell coordinates are linear in x: step them along each row. An offset that is a multiple
  // of S keeps them positive, so truncation is floor.
  const shift = S * 4096;
  for (let y = 0; y < H; y++) {
    const yc = y + 0.5;
    let u = c * 0.5 + s * yc + shift;
    let v = -s * 0.5 + c * yc + shift;
    const row = y * W;
    for (let x = 0; x < W; x++) {
      const cell = ((v | 0) & mask) * S + ((u | 0) & mask);
      sum[cell]! += data[row + x]!;
      count[cell]! += 1;
      u += c;
      v -= s;
    }
  }
  return { oversample, sum, count };
}

/**
 * The search units' signs spread over their cells, as [S, S] spectra for correlating — one per
 * quarter turn q: folding with θ + q·90° permutes the cells by (u, v) → (v, −u − 1) q times,
 * which is the same as correlating the θ fold with the template permuted the other way.
 */
export interface Template {
  readonly oversample: number;
  readonly turns: readonly { readonly re: Float64Array; readonly im: Float64Array }[];
  readonly energy: number;
}

export function searchTemplate(layout: Layout, oversample: number, turns = 1): Template {
  const S = T * oversample;
  let t = new Float64Array(S * S);
  for (const u of layout.search) {
    const ty = Math.floor(u / T);
    const tx = u % T;
    for (let dy = 0; dy < oversample; dy++) for (let dx = 0; dx < oversample; dx++) t[(ty * oversample + dy) * S + tx * oversample + dx] = layout.sign[u]!;
  }
  let energy = 0;
  for (const v of t) energy += v * v;
  const spectra = [];
  for (let q = 0; q < turns; q++) {
    const im = new Float64Array(S * S);
    const re = Float64Array.from(t);
    fft2(re, im, S, S);
    spectra.push({ re, im });
    // t∘P: cell (u, v) takes the value at P(u, v) = (v, −u − 1).
    const next = new Float64Array(S * S);
    for (let v = 0; v < S; v++) for (let u = 0; u < S; u++) next[v * S + u] = t[((S - 1 - u) & (S - 1)) * S + v]!;
    t = next;
  }
  return { oversample, turns: spectra, energy };
}

export interface Alignment {
  readonly oversample: number;
  /** Offset of the tile's origin in cells. */
  readonly dx: number;
  readonly dy: number;
  /** Correlation at the offset in standard deviations of its value under no mark. */
  readonly z: number;
}

/** Per-cell evidence (sum over √count) of a fold, and its energy. */
function cellEvidence(fold: Fold): { mean: Float64Array; ss: number } {
  const n = fold.sum.length;
  const mean = new Float64Array(n);
  let ss = 0;
  for (let i = 0; i < n; i++) {
    mean[i] = fold.count[i]! > 0 ? fold.sum[i]! / Math.sqrt(fold.count[i]!) : 0;
    ss += mean[i]! * mean[i]!;
  }
  return { mean, ss };
}

/**
 * The offset at which the fold best matches the template's quarter turn `turn`, and the match in
 * standard deviations of its value without a mark.
 */
export function align(fold: Fold, template: Template, turn = 0, near?: number): Alignment {
  return alignAll(fold, template, near)[turn]!;
}

/**
 * `align` for every quarter turn the template holds (one forward transform of the fold);
 * with `near`, only offsets within `near` cells of zero (each way, circularly) are considered.
 */
export function alignAll(fold: Fold, template: Template, near?: number): Alignment[] {
  const S = T * fold.oversample;
  const { mean, ss } = cellEvidence(fold);
  const re = Float64Array.from(mean);
  const im = new Float64Array(S * S);
  fft2(re, im, S, S);
  const sd = Math.sqrt((ss / (S * S)) * template.energy) || 1;
  return template.turns.map((t) => {
    const corr = correlateSpectra(re, im, t.re, t.im, S, S);
    let best = 0;
    if (near === undefined) {
      for (let i = 1; i < S * S; i++) if (corr[i]! > corr[best]!) best = i;
    } else {
      for (let dy = -near; dy <= near; dy++)
        for (let dx = -near; dx <= near; dx++) {
          const i = ((dy + S) % S) * S + ((dx + S) % S);
          if (corr[i]! > corr[best]!) best = i;
        }
    }
    return { oversample: fold.oversample, dx: best % S, dy: Math.floor(best / S), z: corr[best]! / sd };
  });
}

/** Each unit's evidence: the sum of its cells' residuals over the square root of their pixel count. */
export function readUnits(fold: Fold, a: Alignment): { value: Float64Array; count: Float64Array } {
  const OVERSAMPLE = fold.oversample;
  const S = T * OVERSAMPLE;
  const value = new Float64Array(T * T);
  const count = new Float64Array(T * T);
  for (let ty = 0; ty < T; ty++) {
    for (let tx = 0; tx < T; tx++) {
      let s = 0;
      let n = 0;
      for (let dy = 0; dy < OVERSAMPLE; dy++) {
        for (let dx = 0; dx < OVERSAMPLE; dx++) {
          const cy = (ty * OVERSAMPLE + dy + a.dy) % S;
          const cx = (tx * OVERSAMPLE + dx + a.dx) % S;
          s += fold.sum[cy * S + cx]!;
          n += fold.count[cy * S + cx]!;
        }
      }
      value[ty * T + tx] = n > 0 ? s / Math.sqrt(n) : 0;
      count[ty * T + tx] = n;
    }
  }
  return { value, count };
}
