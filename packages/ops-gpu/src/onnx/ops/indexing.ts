/**
 * Indexing primitives: Concat, Slice (positive steps), constant Pad (negative pads crop),
 * Gather, GatherElements and ScatterElements with additive reduction.
 */
import { dimAdd, dimEq, isStaticDim, normAxis, shapeString, type Dim, type Shape } from '../dims.js';
import { INDEX_DTYPES } from '../dtype.js';
import { defineOp, dtypeIn, req, sameDtype, type Fail } from './def.js';
import { normAxes } from './layout.js';

export interface AxisAttrs {
  readonly axis: number;
}
export interface SliceAttrs {
  readonly starts: readonly number[];
  readonly ends: readonly number[];
  /** Default: 0, 1, … */
  readonly axes?: readonly number[];
  /** Default: all 1. Steps must be ≥ 1. */
  readonly steps?: readonly number[];
}
export interface PadAttrs {
  /** [begin_0, …, begin_{r-1}, end_0, …, end_{r-1}]; negative values crop. */
  readonly pads: readonly number[];
  /** Fill value; default 0. */
  readonly value?: number;
}

/** One sliced axis with ONNX's clamping applied: elements start, start+step, … (len of them). */
export interface SliceRange {
  readonly axis: number;
  readonly start: number;
  readonly step: number;
  readonly len: number;
  readonly size: number;
}

/** Normalizes Slice attributes against a shape; sliced symbolic axes must be taken whole. */
export function sliceRanges(shape: Shape, a: SliceAttrs, fail: Fail): SliceRange[] {
  const n = a.starts.length;
  const axes = a.axes ?? a.starts.map((_, i) => i);
  const steps = a.steps ?? new Array<number>(n).fill(1);
  if (a.ends.length !== n || axes.length !== n || steps.length !== n) fail('starts, ends, axes and steps must have the same length');
  normAxes(axes, shape.length, fail); // rejects repeated or out-of-range axes
  return axes.map((ax, i) => {
    const axis = normAxis(ax, shape.length) as number;
    const step = steps[i] as number;
    if (!Number.isInteger(step) || step < 1) fail(`step ${step} on axis ${axis} must be a positive integer`);
    const size = shape[axis] as Dim;
    const s0 = a.starts[i] as number;
    const e0 = a.ends[i] as number;
    if (!isStaticDim(size)) {
      if (s0 === 0 && e0 >= 2 ** 31 - 1 && step === 1) return { axis, start: 0, step: 1, len: -1, size: -1 };
      fail(`axis ${axis} has symbolic size ${size}; only the whole axis can be sliced`);
    }
    const clamp = (v: number) => Math.min(Math.max(v < 0 ? v + size : v, 0), size);
    const start = clamp(s0);
    const end = clamp(e0);
    const len = Math.max(0, Math.ceil((end - start) / step));
    if (len === 0) fail(`slice [${s0}:${e0}:${step}] of axis ${axis} (size ${size}) is empty`);
    return { axis, start, step, len, size };
  });
}

export const INDEXING = {
  Concat: defineOp<AxisAttrs>({
    onnx: 'Concat',
    inputs: ['x0', 'x?'],
    variadic: true,
    infer: (ins, a, fail) => {
      const xs = ins.filter((x) => x !== undefined);
      const first = req(xs, 0, fail);
      const dtype = sameDtype(fail, ...xs);
      const rank = first.shape.length;
      const axis = normAxis(a.axis, rank) ?? fail(`axis ${a.axis} is out of range for rank ${rank}`);
      let total: Dim = 0;
      for (const x of xs) {
        if (x.shape.length !== rank || x.shape.some((d, i) => i !== axis && !dimEq(d, first.shape[i] as Dim))) {
          fail(`shapes differ outside axis ${axis}`);
        }
        total = dimAdd(total, x.shape[axis] as Dim) ?? fail(`cannot add sizes ${total} and ${x.shape[axis]} on axis ${axis}`);
      }
      return [{ dtype, shape: first.shape.map((d, i) => (i === axis ? total : d)) }];
    },
    encode: (a) => ({ attributes: { axis: { int: a.axis } } }),
  }),
  Slice: defineOp<SliceAttrs>({
    onnx: 'Slice',
    inputs: ['x'],
    infer: (ins, a, fail) => {
      const x = req(ins, 0, fail);
      const shape: Dim[] = [...x.shape];
      for (const r of sliceRanges(x.shape, a, fail)) if (r.len >= 0) shape[r.axis] = r.len;
      return [{ dtype: x.dtype, shape }];
    },
    encode: (a) => {
      const n = a.starts.length;
      return {
        extraInputs: [
          { kind: 'int64s', values: a.starts },
          { kind: 'int64s', values: a.ends.map((e) => Math.min(e, 2 ** 53 - 1)) },
          { kind: 'int64s', values: a.axes ?? a.starts.map((_, i) => i) },
          { kind: 'int64s', values: a.steps ?? new Array<number>(n).fill(1) },
        ],
      };
    },
  }),
  Pad: defineOp<PadAttrs>({
    onnx: 'Pad',
    inputs: ['x'],
    infer: (ins, a, fail) => {
      const x = req(ins, 0, fail);
      const r = x.shape.length;
      if (a.pads.length !== 2 * r || a.pads.some((p) => !Number.isInteger(p))) fail(`pads must be ${2 * r} integers, got [${a.pads.join(', ')}]`);
      const shape = x.shape.map((d, i) => {
        const add = (a.pads[i] as number) + (a.pads[i + r] as number);
        if (add === 0) return d;
        if (!isStaticDim(d)) return fail(`axis ${i} has symbolic size ${d} and cannot be padded`);
        if (d + add < 1) fail(`padding axis ${i} (size ${d}) by ${add} leaves nothing`);
        return d + add;
      });
      return [{ dtype: x.dtype, shape }];
    },
    encode: (a, ins) => ({
      attributes: { mode: { string: 'constant' } },
      extraInputs: [
        { kind: 'int64s', values: a.pads },
        { kind: 'scalar', value: a.value ?? 0, dtype: ins[0]?.dtype ?? 'float32' },
      ],
    }),
  }),
  Gather: defineOp<AxisAttrs>({
    onnx: 'Gather',
    inputs: ['data', 'indices'],
    infer: (ins, a, fail) => {
      const x = req(ins, 0, fail);
      const idx = req(ins, 1, fail);
      dtypeIn(fail, idx, INDEX_DTYPES, 'indices');
      const axis = normAxis(a.axis, x.shape.length) ?? fail(`axis ${a.axis} is out of range for ${shapeString(x.shape)}`);
      return [{ dtype: x.dtype, shape: [...x.shape.slice(0, axis), ...idx.shape, ...x.shape.slice(axis + 1)] }];
    },
    encode: (a) => ({ attributes: { axis: { int: a.axis } } }),
  }),
  GatherElements: defineOp<AxisAttrs>({
    onnx: 'GatherElements',
    inputs: ['data', 'indices'],
    infer: (ins, a, fail) => {
      const x = req(ins, 0, fail);
      const idx = req(ins, 1, fail);
      dtypeIn(fail, idx, INDEX_DTYPES, 'indices');
      if (idx.shape.length !== x.shape.length) fail('indices must have the rank of data');
      if (normAxis(a.axis, x.shape.length) === undefined) fail(`axis ${a.axis} is out of range`);
      return [{ dtype: x.dtype, shape: idx.shape }];
    },
    encode: (a) => ({ attributes: { axis: { int: a.axis } } }),
  }),
  ScatterElementsAdd: defineOp<AxisAttrs>({
    onnx: 'ScatterElements',
    inputs: ['data', 'indices', 'updates'],
    infer: (ins, a, fail) => {
      const x = req(ins, 0, fail);
      const idx = req(ins, 1, fail);
      const upd = req(ins, 2, fail);
      dtypeIn(fail, idx, INDEX_DTYPES, 'indices');
      sameDtype(fail, x, upd);
      if (idx.shape.length !== x.shape.length || idx.shape.some((d, i) => !dimEq(d, upd.shape[i] as Dim)) || upd.shape.length !== idx.shape.length) {
        fail('indices and updates must have one shape, of the rank of data');
      }
      if (normAxis(a.axis, x.shape.length) === undefined) fail(`axis ${a.axis} is out of range`);
      return [{ dtype: x.dtype, shape: x.shape }];
    },
    encode: (a) => ({ attributes: { axis: { int: a.axis }, reduction: { string: 'add' } } }),
  }),
} as const;
