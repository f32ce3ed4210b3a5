/**
 * Gradients of N-d grouped, strided, dilated, padded convolutions:
 * - Conv → input via ConvTranspose with the same weight (output padding restores the size),
 * - ConvTranspose → input via Conv with the same weight,
 * - weights of either via a grouped Conv that correlates inputs with output gradients
 *   (batch folded into channels, strides and dilations swapped), cropped to the kernel size,
 * - bias: sum over batch and spatial axes.
 */
import type { GraphBuilder } from '../onnx/builder.js';
import type { Dim } from '../onnx/dims.js';
import type { Value } from '../onnx/graph.js';
import { convGeometry, type ConvGeometry, type ConvTransposeAttrs } from '../onnx/ops/linear.js';

export const geometryOf = (x: Value, attrs: ConvTransposeAttrs): ConvGeometry => convGeometry(attrs, x.rank - 2);

/** dL/dx of y = Conv(x, w): x [N, C, *S], w [M, C/g, *K], dy [N, M, *So] → [N, C, *S]. */
export function convInputGrad(b: GraphBuilder, dy: Value, w: Value, x: Value, g: ConvGeometry): Value {
  const n = x.rank - 2;
  const outputPadding = Array.from({ length: n }, (_, i) => {
    const span = ((w.shape[i + 2] as number) - 1) * (g.dilations[i] as number) + 1;
    const covered = ((dy.shape[i + 2] as number) - 1) * (g.strides[i] as number) + span - (g.pads[i] as number) - (g.pads[i + n] as number);
    return (x.shape[i + 2] as number) - covered; // input rows the strided windows never reached
  });
  return b.convTranspose(dy, w, undefined, { ...g, outputPadding });
}

/** dL/dx of y = ConvTranspose(x, w): x [N, C, *S], w [C, M/g, *K], dy [N, M, *So] → [N, C, *S]. */
export function convTransposeInputGrad(b: GraphBuilder, dy: Value, w: Value, g: ConvGeometry): Value {
  return b.conv(dy, w, undefined, { pads: g.pads, strides: g.strides, dilations: g.dilations, group: g.group });
}

/**
 * Correlates `a` [N, G·ca, *Sa] with `e` [N, G·ce, *Se] per group, summed over the batch:
 * out[G·ce, ca, *K] = Σ_n Σ_t a[n, g·ca + c, t·stride + k·dilation − pad] · e[n, g·ce + o, t].
 * This is dL/dw of Conv(a, w) when e = dy, and of ConvTranspose(e, w) when a = dy (then the
 * result's layout [G·ce, ca, *K] is read as [C, M/g, *K]).
 */
export function correlateGrouped(b: GraphBuilder, a: Value, e: Value, kernel: readonly number[], g: ConvGeometry): Value {
  const n = a.rank - 2;
  const G = g.group;
  const [N, Ca] = a.shape as [Dim, number];
  const Ce = e.shape[1] as number;
  const sp = (v: Value) => v.shape.slice(2);
  const rest = Array.from({ length: n }, (_, i) => i + 3);
  // a: [N, G·ca, *Sa] → [N, G, ca, *Sa] → [ca, G, N, *Sa] → [ca, G·N, *Sa]
  const a5 = b.reshape(a, [N, G, Ca / G, ...sp(a)]);
  const aT = b.reshape(b.transpose(a5, [2, 1, 0, ...rest]), [Ca / G, -1, ...sp(a)]);
  // e: [N, G·ce, *Se] → [N, G, ce, *Se] → [G, ce, N, *Se] → [G·ce, N, *Se]
  const e5 = b.reshape(e, [N, G, Ce / G, ...sp(e)]);
  const eT = b.reshape(b.transpose(e5, [1, 2, 0, ...rest]), [Ce, N, ...sp(e)]);
  // Strides and dilations trade places: kernel offsets step by the dilation, outputs by the stride.
  const full = b.conv(aT, eT, undefined, { pads: g.pads, strides: g.dilations, dilations: g.strides, group: G }); // [ca, G·ce, *K']
  const axes = kernel.map((_, i) => i + 2);
  const cropped = full.shape.slice(2).every((d, i) => d === kernel[i]) ? full : b.slice(full, { starts: axes.map(() => 0), ends: [...kernel], axes }); // [ca, G·ce, *K]
  return b.transpose(cropped, [1, 0, ...axes]); // [G·ce, ca, *K]
}

/** dL/dbias: sum of dy over batch and spatial axes → [M]. */
export const biasGrad = (b: GraphBuilder, dy: Value): Value =>
  b.reduceSum(dy, [0, ...Array.from({ length: dy.rank - 2 }, (_, i) => i + 2)], false);
