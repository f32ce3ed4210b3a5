/**
 * GraphBuilder: the typed, one-line-per-primitive face of the graph IR. Numbers passed where a
 * value is expected become scalar constants of the other operand's element type. Every method
 * takes an optional node name (prefixed by the current scope) that error messages quote.
 */
import type { Dim } from './dims.js';
import type { DType } from './dtype.js';
import { Graph, type Value } from './graph.js';
import type { ClipAttrs } from './ops/elementwise.js';
import type { SliceAttrs } from './ops/indexing.js';
import type { ConvAttrs, ConvTransposeAttrs, GemmAttrs } from './ops/linear.js';
import type { NoAttrs } from './ops/def.js';
import type { OpName } from './ops/table.js';
import { serializeGraph, type ModelOptions } from './serialize.js';

/** A value, or a number that becomes a scalar constant. */
export type Operand = Value | number;

const NONE: NoAttrs = {};

export class GraphBuilder extends Graph {
  /** Serializes the graph to ONNX model bytes. */
  toModel(opts?: ModelOptions): Uint8Array {
    return serializeGraph(this, opts);
  }

  /** A scalar constant with the element type of `like`. */
  scalar(value: number, like: Value | DType): Value {
    return this.constant(value, typeof like === 'string' ? like : like.dtype);
  }

  private bin(op: OpName, a: Operand, b: Operand, name?: string): Value {
    const [x, y] = this.operands(a, b);
    return this.op1(op, [x, y], NONE, name);
  }

  private operands(a: Operand, b: Operand): [Value, Value] {
    if (typeof a === 'number' && typeof b === 'number') return [this.constant(a), this.constant(b)];
    const x = typeof a === 'number' ? this.scalar(a, b as Value) : a;
    const y = typeof b === 'number' ? this.scalar(b, x) : b;
    return [x, y];
  }

  private un(op: OpName, x: Value, name?: string): Value {
    return this.op1(op, [x], NONE, name);
  }

  // Arithmetic (NumPy broadcasting).
  add = (a: Operand, b: Operand, name?: string) => this.bin('Add', a, b, name);
  sub = (a: Operand, b: Operand, name?: string) => this.bin('Sub', a, b, name);
  mul = (a: Operand, b: Operand, name?: string) => this.bin('Mul', a, b, name);
  div = (a: Operand, b: Operand, name?: string) => this.bin('Div', a, b, name);
  neg = (x: Value, name?: string) => this.un('Neg', x, name);
  abs = (x: Value, name?: string) => this.un('Abs', x, name);
  sign = (x: Value, name?: string) => this.un('Sign', x, name);
  sqrt = (x: Value, name?: string) => this.un('Sqrt', x, name);
  reciprocal = (x: Value, name?: string) => this.un('Reciprocal', x, name);
  exp = (x: Value, name?: string) => this.un('Exp', x, name);
  log = (x: Value, name?: string) => this.un('Log', x, name);
  sin = (x: Value, name?: string) => this.un('Sin', x, name);
  cos = (x: Value, name?: string) => this.un('Cos', x, name);
  pow = (x: Value, exponent: number, name?: string) => this.op1('Pow', [x], { exponent }, name);
  identity = (x: Value, name?: string) => this.un('Identity', x, name);
  cast = (x: Value, to: DType, name?: string) => this.op1('Cast', [x], { to }, name);

  // Activations.
  relu = (x: Value, name?: string) => this.un('Relu', x, name);
  leakyRelu = (x: Value, alpha = 0.2, name?: string) => this.op1('LeakyRelu', [x], { alpha }, name);
  sigmoid = (x: Value, name?: string) => this.un('Sigmoid', x, name);
  tanh = (x: Value, name?: string) => this.un('Tanh', x, name);
  clip = (x: Value, bounds: ClipAttrs, name?: string) => this.op1('Clip', [x], bounds, name);

  // Comparison and selection (boolean results).
  greater = (a: Operand, b: Operand, name?: string) => this.bin('Greater', a, b, name);
  greaterOrEqual = (a: Operand, b: Operand, name?: string) => this.bin('GreaterOrEqual', a, b, name);
  less = (a: Operand, b: Operand, name?: string) => this.bin('Less', a, b, name);
  lessOrEqual = (a: Operand, b: Operand, name?: string) => this.bin('LessOrEqual', a, b, name);
  equal = (a: Operand, b: Operand, name?: string) => this.bin('Equal', a, b, name);
  and = (a: Value, b: Value, name?: string) => this.bin('And', a, b, name);
  not = (x: Value, name?: string) => this.un('Not', x, name);
  where = (cond: Value, a: Operand, b: Operand, name?: string) => {
    const [x, y] = this.operands(a, b);
    return this.op1('Where', [cond, x, y], NONE, name);
  };

  // Linear algebra and convolution.
  matmul = (a: Value, b: Value, name?: string) => this.op1('MatMul', [a, b], NONE, name);
  gemm = (a: Value, b: Value, c?: Value, attrs: GemmAttrs = {}, name?: string) => this.op1('Gemm', [a, b, c], attrs, name);
  conv = (x: Value, w: Value, bias?: Value, attrs: ConvAttrs = {}, name?: string) => this.op1('Conv', [x, w, bias], attrs, name);
  convTranspose = (x: Value, w: Value, bias?: Value, attrs: ConvTransposeAttrs = {}, name?: string) =>
    this.op1('ConvTranspose', [x, w, bias], attrs, name);

  // Layout.
  reshape = (x: Value, shape: readonly Dim[], name?: string) => this.op1('Reshape', [x], { shape }, name);
  transpose = (x: Value, perm: readonly number[], name?: string) => this.op1('Transpose', [x], { perm }, name);
  unsqueeze = (x: Value, axes: readonly number[], name?: string) => this.op1('Unsqueeze', [x], { axes }, name);
  squeeze = (x: Value, axes: readonly number[], name?: string) => this.op1('Squeeze', [x], { axes }, name);
  expand = (x: Value, shape: readonly Dim[], name?: string) => this.op1('Expand', [x], { shape }, name);
  tile = (x: Value, repeats: readonly number[], name?: string) => this.op1('Tile', [x], { repeats }, name);

  // Indexing.
  concat = (xs: readonly Value[], axis: number, name?: string) => this.op1('Concat', xs, { axis }, name);
  slice = (x: Value, attrs: SliceAttrs, name?: string) => this.op1('Slice', [x], attrs, name);
  pad = (x: Value, pads: readonly number[], value = 0, name?: string) => this.op1('Pad', [x], { pads, value }, name);
  gather = (x: Value, indices: Value, axis: number, name?: string) => this.op1('Gather', [x, indices], { axis }, name);
  gatherElements = (x: Value, indices: Value, axis: number, name?: string) => this.op1('GatherElements', [x, indices], { axis }, name);
  scatterElementsAdd = (x: Value, indices: Value, updates: Value, axis: number, name?: string) =>
    this.op1('ScatterElementsAdd', [x, indices, updates], { axis }, name);

  // Reductions (axes default to all; keepdims defaults to true as in ONNX).
  reduceSum = (x: Value, axes?: readonly number[], keepdims = true, name?: string) =>
    this.op1('ReduceSum', [x], { ...(axes ? { axes } : {}), keepdims }, name);
  reduceMean = (x: Value, axes?: readonly number[], keepdims = true, name?: string) =>
    this.op1('ReduceMean', [x], { ...(axes ? { axes } : {}), keepdims }, name);
}
