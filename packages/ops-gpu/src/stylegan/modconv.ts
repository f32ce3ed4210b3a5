/**
 * Modulated convolution, non-fused: scale activations by the styles, convolve with the static
 * weight, scale by the demodulation coefficients. Any batch size works with one model.
 *   styles s = A(w)                                   [B, Ci]
 *   d[b,o]   = rsqrt(Σ_i s[b,i]² · Σ_k W[o,i,k]² + 1e-8)   [B, Co]   (a MatMul)
 */
import type { GraphBuilder, Value } from '../onnx/index.js';
import { fullyConnected } from './layers.js';
import { firAfterUp } from './resample.js';
import type { Weights } from './weights.js';

export interface ModConvSpec {
  /** State-dict prefix, e.g. `synthesis.b8.conv0`. */
  readonly name: string;
  readonly inChannels: number;
  readonly outChannels: number;
  readonly kernel: 1 | 3;
  readonly wDim: number;
  readonly up: boolean;
  readonly demodulate: boolean;
  /** Extra factor on the styles (ToRGB: 1/√(Ci·k²)). */
  readonly styleGain: number;
}

const toNCHW = (b: GraphBuilder, v: Value) => b.unsqueeze(v, [2, 3]); // [B, C] → [B, C, 1, 1]

/** The affine style of a layer from its w: `[B, wDim]` → `[B, Ci]`. */
export function styles(b: GraphBuilder, w: Weights, spec: ModConvSpec, wRow: Value): Value {
  const s = fullyConnected(b, w, `${spec.name}.affine`, wRow, spec.wDim, spec.inChannels, { activation: 'linear' });
  return spec.styleGain === 1 ? s : b.mul(s, spec.styleGain);
}

/** `x [B, Ci, H, W]` → `[B, Co, H', W']` (H' = 2H when `up`), before noise, bias and activation. */
export function modulatedConv(b: GraphBuilder, w: Weights, spec: ModConvSpec, x: Value, s: Value): Value {
  const { inChannels: ci, outChannels: co, kernel: k } = spec;
  const shape = [co, ci, k, k] as const;
  const xs = b.mul(x, toNCHW(b, s)); // [B, Ci, H, W]
  let y: Value;
  if (spec.up) {
    // Transposed conv, stride 2, kernel not flipped → [B, Co, 2H+1, 2W+1]; then pad 1 + FIR.
    const wt = w.swapInOut(`${spec.name}.weight`, shape); // [Ci, Co, k, k]
    y = firAfterUp(b, b.convTranspose(xs, wt, undefined, { strides: [2, 2] }), co); // [B, Co, 2H, 2W]
  } else {
    const p = (k - 1) / 2;
    y = b.conv(xs, w.value(`${spec.name}.weight`, shape), undefined, { pads: [p, p, p, p] }); // [B, Co, H, W]
  }
  if (!spec.demodulate) return y;
  const wsq = w.squaredSumT(`${spec.name}.weight`, shape); // [Ci, Co]
  const d = b.reciprocal(b.sqrt(b.add(b.matmul(b.mul(s, s), wsq), 1e-8))); // [B, Co]
  return b.mul(y, toNCHW(b, d));
}
