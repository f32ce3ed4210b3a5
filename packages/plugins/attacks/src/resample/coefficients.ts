/**
 * Resampling weights along one axis, as PIL computes them (precompute_coeffs and
 * normalize_coeffs_8bpc): output pixel i is centred on input coordinate (i + 0.5)·in/out; when
 * shrinking, the filter is stretched by in/out (antialiasing); each pixel's weights are
 * normalised to sum 1, then made 22-bit fixed point, rounded half away from zero.
 */
import type { Filter } from './filters.js';

/** Fixed-point fraction bits of the weights: 32 − 8 − 2, as PIL. */
export const PRECISION_BITS = 22;
const ONE = 2 ** PRECISION_BITS;

export interface AxisWeights {
  /** Weights per output pixel (`taps` of them, zero-padded). */
  readonly taps: number;
  /** `[out]`: first input pixel of each output pixel. */
  readonly first: Int32Array;
  /** `[out]`: how many input pixels it reads. */
  readonly count: Int32Array;
  /** `[out, taps]`: fixed-point weights. */
  readonly weights: Int32Array;
}

export function axisWeights(inSize: number, outSize: number, filter: Filter): AxisWeights {
  const scale = inSize / outSize;
  const filterScale = Math.max(scale, 1);
  const support = filter.support * filterScale;
  const taps = Math.ceil(support) * 2 + 1;
  const first = new Int32Array(outSize);
  const count = new Int32Array(outSize);
  const weights = new Int32Array(outSize * taps); // [out, taps]
  const w = new Float64Array(taps);
  const ss = 1 / filterScale;
  for (let o = 0; o < outSize; o++) {
    const center = (o + 0.5) * scale;
    const lo = Math.max(0, Math.trunc(center - support + 0.5));
    const hi = Math.min(inSize, Math.trunc(center + support + 0.5));
    let sum = 0;
    for (let i = 0; i < hi - lo; i++) {
      w[i] = filter.weight((i + lo - center + 0.5) * ss);
      sum += w[i]!;
    }
    for (let i = 0; i < hi - lo; i++) {
      const k = sum !== 0 ? w[i]! / sum : w[i]!;
      weights[o * taps + i] = k < 0 ? Math.trunc(-0.5 + k * ONE) : Math.trunc(0.5 + k * ONE);
    }
    first[o] = lo;
    count[o] = hi - lo;
  }
  return { taps, first, count, weights };
}
