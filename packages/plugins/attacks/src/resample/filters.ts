/**
 * PIL's resampling filters (libImaging/Resample.c), the same formulas in the same operation
 * order, each with its support (half-width, in input pixels at scale 1).
 */
import type { ResizeKernel } from '../spec/params.js';

export interface Filter {
  readonly support: number;
  readonly weight: (x: number) => number;
}

const box = (x: number): number => (x > -0.5 && x <= 0.5 ? 1 : 0);

const triangle = (x: number): number => {
  const a = x < 0 ? -x : x;
  return a < 1 ? 1 - a : 0;
};

/** Keys' cubic convolution with a = −0.5. */
const cubic = (x: number): number => {
  const a = -0.5;
  const t = x < 0 ? -x : x;
  if (t < 1) return ((a + 2) * t - (a + 3)) * t * t + 1;
  if (t < 2) return (((t - 5) * t + 8) * t - 4) * a;
  return 0;
};

const sinc = (x: number): number => {
  if (x === 0) return 1;
  const px = x * Math.PI;
  return Math.sin(px) / px;
};

/** sinc windowed by sinc, three lobes. */
const lanczos3 = (x: number): number => (-3 <= x && x < 3 ? sinc(x) * sinc(x / 3) : 0);

/** The separable filters; nearest is not one (it is PIL's affine nearest-neighbour scaling). */
export const FILTERS: Readonly<Record<Exclude<ResizeKernel, 'nearest'>, Filter>> = {
  area: { support: 0.5, weight: box },
  bilinear: { support: 1, weight: triangle },
  bicubic: { support: 2, weight: cubic },
  lanczos3: { support: 3, weight: lanczos3 },
};
