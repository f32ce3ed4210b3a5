/**
 * A detector's calibration: the scores of real images it was calibrated on (sorted), from which
 * the threshold for any false-positive rate and each score's p-value follow, and optionally a
 * Platt fit (on real and generated images) that turns scores into probabilities.
 */
import { fitPlatt, sigmoid, thresholdAtFpr } from './metrics.js';

export interface Calibration {
  /** Scores of the real calibration images, ascending. */
  readonly realScores: Float64Array;
  readonly platt?: { readonly a: number; readonly b: number };
}

/** What a calibrated detector says about one score at a false-positive rate. */
export interface Judgement {
  /** P(generated | score) from the Platt fit; absent without one. */
  readonly probability?: number;
  /** (1 + #real calibration scores ≥ score) / (1 + #real): the chance a real image scores this high. */
  readonly pValue: number;
  /** 1 when the score is above the threshold fixed on real images at `fpr`. */
  readonly synthetic: 0 | 1;
  readonly threshold: number;
}

export function calibrate(real: ArrayLike<number>, generated?: ArrayLike<number>): Calibration {
  if (real.length < 20) throw new Error(`calibration needs at least 20 real images (got ${real.length})`);
  const realScores = Float64Array.from(real).sort();
  if (!generated?.length) return { realScores };
  const s = [...Array.from(real), ...Array.from(generated)];
  const y = [...Array.from(real, () => 0), ...Array.from(generated, () => 1)];
  return { realScores, platt: fitPlatt(s, y) };
}

/** The number of real scores ≥ s (binary search on the ascending scores). */
function countAtLeast(sorted: Float64Array, s: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid]! < s) lo = mid + 1;
    else hi = mid;
  }
  return sorted.length - lo;
}

export function judge(cal: Calibration, score: number, fpr: number, threshold = thresholdAtFpr(cal.realScores, fpr)): Judgement {
  const n = cal.realScores.length;
  return {
    ...(cal.platt && { probability: sigmoid(cal.platt.a * score + cal.platt.b) }),
    pValue: (1 + countAtLeast(cal.realScores, score)) / (1 + n),
    synthetic: score > threshold ? 1 : 0,
    threshold,
  };
}
