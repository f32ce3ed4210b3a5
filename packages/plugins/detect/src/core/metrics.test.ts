import { describe, expect, it } from 'vitest';
import { Xoshiro128ss } from '@stylegraph/plugin-attacks';
import { calibrate, judge } from './calibration.js';
import { averagePrecision, expectedCalibrationError, fitPlatt, sigmoid, thresholdAtFpr, tprAtFpr } from './metrics.js';

describe('calibration and metrics', () => {
  it('Platt scaling recovers the a, b that generated the labels (round trip)', () => {
    const rng = new Xoshiro128ss(3);
    const s: number[] = [];
    const y: number[] = [];
    for (let i = 0; i < 20000; i++) {
      const v = 6 * rng.uniform() - 3;
      s.push(v);
      y.push(rng.uniform() < sigmoid(2.5 * v - 0.7) ? 1 : 0);
    }
    const { a, b } = fitPlatt(s, y);
    // Standard errors at N = 20 000 are ≈ 0.04 (a) and 0.025 (b): 3σ bounds.
    expect(Math.abs(a - 2.5)).toBeLessThan(0.12);
    expect(Math.abs(b + 0.7)).toBeLessThan(0.08);
    // Any affine rescaling of the scores gives the same probabilities (it converges from any scale).
    const big = fitPlatt(s.map((v) => 1000 * v + 5000), y);
    expect(Math.abs(big.a * 1000 - a)).toBeLessThan(1e-6);
    expect(Math.abs(big.a * 5000 + big.b - b) + 1e-12).toBeLessThan(1e-5);
    // Calibrated probabilities have a small ECE; a miscalibrated (doubled) slope does not.
    expect(expectedCalibrationError(s.map((v) => sigmoid(a * v + b)), y)).toBeLessThan(0.02);
    expect(expectedCalibrationError(s.map((v) => sigmoid(5 * v - 0.7)), y)).toBeGreaterThan(0.04);
  });

  it('threshold at an FPR: at most ⌊fpr·N⌋ real scores lie above it', () => {
    const real = [5, 1, 4, 2, 3, 9, 8, 7, 6, 0]; // 10 scores
    expect(thresholdAtFpr(real, 0)).toBe(9);
    expect(thresholdAtFpr(real, 0.1)).toBe(8);
    expect(thresholdAtFpr(real, 0.25)).toBe(7);
    expect(thresholdAtFpr(real, 1)).toBe(0);
    expect(tprAtFpr(real, [8.5, 9.5, 7.5, 1], 0.1)).toBe(0.5);
  });

  it('average precision of a hand-worked ranking', () => {
    // Ranked: +, −, +, −, + → precisions at positives 1, 2/3, 3/5.
    expect(averagePrecision([0.9, 0.8, 0.7, 0.6, 0.5], [1, 0, 1, 0, 1])).toBeCloseTo((1 + 2 / 3 + 3 / 5) / 3, 12);
    expect(averagePrecision([3, 2, 1], [1, 1, 0])).toBe(1);
    expect(averagePrecision([1, 2, 3], [1, 1, 0])).toBeCloseTo((1 / 2 + 2 / 3) / 2, 12);
  });

  it('ECE of hand-worked bins', () => {
    // Two bins: p 0.1 ×2 (labels 0, 1) → |0.1 − 0.5|; p 0.9 ×2 (1, 1) → |0.9 − 1|.
    expect(expectedCalibrationError([0.1, 0.1, 0.9, 0.9], [0, 1, 1, 1])).toBeCloseTo(0.5 * 0.4 + 0.5 * 0.1, 12);
  });

  it('judge: p-value against the real scores, the flag at the threshold, the Platt probability', () => {
    const real = Array.from({ length: 99 }, (_, i) => i); // 0 … 98
    const cal = calibrate(real, Array.from({ length: 50 }, (_, i) => 100 + i));
    const j = judge(cal, 97.5, 0.01);
    expect(j.pValue).toBeCloseTo(2 / 100, 12); // 98 is ≥ 97.5: (1 + 1) / (1 + 99)
    expect(j.threshold).toBe(98); // ⌊0.01·99⌋ = 0 reals may lie above
    expect(j.synthetic).toBe(0);
    expect(judge(cal, 98.5, 0.01).synthetic).toBe(1);
    expect(judge(cal, 98.5, 0.01).pValue).toBeCloseTo(1 / 100, 12);
    expect(judge(cal, 150, 0.01).probability).toBeGreaterThan(0.99);
    expect(judge(cal, 10, 0.01).probability).toBeLessThan(0.01);
    expect(judge(calibrate(real), 50, 0.05).probability).toBeUndefined();
    expect(() => calibrate([1, 2, 3])).toThrow(/at least 20 real images/);
  });

  it('Platt: at the fit the log-loss gradient vanishes (an imbalanced, overlapping set), and bad input is refused', () => {
    const s = [-2, -1.5, -1, -0.5, 0, 0.2, 0.4, 0.9, 1.3, 2.2, 3, -0.3, 0.1, 1.1];
    const y = [0, 0, 0, 1, 0, 0, 1, 0, 1, 1, 1, 0, 0, 1];
    const { a, b } = fitPlatt(s, y);
    let ga = 0;
    let gb = 0;
    s.forEach((v, i) => {
      const r = sigmoid(a * v + b) - y[i]!;
      ga += r * v;
      gb += r;
    });
    // Up to the tiny ridge on a (1e-6 per image on the standardized slope).
    expect(Math.abs(ga) + Math.abs(gb)).toBeLessThan(1e-4);
    expect(a).toBeGreaterThan(0);
    expect(() => fitPlatt([], [])).toThrow(/fitPlatt: 0 scores and 0 labels/);
    expect(() => fitPlatt([1, 2], [1])).toThrow(/2 scores and 1 labels/);
    expect(() => thresholdAtFpr([], 0.01)).toThrow(/no real scores/);
  });

  it('ECE puts probability 1 in the last bin; TPR counts only scores above the threshold', () => {
    expect(expectedCalibrationError([1, 1, 0, 0], [1, 1, 0, 0])).toBe(0);
    expect(expectedCalibrationError([1, 0.99, 0.02], [1, 0, 0])).toBeCloseTo((2 / 3) * Math.abs(0.995 - 0.5) + (1 / 3) * 0.02, 12);
    expect(tprAtFpr([0, 1, 2, 3], [3, 3, 4], 0)).toBeCloseTo(1 / 3, 12); // 3 equals the threshold: not above it
  });
});
