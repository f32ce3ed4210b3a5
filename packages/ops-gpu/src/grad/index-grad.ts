/**
 * Gradients of the indexing and replication primitives: Slice (zero-insertion for steps, then
 * Pad), Pad (Slice, or zero Pad where pads cropped), Tile (fold repeats and sum), Concat
 * (Slice per input), Gather (additive scatter into zeros).
 */
import type { GraphBuilder } from '../onnx/builder.js';
import { isStaticDim, type Dim } from '../onnx/dims.js';
import { GraphError } from '../onnx/errors.js';
import type { Value } from '../onnx/graph.js';
import type { PadAttrs, SliceAttrs } from '../onnx/ops/indexing.js';
import { sliceRanges } from '../onnx/ops/indexing.js';
import { fill } from './helpers.js';

const gradFail = (op: string) => (detail: string): never => {
  throw new GraphError('grad', `${op} gradient: ${detail}`, { op });
};

/** dL/dx of y = Slice(x): scatter dy back to the sliced positions of a zero tensor of x's shape. */
export function sliceGrad(b: GraphBuilder, dy: Value, x: Value, attrs: SliceAttrs): Value {
  let cur = dy;
  const pads = new Array<number>(2 * x.rank).fill(0);
  for (const r of sliceRanges(x.shape, attrs, gradFail('Slice'))) {
    if (r.len < 0) continue; // a whole symbolic axis
    let taken = r.len;
    if (r.step > 1) {
      // [..., len, ...] → [..., len, 1, ...] → [..., len, step, ...] → [..., len·step, ...]
      const padded = b.pad(b.unsqueeze(cur, [r.axis + 1]), padOn(cur.rank + 1, r.axis + 1, 0, r.step - 1));
      const merged: Dim[] = [...cur.shape];
      merged[r.axis] = r.len * r.step;
      cur = b.reshape(padded, merged);
      taken = r.len * r.step;
    }
    pads[r.axis] = r.start;
    pads[r.axis + x.rank] = r.size - r.start - taken; // negative: crop the zeros past the end
  }
  return pads.some((p) => p !== 0) ? b.pad(cur, pads) : cur; // x.shape
}

/** Pads of a given rank that are zero except on one axis. */
function padOn(rank: number, axis: number, before: number, after: number): number[] {
  const p = new Array<number>(2 * rank).fill(0);
  p[axis] = before;
  p[axis + rank] = after;
  return p;
}

/** dL/dx of y = Pad(x, pads): crop what was added, zero-fill what was cropped. */
export function padGrad(b: GraphBuilder, dy: Value, attrs: PadAttrs): Value {
  const r = dy.rank;
  const axes: number[] = [];
  const starts: number[] = [];
  const ends: number[] = [];
  for (let i = 0; i < r; i++) {
    const pb = attrs.pads[i] as number;
    const pe = attrs.pads[i + r] as number;
    if (pb <= 0 && pe <= 0) continue;
    axes.push(i);
    starts.push(Math.max(pb, 0));
    ends.push((dy.shape[i] as number) - Math.max(pe, 0));
  }
  const cropped = axes.length ? b.slice(dy, { starts, ends, axes }) : dy;
  const refill = attrs.pads.map((p) => Math.max(-p, 0));
  return refill.some((p) => p > 0) ? b.pad(cropped, refill) : cropped;
}

/** dL/dx of y = Tile(x, repeats): view dy as [r0, d0, r1, d1, …] and sum the repeat axes. */
export function tileGrad(b: GraphBuilder, dy: Value, x: Value, repeats: readonly number[]): Value {
  const split: Dim[] = [];
  const sumAxes: number[] = [];
  x.shape.forEach((d, i) => {
    const r = repeats[i] as number;
    if (r > 1) {
      sumAxes.push(split.length);
      split.push(r);
    }
    split.push(d);
  });
  if (!sumAxes.length) return dy;
  return b.reduceSum(b.reshape(dy, split), sumAxes, false); // x.shape
}

/** dL/dx_i of y = Concat(x_0, x_1, …; axis): the slice of dy each input filled. */
export function concatGrad(b: GraphBuilder, dy: Value, xs: readonly (Value | undefined)[], axis: number, need: readonly boolean[]): (Value | undefined)[] {
  const ax = axis < 0 ? axis + dy.rank : axis;
  let off = 0;
  return xs.map((x, i) => {
    if (!x) return undefined;
    const size = x.shape[ax] as Dim;
    if (!isStaticDim(size)) gradFail('Concat')(`axis ${ax} has symbolic size ${size}; the gradient needs static sizes`);
    const start = off;
    off += size as number;
    return need[i] ? b.slice(dy, { starts: [start], ends: [off], axes: [ax] }) : undefined;
  });
}

/** dL/ddata of y = Gather(data, indices; axis): add dy rows into zeros at the gathered indices. */
export function gatherGrad(b: GraphBuilder, dy: Value, data: Value, indices: Value, axis: number): Value {
  const ax = axis < 0 ? axis + data.rank : axis;
  const before = data.shape.slice(0, ax);
  const after = data.shape.slice(ax + 1);
  // dy [*before, *idx, *after] → [*before, n, *after]; indices → [1…, n, 1…] → dy's shape
  const flat = b.reshape(dy, [...before, -1, ...after]);
  const idx = b.reshape(indices, [...before.map(() => 1), -1, ...after.map(() => 1)]);
  const idxFull = b.expand(idx, flat.shape);
  return b.scatterElementsAdd(fill(b, 0, data.shape, data.dtype), idxFull, flat, ax); // data.shape
}
