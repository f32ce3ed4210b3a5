/**
 * The gradient table: one vector-Jacobian product per primitive, in one place. Broadcast
 * operands get their gradients summed back to their own shapes. Ops with boolean or index
 * outputs are marked non-differentiable; Sign's derivative is zero wherever it exists.
 */
import { normAxis } from '../onnx/dims.js';
import { reduceAxes } from '../onnx/ops/reduce.js';
import type { Value } from '../onnx/graph.js';
import { biasGrad, convInputGrad, convTransposeInputGrad, correlateGrouped, geometryOf } from './conv-grad.js';
import { expandReduced, fill, reducedCount, swapLast, unbroadcast } from './helpers.js';
import { concatGrad, gatherGrad, padGrad, sliceGrad, tileGrad } from './index-grad.js';
import { nondiff, type GradTable } from './rule.js';

const v = (x: Value | undefined): Value => x as Value; // inputs a rule reads are present by arity
const noFail = (m: string): never => {
  throw new Error(m);
};
const BOOL = nondiff('its output is boolean');

export const GRAD_RULES: GradTable = {
  Identity: ({ dy }) => [dy],
  Neg: ({ b, dy }) => [b.neg(dy)],
  Abs: ({ b, x: [a], dy }) => [b.mul(dy, b.sign(v(a)))],
  Sign: () => [undefined], // piecewise constant
  Sqrt: ({ b, y, dy }) => [b.div(b.mul(dy, 0.5), y)],
  Reciprocal: ({ b, y, dy }) => [b.neg(b.mul(dy, b.mul(y, y)))],
  Exp: ({ b, y, dy }) => [b.mul(dy, y)],
  Log: ({ b, x: [a], dy }) => [b.div(dy, v(a))],
  Sigmoid: ({ b, y, dy }) => [b.mul(dy, b.mul(y, b.sub(1, y)))],
  Tanh: ({ b, y, dy }) => [b.mul(dy, b.sub(1, b.mul(y, y)))],
  Sin: ({ b, x: [a], dy }) => [b.mul(dy, b.cos(v(a)))],
  Cos: ({ b, x: [a], dy }) => [b.neg(b.mul(dy, b.sin(v(a))))],
  Relu: ({ b, x: [a], dy }) => [b.where(b.greater(v(a), 0), dy, 0)],
  LeakyRelu: ({ b, x: [a], dy, attrs }) => [b.where(b.greater(v(a), 0), dy, b.mul(dy, attrs.alpha))],
  Clip: ({ b, x: [a], dy, attrs: { min, max } }) => {
    const lo = min === undefined ? undefined : b.greaterOrEqual(v(a), min);
    const hi = max === undefined ? undefined : b.lessOrEqual(v(a), max);
    const inside = lo && hi ? b.and(lo, hi) : (lo ?? hi);
    return [inside ? b.where(inside, dy, 0) : dy];
  },
  Pow: ({ b, x: [a], dy, attrs: { exponent: p } }) => [
    p === 0 ? undefined : p === 1 ? dy : b.mul(dy, p === 2 ? b.mul(v(a), 2) : b.mul(b.pow(v(a), p - 1), p)),
  ],
  Cast: ({ b, x: [a], dy }) => [b.cast(dy, v(a).dtype)],
  Add: ({ b, x: [p, q], dy }) => [unbroadcast(b, dy, v(p).shape), unbroadcast(b, dy, v(q).shape)],
  Sub: ({ b, x: [p, q], dy, need }) => [unbroadcast(b, dy, v(p).shape), need[1] ? unbroadcast(b, b.neg(dy), v(q).shape) : undefined],
  Mul: ({ b, x: [p, q], dy, need }) => [
    need[0] ? unbroadcast(b, b.mul(dy, v(q)), v(p).shape) : undefined,
    need[1] ? unbroadcast(b, b.mul(dy, v(p)), v(q).shape) : undefined,
  ],
  Div: ({ b, x: [p, q], y, dy, need }) => [
    need[0] ? unbroadcast(b, b.div(dy, v(q)), v(p).shape) : undefined,
    need[1] ? unbroadcast(b, b.neg(b.div(b.mul(dy, y), v(q))), v(q).shape) : undefined,
  ],
  Greater: BOOL,
  GreaterOrEqual: BOOL,
  Less: BOOL,
  LessOrEqual: BOOL,
  Equal: BOOL,
  And: BOOL,
  Not: BOOL,
  Where: ({ b, x: [c, p, q], dy, need }) => [
    undefined,
    need[1] ? unbroadcast(b, b.where(v(c), dy, 0), v(p).shape) : undefined,
    need[2] ? unbroadcast(b, b.where(v(c), 0, dy), v(q).shape) : undefined,
  ],
  MatMul: ({ b, x: [p, q], dy, need }) => [
    need[0] ? unbroadcast(b, b.matmul(dy, swapLast(b, v(q))), v(p).shape) : undefined, // [..., m, k]
    need[1] ? unbroadcast(b, b.matmul(swapLast(b, v(p)), dy), v(q).shape) : undefined, // [..., k, n]
  ],
  Gemm: ({ b, x: [p, q, c], dy, need, attrs: { alpha = 1, beta = 1, transA = false, transB = false } }) => [
    !need[0] ? undefined : transA ? b.gemm(v(q), dy, undefined, { alpha, transA: transB, transB: true }) : b.gemm(dy, v(q), undefined, { alpha, transB: !transB }),
    !need[1] ? undefined : transB ? b.gemm(dy, v(p), undefined, { alpha, transA: true, transB: transA }) : b.gemm(v(p), dy, undefined, { alpha, transA: !transA }),
    need[2] && c ? unbroadcast(b, b.mul(dy, beta), c.shape) : undefined,
  ],
  Conv: ({ b, x: [a, w], dy, need, attrs }) => {
    const g = geometryOf(v(a), attrs);
    return [
      need[0] ? convInputGrad(b, dy, v(w), v(a), g) : undefined,
      need[1] ? correlateGrouped(b, v(a), dy, v(w).shape.slice(2) as number[], g) : undefined,
      need[2] ? biasGrad(b, dy) : undefined,
    ];
  },
  ConvTranspose: ({ b, x: [a, w], dy, need, attrs }) => {
    const g = geometryOf(v(a), attrs);
    return [
      need[0] ? convTransposeInputGrad(b, dy, v(w), g) : undefined,
      need[1] ? correlateGrouped(b, dy, v(a), v(w).shape.slice(2) as number[], g) : undefined,
      need[2] ? biasGrad(b, dy) : undefined,
    ];
  },
  Reshape: ({ b, x: [a], dy }) => [b.reshape(dy, v(a).shape)],
  Transpose: ({ b, dy, attrs: { perm } }) => [b.transpose(dy, perm.map((_, i) => perm.indexOf(i)))],
  Unsqueeze: ({ b, dy, attrs: { axes } }) => [b.squeeze(dy, axes)],
  Squeeze: ({ b, dy, attrs: { axes } }) => [b.unsqueeze(dy, axes)],
  Expand: ({ b, x: [a], dy }) => [unbroadcast(b, dy, v(a).shape)],
  Tile: ({ b, x: [a], dy, attrs: { repeats } }) => [tileGrad(b, dy, v(a), repeats)],
  Concat: ({ b, x, dy, need, attrs: { axis } }) => concatGrad(b, dy, x, axis, need),
  Slice: ({ b, x: [a], dy, attrs }) => [sliceGrad(b, dy, v(a), attrs)],
  Pad: ({ b, dy, attrs }) => [padGrad(b, dy, attrs)],
  Gather: ({ b, x: [a, i], dy, attrs: { axis } }) => [gatherGrad(b, dy, v(a), v(i), axis), undefined],
  GatherElements: ({ b, x: [a, i], dy, attrs: { axis } }) => [
    b.scatterElementsAdd(fill(b, 0, v(a).shape, v(a).dtype), v(i), dy, normAxis(axis, v(a).rank) ?? axis),
    undefined,
  ],
  ScatterElementsAdd: ({ b, x: [, i], dy, need, attrs: { axis } }) => [
    need[0] ? dy : undefined,
    undefined,
    need[2] ? b.gatherElements(dy, v(i), axis) : undefined,
  ],
  ReduceSum: ({ b, x: [a], dy, attrs }) => {
    const axes = reduceAxes(v(a).rank, attrs, noFail);
    return [expandReduced(b, dy, v(a), axes, attrs.keepdims ?? true)];
  },
  ReduceMean: ({ b, x: [a], dy, attrs }) => {
    const axes = reduceAxes(v(a).rank, attrs, noFail);
    return [b.div(expandReduced(b, dy, v(a), axes, attrs.keepdims ?? true), reducedCount(b, v(a), axes))];
  },
};
