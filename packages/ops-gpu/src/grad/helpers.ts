/**
 * Building blocks shared by gradient rules: undoing broadcasting, constant fills, the
 * last-two-axes transpose, and the derivative of reductions.
 */
import type { GraphBuilder } from '../onnx/builder.js';
import { isStaticDim, numel, shapeEq, type Dim, type Shape } from '../onnx/dims.js';
import type { DType } from '../onnx/dtype.js';
import type { Value } from '../onnx/graph.js';

/** Sums `grad` over the axes that broadcasting added or stretched, giving `target`'s shape. */
export function unbroadcast(b: GraphBuilder, grad: Value, target: Shape): Value {
  if (shapeEq(grad.shape, target)) return grad;
  const lead = grad.rank - target.length;
  const axes: number[] = [];
  grad.shape.forEach((d, i) => {
    if (i < lead || (target[i - lead] === 1 && d !== 1)) axes.push(i);
  });
  let r = axes.length ? b.reduceSum(grad, axes, true) : grad; // [1…, target…]
  if (lead > 0) r = b.squeeze(r, Array.from({ length: lead }, (_, i) => i)); // target
  return r;
}

/** A tensor of `shape` filled with `value`. */
export const fill = (b: GraphBuilder, value: number, shape: Shape, dtype: DType): Value => b.expand(b.scalar(value, dtype), shape);

/** Swaps the last two axes: [..., m, n] → [..., n, m]. */
export function swapLast(b: GraphBuilder, x: Value): Value {
  const perm = Array.from({ length: x.rank }, (_, i) => i);
  perm[x.rank - 2] = x.rank - 1;
  perm[x.rank - 1] = x.rank - 2;
  return b.transpose(x, perm);
}

/** Spreads the gradient of a reduction back over the reduced axes of `x`. */
export function expandReduced(b: GraphBuilder, dy: Value, x: Value, axes: readonly number[], keepdims: boolean): Value {
  const kept = keepdims ? dy : b.unsqueeze(dy, axes); // x's rank, 1 on reduced axes
  return b.expand(kept, x.shape); // x.shape
}

/** Number of elements a mean over `axes` of `x` averages, as a scalar value (static or computed). */
export function reducedCount(b: GraphBuilder, x: Value, axes: readonly number[]): Value {
  const dims: Dim[] = axes.map((a) => x.shape[a] as Dim);
  const n = numel(dims);
  if (isStaticDim(n)) return b.scalar(n, x);
  const ones = fill(b, 1, x.shape, x.dtype); // x.shape
  return b.reduceSum(ones, axes, true); // 1 on reduced axes
}
