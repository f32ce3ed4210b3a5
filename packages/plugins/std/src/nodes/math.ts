/** `std/Math`: arithmetic on numbers. */
import { NodeError, defineNode, z } from '@stylegraph/core';

const BINARY = {
  add: (a: number, b: number) => a + b,
  sub: (a: number, b: number) => a - b,
  mul: (a: number, b: number) => a * b,
  div: (a: number, b: number) => a / b,
  pow: (a: number, b: number) => a ** b,
  min: (a: number, b: number) => Math.min(a, b),
  max: (a: number, b: number) => Math.max(a, b),
} as const;
const UNARY = { abs: Math.abs, neg: (a: number) => -a, sqrt: Math.sqrt, log: Math.log, exp: Math.exp } as const;
const OPS = [...Object.keys(BINARY), ...Object.keys(UNARY)] as [string, ...string[]];

export const MathNode = defineNode({
  type: 'std/Math',
  version: 1,
  title: 'Math',
  category: 'Math',
  description: 'a op b for binary ops (add, sub, mul, div, pow, min, max); op(a) for unary ones (abs, neg, sqrt, log, exp).',
  inputs: {
    a: { type: 'number' },
    b: { type: 'number', optional: true, description: 'Second operand; required by binary ops.' },
  },
  outputs: { value: { type: 'number' } },
  params: z.object({ op: z.enum(OPS).default('add').describe('The operation.') }),
  purity: 'pure',
  run: ({ inputs, params }) => {
    const op = params.op;
    if (op in UNARY) return { value: UNARY[op as keyof typeof UNARY](inputs.a) };
    if (inputs.b === undefined) throw new NodeError('INPUT_MISSING', `op "${op}" needs input "b"`);
    const value = BINARY[op as keyof typeof BINARY](inputs.a, inputs.b);
    if (Number.isNaN(value)) throw new NodeError('MATH_NAN', `${inputs.a} ${op} ${inputs.b} is not a number`);
    return { value };
  },
});
