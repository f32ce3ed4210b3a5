/**
 * The projector's schedule (NVIDIA's projector.py): at t = step / steps, the learning rate
 * ramps up over the first 5 % and down along a half cosine over the last 25 %, and the noise
 * added to w (exploration) starts at 0.05 · w_std and fades quadratically to zero at 75 %.
 */
export interface Schedule {
  /** Peak learning rate (0.1). */
  readonly lr: number;
  /** Fraction of the steps over which the learning rate ramps up (0.05). */
  readonly rampUp: number;
  /** Fraction of the steps over which it ramps down (0.25). */
  readonly rampDown: number;
  /** Initial w noise in units of w_std (0.05). */
  readonly noiseFactor: number;
  /** Fraction of the steps after which the w noise is zero (0.75). */
  readonly noiseRamp: number;
}

export const NVIDIA_SCHEDULE: Schedule = { lr: 0.1, rampUp: 0.05, rampDown: 0.25, noiseFactor: 0.05, noiseRamp: 0.75 };

/** Learning rate at step `step` of `steps`. */
export function learningRate(s: Schedule, step: number, steps: number): number {
  const t = step / steps;
  let ramp = Math.min(1, (1 - t) / s.rampDown);
  ramp = 0.5 - 0.5 * Math.cos(ramp * Math.PI);
  ramp *= Math.min(1, t / s.rampUp);
  return s.lr * ramp;
}

/** Standard deviation of the noise added to w at step `step` of `steps`, given w_std. */
export function wNoiseScale(s: Schedule, step: number, steps: number, wStd: number): number {
  const t = step / steps;
  return wStd * s.noiseFactor * Math.max(0, 1 - t / s.noiseRamp) ** 2;
}
