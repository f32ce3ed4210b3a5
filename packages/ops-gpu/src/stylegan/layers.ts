/**
 * The layers StyleGAN2 is built from, composed from primitives only: equalized-lr fully
 * connected layers, 2nd-moment normalization, bias + leaky ReLU with gain + clamp.
 */
import type { GraphBuilder, Value } from '../onnx/index.js';
import type { Weights } from './weights.js';

export const SQRT2 = Math.SQRT2;

/** `lrelu(x, 0.2) · gain`, then clamp to ±clamp when set. */
export function lreluGainClamp(b: GraphBuilder, x: Value, gain: number, clamp: number | null): Value {
  let y = b.mul(b.leakyRelu(x, 0.2), gain);
  if (clamp !== null) y = b.clip(y, { min: -clamp, max: clamp });
  return y;
}

/** `x · rsqrt(mean(x², axis 1) + 1e-8)` for `x [B, N]`. */
export function normalize2ndMoment(b: GraphBuilder, x: Value): Value {
  const meanSq = b.reduceMean(b.mul(x, x), [1], true); // [B, 1]
  return b.mul(x, b.reciprocal(b.sqrt(b.add(meanSq, 1e-8))));
}

export interface FcOptions {
  readonly lrMultiplier?: number;
  readonly activation: 'linear' | 'lrelu';
}

/**
 * Fully connected layer `name` (`weight [out, in]`, `bias [out]`):
 * `y = x · (weight · m/√in)ᵀ + bias · m`, then lrelu·√2 when asked.
 */
export function fullyConnected(b: GraphBuilder, w: Weights, name: string, x: Value, inF: number, outF: number, opts: FcOptions): Value {
  const m = opts.lrMultiplier ?? 1;
  const weight = w.transposed(`${name}.weight`, m / Math.sqrt(inF), [outF, inF]); // [in, out]
  const bias = w.scaled(`${name}.bias`, m, [outF]); // [out]
  const y = b.add(b.matmul(x, weight), bias); // [B, out]
  return opts.activation === 'lrelu' ? lreluGainClamp(b, y, SQRT2, null) : y;
}
