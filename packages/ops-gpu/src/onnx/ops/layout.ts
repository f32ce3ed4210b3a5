/**
 * Layout primitives that move or replicate elements without arithmetic: Reshape, Transpose,
 * Unsqueeze, Squeeze, Expand and Tile. Target shapes may contain symbolic dims; they are
 * written as constants when ONNX's 0/-1 conventions can express them, else computed at run
 * time from the graph inputs that bind the symbols.
 */
import { broadcastShapes, dimDiv, dimEq, dimMul, normAxis, normDim, numel, shapeString, type Dim, type Shape } from '../dims.js';
import { defineOp, req, type ExtraInput, type Fail } from './def.js';

export interface ReshapeAttrs {
  /** Target shape; at most one -1, inferred from the element count. */
  readonly shape: readonly Dim[];
}
export interface TransposeAttrs {
  readonly perm: readonly number[];
}
export interface AxesAttrs {
  readonly axes: readonly number[];
}
export interface ExpandAttrs {
  /** Target shape, broadcast with the input's shape. */
  readonly shape: readonly Dim[];
}
export interface TileAttrs {
  readonly repeats: readonly number[];
}

/** Resolves a reshape target (with an optional -1) against an input shape, or explains why not. */
export function resolveReshape(input: Shape, target: readonly Dim[]): Dim[] | string {
  const holes = target.filter((d) => d === -1).length;
  if (holes > 1) return 'target has more than one -1';
  let known: Dim = 1;
  for (const d of target) {
    if (d === -1) continue;
    try {
      known = dimMul(known, normDim(d));
    } catch (e) {
      return (e as Error).message;
    }
  }
  const total = numel(input);
  if (holes === 0) return dimEq(total, known) ? target.map(normDim) : `cannot reshape ${shapeString(input)} (${total} elements) to ${shapeString(target)}`;
  const inferred = dimDiv(total, known);
  if (inferred === undefined) return `cannot infer -1 in ${shapeString(target)} from ${shapeString(input)}`;
  return target.map((d) => (d === -1 ? inferred : normDim(d)));
}

/** Reshape's shape input: constants with 0 (copy) / -1 (infer) where possible, else run-time dims. */
function reshapeShapeInput(input: Shape, out: readonly Dim[]): ExtraInput {
  const enc: number[] = [];
  let free = 0;
  for (const [i, d] of out.entries()) {
    if (typeof d === 'number') enc.push(d);
    else if (i < input.length && dimEq(input[i] as Dim, d)) enc.push(0);
    else {
      enc.push(-1);
      free++;
    }
  }
  if (free <= 1 && !out.includes(0)) return { kind: 'int64s', values: enc };
  return { kind: 'shape', dims: out };
}

function checkPerm(perm: readonly number[], rank: number, fail: Fail): void {
  const seen = new Set(perm);
  if (perm.length !== rank || seen.size !== rank || perm.some((p) => !Number.isInteger(p) || p < 0 || p >= rank)) {
    fail(`perm [${perm.join(', ')}] is not a permutation of ${rank} axes`);
  }
}

/** Normalized, sorted, unique axes for a given rank. */
export function normAxes(axes: readonly number[], rank: number, fail: Fail): number[] {
  const out = axes.map((a) => normAxis(a, rank) ?? fail(`axis ${a} is out of range for rank ${rank}`));
  if (new Set(out).size !== out.length) fail(`axes [${axes.join(', ')}] repeat an axis`);
  return out.sort((a, b) => a - b);
}

export const LAYOUT = {
  Reshape: defineOp<ReshapeAttrs>({
    onnx: 'Reshape',
    inputs: ['x'],
    infer: (ins, a, fail) => {
      const x = req(ins, 0, fail);
      const r = resolveReshape(x.shape, a.shape);
      return [{ dtype: x.dtype, shape: typeof r === 'string' ? fail(r) : r }];
    },
    encode: (a, ins) => {
      const input = ins[0]?.shape ?? [];
      const out = resolveReshape(input, a.shape);
      return { extraInputs: [reshapeShapeInput(input, typeof out === 'string' ? [] : out)] };
    },
  }),
  Transpose: defineOp<TransposeAttrs>({
    onnx: 'Transpose',
    inputs: ['x'],
    infer: (ins, a, fail) => {
      const x = req(ins, 0, fail);
      checkPerm(a.perm, x.shape.length, fail);
      return [{ dtype: x.dtype, shape: a.perm.map((p) => x.shape[p] as Dim) }];
    },
    encode: (a) => ({ attributes: { perm: { ints: a.perm } } }),
  }),
  Unsqueeze: defineOp<AxesAttrs>({
    onnx: 'Unsqueeze',
    inputs: ['x'],
    infer: (ins, a, fail) => {
      const x = req(ins, 0, fail);
      const rank = x.shape.length + a.axes.length;
      const axes = normAxes(a.axes, rank, fail);
      const rest = [...x.shape];
      const shape = Array.from({ length: rank }, (_, i) => (axes.includes(i) ? 1 : (rest.shift() as Dim)));
      return [{ dtype: x.dtype, shape }];
    },
    encode: (a) => ({ extraInputs: [{ kind: 'int64s', values: a.axes }] }),
  }),
  Squeeze: defineOp<AxesAttrs>({
    onnx: 'Squeeze',
    inputs: ['x'],
    infer: (ins, a, fail) => {
      const x = req(ins, 0, fail);
      const axes = normAxes(a.axes, x.shape.length, fail);
      for (const ax of axes) if (x.shape[ax] !== 1) fail(`axis ${ax} has size ${x.shape[ax]}, not 1`);
      return [{ dtype: x.dtype, shape: x.shape.filter((_, i) => !axes.includes(i)) }];
    },
    encode: (a) => ({ extraInputs: [{ kind: 'int64s', values: a.axes }] }),
  }),
  Expand: defineOp<ExpandAttrs>({
    onnx: 'Expand',
    inputs: ['x'],
    infer: (ins, a, fail) => {
      const x = req(ins, 0, fail);
      const shape = broadcastShapes([x.shape, a.shape.map(normDim)]);
      return [{ dtype: x.dtype, shape: shape ?? fail(`cannot expand ${shapeString(x.shape)} to ${shapeString(a.shape)}`) }];
    },
    encode: (a, ins) => {
      const x = ins[0]?.shape ?? [];
      const off = a.shape.length - x.length;
      // Where the input already has the symbolic dim, 1 keeps it (bidirectional broadcast).
      const enc = a.shape.map((d, i) => (typeof d === 'number' ? d : i - off >= 0 && dimEq(x[i - off] as Dim, d) ? 1 : undefined));
      const fixed = enc.every((d): d is number => d !== undefined);
      return { extraInputs: [fixed ? { kind: 'int64s', values: enc } : { kind: 'shape', dims: a.shape }] };
    },
  }),
  Tile: defineOp<TileAttrs>({
    onnx: 'Tile',
    inputs: ['x'],
    infer: (ins, a, fail) => {
      const x = req(ins, 0, fail);
      if (a.repeats.length !== x.shape.length || a.repeats.some((r) => !Number.isInteger(r) || r < 1)) {
        fail(`repeats [${a.repeats.join(', ')}] must be ${x.shape.length} integers ≥ 1`);
      }
      return [{ dtype: x.dtype, shape: x.shape.map((d, i) => dimMul(d, a.repeats[i] ?? 1)) }];
    },
    encode: (a) => ({ extraInputs: [{ kind: 'int64s', values: a.repeats }] }),
  }),
} as const;
