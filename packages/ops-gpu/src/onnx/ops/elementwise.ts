/**
 * Elementwise primitives: unary maths, activations, NumPy-broadcast binary arithmetic,
 * comparisons, boolean logic, Where and Cast.
 */
import { broadcastShapes, shapeString } from '../dims.js';
import { FLOAT_DTYPES, ONNX_DTYPE, type DType } from '../dtype.js';
import { defineOp, dtypeIn, req, sameDtype, type Fail, type NoAttrs, type OpDef, type ValueInfo } from './def.js';

const NUMERIC: readonly DType[] = ['float32', 'float64', 'int32', 'int64'];

function broadcast(fail: Fail, infos: readonly ValueInfo[]) {
  const shape = broadcastShapes(infos.map((i) => i.shape));
  return shape ?? fail(`shapes ${infos.map((i) => shapeString(i.shape)).join(' and ')} do not broadcast`);
}

const unary = <A = NoAttrs>(onnx: string, dtypes: readonly DType[] = FLOAT_DTYPES): OpDef<A> =>
  defineOp<A>({
    onnx,
    inputs: ['x'],
    infer: (ins, _a, fail) => {
      const x = req(ins, 0, fail);
      return [{ dtype: dtypeIn(fail, x, dtypes, 'x'), shape: x.shape }];
    },
  });

const binary = (onnx: string, dtypes: readonly DType[], out?: DType): OpDef<NoAttrs> =>
  defineOp<NoAttrs>({
    onnx,
    inputs: ['a', 'b'],
    infer: (ins, _a, fail) => {
      const a = req(ins, 0, fail);
      const b = req(ins, 1, fail);
      const dtype = dtypeIn(fail, { dtype: sameDtype(fail, a, b), shape: [] }, dtypes, 'operands');
      return [{ dtype: out ?? dtype, shape: broadcast(fail, [a, b]) }];
    },
  });

export interface LeakyReluAttrs {
  readonly alpha: number;
}
export interface ClipAttrs {
  readonly min?: number;
  readonly max?: number;
}
export interface PowAttrs {
  /** Scalar exponent, written as a constant input of x's element type. */
  readonly exponent: number;
}
export interface CastAttrs {
  readonly to: DType;
}

export const ELEMENTWISE = {
  Identity: unary('Identity', ['float32', 'float64', 'int32', 'int64', 'uint8', 'bool']),
  Neg: unary('Neg', NUMERIC),
  Abs: unary('Abs', NUMERIC),
  Sign: unary('Sign', NUMERIC),
  Sqrt: unary('Sqrt'),
  Reciprocal: unary('Reciprocal'),
  Exp: unary('Exp'),
  Log: unary('Log'),
  Sigmoid: unary('Sigmoid'),
  Tanh: unary('Tanh'),
  Sin: unary('Sin'),
  Cos: unary('Cos'),
  Relu: unary('Relu'),
  LeakyRelu: defineOp<LeakyReluAttrs>({
    ...unary<LeakyReluAttrs>('LeakyRelu'),
    encode: (a) => ({ attributes: { alpha: { float: a.alpha } } }),
  }),
  Clip: defineOp<ClipAttrs>({
    ...unary<ClipAttrs>('Clip'),
    encode: (a, ins) => {
      const dtype = ins[0]?.dtype ?? 'float32';
      const bound = (v: number | undefined) => (v === undefined ? { kind: 'none' as const } : { kind: 'scalar' as const, value: v, dtype });
      return { extraInputs: [bound(a.min), bound(a.max)] };
    },
  }),
  Pow: defineOp<PowAttrs>({
    ...unary<PowAttrs>('Pow'),
    encode: (a, ins) => ({ extraInputs: [{ kind: 'scalar', value: a.exponent, dtype: ins[0]?.dtype ?? 'float32' }] }),
  }),
  Cast: defineOp<CastAttrs>({
    onnx: 'Cast',
    inputs: ['x'],
    infer: (ins, a, fail) => [{ dtype: a.to, shape: req(ins, 0, fail).shape }],
    encode: (a) => ({ attributes: { to: { int: ONNX_DTYPE[a.to] } } }),
  }),
  Add: binary('Add', NUMERIC),
  Sub: binary('Sub', NUMERIC),
  Mul: binary('Mul', NUMERIC),
  Div: binary('Div', NUMERIC),
  Greater: binary('Greater', NUMERIC, 'bool'),
  GreaterOrEqual: binary('GreaterOrEqual', NUMERIC, 'bool'),
  Less: binary('Less', NUMERIC, 'bool'),
  LessOrEqual: binary('LessOrEqual', NUMERIC, 'bool'),
  Equal: binary('Equal', [...NUMERIC, 'bool'], 'bool'),
  And: binary('And', ['bool'], 'bool'),
  Not: unary('Not', ['bool']),
  Where: defineOp<NoAttrs>({
    onnx: 'Where',
    inputs: ['condition', 'x', 'y'],
    infer: (ins, _a, fail) => {
      const c = req(ins, 0, fail);
      const x = req(ins, 1, fail);
      const y = req(ins, 2, fail);
      dtypeIn(fail, c, ['bool'], 'condition');
      return [{ dtype: sameDtype(fail, x, y), shape: broadcast(fail, [c, x, y]) }];
    },
  }),
} as const;
