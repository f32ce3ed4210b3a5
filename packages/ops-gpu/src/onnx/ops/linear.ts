/**
 * Linear primitives: MatMul (batched, broadcasting), Gemm, Conv and ConvTranspose
 * (N-d, groups, strides, dilations, explicit pads, output padding).
 */
import { broadcastShapes, dimDiv, dimEq, dimMul, isStaticDim, shapeString, type Dim } from '../dims.js';
import { FLOAT_DTYPES } from '../dtype.js';
import { defineOp, dtypeIn, req, sameDtype, type Fail, type NoAttrs } from './def.js';

export interface GemmAttrs {
  readonly alpha?: number;
  readonly beta?: number;
  readonly transA?: boolean;
  readonly transB?: boolean;
}

export interface ConvAttrs {
  /** [begin_0, begin_1, …, end_0, end_1, …] as in ONNX; default all 0. */
  readonly pads?: readonly number[];
  readonly strides?: readonly number[];
  readonly dilations?: readonly number[];
  readonly group?: number;
}

export interface ConvTransposeAttrs extends ConvAttrs {
  readonly outputPadding?: readonly number[];
}

/** Conv/ConvTranspose attributes with every default filled in, for `n` spatial axes. */
export interface ConvGeometry {
  readonly pads: readonly number[];
  readonly strides: readonly number[];
  readonly dilations: readonly number[];
  readonly group: number;
  readonly outputPadding: readonly number[];
}

export function convGeometry(a: ConvTransposeAttrs, n: number, fail?: Fail): ConvGeometry {
  const check = (name: string, v: readonly number[] | undefined, len: number, dflt: number, min: number) => {
    const r = v ?? new Array<number>(len).fill(dflt);
    if (r.length !== len || r.some((x) => !Number.isInteger(x) || x < min)) {
      const msg = `${name} must be ${len} integers ≥ ${min}, got [${r.join(', ')}]`;
      if (fail) fail(msg);
      throw new RangeError(msg);
    }
    return r;
  };
  return {
    pads: check('pads', a.pads, 2 * n, 0, 0),
    strides: check('strides', a.strides, n, 1, 1),
    dilations: check('dilations', a.dilations, n, 1, 1),
    group: check('group', a.group === undefined ? undefined : [a.group], 1, 1, 1)[0] ?? 1,
    outputPadding: check('outputPadding', a.outputPadding, n, 0, 0),
  };
}

const convEncode = (a: ConvTransposeAttrs, transposed: boolean, n: number) => {
  const g = convGeometry(a, n);
  return {
    attributes: {
      pads: { ints: g.pads },
      strides: { ints: g.strides },
      dilations: { ints: g.dilations },
      group: { int: g.group },
      ...(transposed ? { output_padding: { ints: g.outputPadding } } : {}),
    },
  };
};

/** Shape rule shared by Conv and ConvTranspose. x [N, C, *S], w [M, C/g, *K] or [C, M/g, *K]. */
function inferConv(ins: Parameters<typeof req>[0], a: ConvTransposeAttrs, fail: Fail, transposed: boolean) {
  const x = req(ins, 0, fail);
  const w = req(ins, 1, fail);
  const dtype = dtypeIn(fail, { dtype: sameDtype(fail, x, w), shape: [] }, FLOAT_DTYPES, 'input and weight');
  const n = x.shape.length - 2;
  if (n < 1) fail(`input must be [N, C, ...spatial], got rank ${x.shape.length}`);
  if (w.shape.length !== n + 2) fail(`weight must have rank ${n + 2} to match the input, got ${shapeString(w.shape)}`);
  const g = convGeometry(a, n, fail);
  const [N, C] = x.shape as [Dim, Dim];
  const [w0, w1] = w.shape as [Dim, Dim];
  let outC: Dim;
  if (!transposed) {
    // w [M, C/g, *K]
    const perGroup = dimDiv(C, g.group);
    if (perGroup === undefined) fail(`input has ${C} channels, not divisible by group ${g.group}`);
    if (!dimEq(perGroup, w1)) fail(`input has ${C} channels but weight expects ${dimMul(w1, g.group)}`);
    if (dimDiv(w0, g.group) === undefined) fail(`weight has ${w0} output channels, not divisible by group ${g.group}`);
    outC = w0;
  } else {
    // w [C, M/g, *K]
    if (!dimEq(C, w0)) fail(`input has ${C} channels but weight expects ${w0}`);
    if (dimDiv(C, g.group) === undefined) fail(`input has ${C} channels, not divisible by group ${g.group}`);
    outC = dimMul(w1, g.group);
  }
  const bias = ins[2];
  if (bias && (bias.shape.length !== 1 || !dimEq(bias.shape[0] as Dim, outC))) {
    fail(`bias must be [${outC}], got ${shapeString(bias.shape)}`);
  }
  const spatial: number[] = [];
  for (let i = 0; i < n; i++) {
    const s = x.shape[i + 2] as Dim;
    const k = w.shape[i + 2] as Dim;
    if (!isStaticDim(s) || !isStaticDim(k)) fail(`spatial dims must be numbers, got input ${shapeString(x.shape)}, weight ${shapeString(w.shape)}`);
    const span = ((k as number) - 1) * (g.dilations[i] ?? 1) + 1;
    const pb = g.pads[i] ?? 0;
    const pe = g.pads[i + n] ?? 0;
    const st = g.strides[i] ?? 1;
    let out: number;
    if (!transposed) {
      out = Math.floor(((s as number) + pb + pe - span) / st) + 1;
    } else {
      const op = g.outputPadding[i] ?? 0;
      if (op >= Math.max(st, g.dilations[i] ?? 1)) fail(`outputPadding ${op} must be smaller than stride or dilation`);
      out = st * ((s as number) - 1) + op + span - pb - pe;
    }
    if (out < 1) fail(`spatial axis ${i} would have size ${out}`);
    spatial.push(out);
  }
  return [{ dtype, shape: [N, outC, ...spatial] }];
}

export const LINEAR = {
  MatMul: defineOp<NoAttrs>({
    onnx: 'MatMul',
    inputs: ['a', 'b'],
    infer: (ins, _a, fail) => {
      const a = req(ins, 0, fail);
      const b = req(ins, 1, fail);
      const dtype = sameDtype(fail, a, b);
      if (a.shape.length < 2 || b.shape.length < 2) fail('operands must have rank ≥ 2 (unsqueeze vectors first)');
      const [m, k1] = a.shape.slice(-2) as [Dim, Dim];
      const [k2, n] = b.shape.slice(-2) as [Dim, Dim];
      if (!dimEq(k1, k2)) fail(`inner dims differ: ${k1} vs ${k2}`);
      const batch = broadcastShapes([a.shape.slice(0, -2), b.shape.slice(0, -2)]) ?? fail('batch dims do not broadcast');
      return [{ dtype, shape: [...batch, m, n] }];
    },
  }),
  Gemm: defineOp<GemmAttrs>({
    onnx: 'Gemm',
    inputs: ['a', 'b', 'c?'],
    infer: (ins, at, fail) => {
      const a = req(ins, 0, fail);
      const b = req(ins, 1, fail);
      const dtype = dtypeIn(fail, { dtype: sameDtype(fail, a, b), shape: [] }, FLOAT_DTYPES, 'operands');
      if (a.shape.length !== 2 || b.shape.length !== 2) fail('operands must be matrices');
      const [m, k1] = (at.transA ? [...a.shape].reverse() : a.shape) as [Dim, Dim];
      const [k2, n] = (at.transB ? [...b.shape].reverse() : b.shape) as [Dim, Dim];
      if (!dimEq(k1, k2)) fail(`inner dims differ: ${k1} vs ${k2}`);
      const c = ins[2];
      if (c) {
        const bc = broadcastShapes([c.shape, [m, n]]);
        if (!bc || c.shape.length > 2 || !dimEq(bc[0] as Dim, m) || !dimEq(bc[1] as Dim, n)) {
          fail(`c ${shapeString(c.shape)} does not broadcast to [${m}, ${n}]`);
        }
        sameDtype(fail, a, c);
      }
      return [{ dtype, shape: [m, n] }];
    },
    encode: (a) => ({
      attributes: {
        alpha: { float: a.alpha ?? 1 },
        beta: { float: a.beta ?? 1 },
        transA: { int: a.transA ? 1 : 0 },
        transB: { int: a.transB ? 1 : 0 },
      },
    }),
  }),
  Conv: defineOp<ConvAttrs>({
    onnx: 'Conv',
    inputs: ['x', 'w', 'bias?'],
    infer: (ins, a, fail) => inferConv(ins, a, fail, false),
    encode: (a, ins) => convEncode(a, false, (ins[0]?.shape.length ?? 4) - 2),
  }),
  ConvTranspose: defineOp<ConvTransposeAttrs>({
    onnx: 'ConvTranspose',
    inputs: ['x', 'w', 'bias?'],
    infer: (ins, a, fail) => inferConv(ins, a, fail, true),
    encode: (a, ins) => convEncode(a, true, (ins[0]?.shape.length ?? 4) - 2),
  }),
} as const;
