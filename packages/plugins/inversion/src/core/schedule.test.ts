/** NVIDIA projector's schedule at the points its formulas make easy to state by hand. */
import { describe, expect, it } from 'vitest';
import { learningRate, NVIDIA_SCHEDULE as S, wNoiseScale } from './schedule.js';

describe('the projector schedule', () => {
  it('learning rate: 5 % linear ramp-up, flat, 25 % half-cosine ramp-down', () => {
    expect(learningRate(S, 0, 1000)).toBe(0);
    expect(learningRate(S, 25, 1000)).toBeCloseTo(0.05, 12);
    expect(learningRate(S, 50, 1000)).toBeCloseTo(0.1, 12);
    expect(learningRate(S, 500, 1000)).toBeCloseTo(0.1, 12);
    expect(learningRate(S, 750, 1000)).toBeCloseTo(0.1, 12);
    expect(learningRate(S, 875, 1000)).toBeCloseTo(0.05, 12); // (1 − cos(π/2)) / 2
    expect(learningRate(S, 1000 - 1, 1000)).toBeCloseTo(0.1 * (0.5 - 0.5 * Math.cos((0.001 / 0.25) * Math.PI)), 12);
  });

  it('w noise: 0.05 · w_std fading quadratically to 0 at 75 %', () => {
    expect(wNoiseScale(S, 0, 1000, 8)).toBeCloseTo(0.4, 12);
    expect(wNoiseScale(S, 375, 1000, 8)).toBeCloseTo(0.1, 12); // (1 − 0.5)²
    expect(wNoiseScale(S, 750, 1000, 8)).toBe(0);
    expect(wNoiseScale(S, 900, 1000, 8)).toBe(0);
  });
});
