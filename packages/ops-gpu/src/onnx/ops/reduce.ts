/**
 * Reductions over listed axes: ReduceSum and ReduceMean, with or without kept dims.
 * Axes are written as ReduceSum's input (opset ≥ 13) and ReduceMean's attribute (opset 17).
 */
import type { Dim } from '../dims.js';
import { FLOAT_DTYPES, type DType } from '../dtype.js';
import { defineOp, dtypeIn, req, type Fail, type ValueInfo } from './def.js';
import { normAxes } from './layout.js';

export interface ReduceAttrs {
  /** Axes to reduce; default: all. */
  readonly axes?: readonly number[];
  /** Keep reduced axes as size 1; default true (as in ONNX). */
  readonly keepdims?: boolean;
}

/** The reduced axes, sorted and non-negative. */
export function reduceAxes(rank: number, a: ReduceAttrs, fail: Fail): number[] {
  if (a.axes === undefined) return Array.from({ length: rank }, (_, i) => i);
  if (a.axes.length === 0) fail('axes must not be empty (omit them to reduce over every axis)');
  return normAxes(a.axes, rank, fail);
}

const infer = (dtypes: readonly DType[]) => (ins: readonly (ValueInfo | undefined)[], a: ReduceAttrs, fail: Fail) => {
  const x = req(ins, 0, fail);
  dtypeIn(fail, x, dtypes, 'x');
  const axes = reduceAxes(x.shape.length, a, fail);
  const keep = a.keepdims ?? true;
  const shape: Dim[] = [];
  x.shape.forEach((d, i) => {
    if (!axes.includes(i)) shape.push(d);
    else if (keep) shape.push(1);
  });
  return [{ dtype: x.dtype, shape }];
};

const allAxes = (a: ReduceAttrs, ins: readonly (ValueInfo | undefined)[]) =>
  a.axes ?? Array.from({ length: ins[0]?.shape.length ?? 0 }, (_, i) => i);

export const REDUCE = {
  ReduceSum: defineOp<ReduceAttrs>({
    onnx: 'ReduceSum',
    inputs: ['x'],
    infer: infer(['float32', 'float64', 'int32', 'int64']),
    encode: (a, ins) => ({
      attributes: { keepdims: { int: (a.keepdims ?? true) ? 1 : 0 } },
      extraInputs: [{ kind: 'int64s', values: allAxes(a, ins) }],
    }),
  }),
  ReduceMean: defineOp<ReduceAttrs>({
    onnx: 'ReduceMean',
    inputs: ['x'],
    infer: infer(FLOAT_DTYPES),
    encode: (a, ins) => ({ attributes: { keepdims: { int: (a.keepdims ?? true) ? 1 : 0 }, axes: { ints: allAxes(a, ins) } } }),
  }),
} as const;
