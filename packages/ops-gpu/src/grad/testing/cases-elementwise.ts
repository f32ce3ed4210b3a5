/**
 * Gradient-check cases for elementwise primitives: unary maths, activations, broadcast
 * arithmetic, Where and Cast. Inputs keep away from kinks and singularities.
 */
import { tensor } from '@stylegraph/core';
import { awayFromZero, type GradCase } from './harness.js';

const positive = (z: number) => 0.5 + Math.abs(z);

export const ELEMENTWISE_CASES: readonly GradCase[] = [
  { op: 'Identity', label: 'identity', build: (c) => c.b.identity(c.input('x', [2, 3])) },
  { op: 'Neg', label: 'neg', build: (c) => c.b.neg(c.input('x', [2, 3])) },
  { op: 'Abs', label: 'abs', build: (c) => c.b.abs(c.input('x', [2, 3], { map: awayFromZero(0.1) })) },
  { op: 'Sign', label: 'sign (zero gradient)', build: (c) => c.b.mul(c.b.sign(c.input('x', [2, 3], { map: awayFromZero(0.1) })), 3) },
  { op: 'Sqrt', label: 'sqrt', build: (c) => c.b.sqrt(c.input('x', [2, 3], { map: positive })) },
  { op: 'Reciprocal', label: 'reciprocal', build: (c) => c.b.reciprocal(c.input('x', [2, 3], { map: awayFromZero(0.5) })) },
  { op: 'Exp', label: 'exp', build: (c) => c.b.exp(c.input('x', [2, 3])) },
  { op: 'Log', label: 'log', build: (c) => c.b.log(c.input('x', [2, 3], { map: positive })) },
  { op: 'Sigmoid', label: 'sigmoid', build: (c) => c.b.sigmoid(c.input('x', [2, 3])) },
  { op: 'Tanh', label: 'tanh', build: (c) => c.b.tanh(c.input('x', [2, 3])) },
  { op: 'Sin', label: 'sin', build: (c) => c.b.sin(c.b.mul(c.input('x', [2, 3]), 2)) },
  { op: 'Cos', label: 'cos', build: (c) => c.b.cos(c.b.mul(c.input('x', [2, 3]), 2)) },
  { op: 'Relu', label: 'relu', build: (c) => c.b.relu(c.input('x', [3, 4], { map: awayFromZero(0.05) })) },
  { op: 'LeakyRelu', label: 'leaky relu 0.2', build: (c) => c.b.leakyRelu(c.input('x', [3, 4], { map: awayFromZero(0.05) }), 0.2) },
  {
    op: 'Clip',
    label: 'clip [-0.5, 0.5]',
    build: (c) => c.b.clip(c.input('x', [4, 5], { map: (z) => (Math.abs(Math.abs(z) - 0.5) < 0.05 ? z + 0.2 : z) }), { min: -0.5, max: 0.5 }),
  },
  { op: 'Clip', label: 'clip min only', build: (c) => c.b.clip(c.input('x', [4, 5], { map: awayFromZero(0.05) }), { min: 0 }) },
  { op: 'Pow', label: 'pow 3', build: (c) => c.b.pow(c.input('x', [2, 3]), 3) },
  { op: 'Pow', label: 'pow 2', build: (c) => c.b.pow(c.input('x', [2, 3]), 2) },
  { op: 'Pow', label: 'pow -0.5', build: (c) => c.b.pow(c.input('x', [2, 3], { map: positive }), -0.5) },
  { op: 'Cast', label: 'cast float32 → float64', build: (c) => c.b.mul(c.b.cast(c.input('x', [2, 3]), 'float64'), 2) },
  { op: 'Add', label: 'add [2,3,4] + [3,1]', build: (c) => c.b.add(c.input('a', [2, 3, 4]), c.input('b', [3, 1])) },
  { op: 'Sub', label: 'sub [3,1] - [2,3,4]', build: (c) => c.b.sub(c.input('a', [3, 1]), c.input('b', [2, 3, 4])) },
  { op: 'Mul', label: 'mul [2,3,4] · [4]', build: (c) => c.b.mul(c.input('a', [2, 3, 4]), c.input('b', [4])) },
  { op: 'Mul', label: 'mul by itself (fan-in)', build: (c) => ((x) => c.b.mul(x, x))(c.input('x', [2, 3])) },
  {
    op: 'Div',
    label: 'div [2,1,4] / [3,1]',
    build: (c) => c.b.div(c.input('a', [2, 1, 4]), c.input('b', [3, 1], { map: awayFromZero(0.7) })),
  },
  {
    op: 'Where',
    label: 'where broadcast',
    build: (c) => {
      const cond = c.b.constant(tensor('bool', [2, 3], Uint8Array.of(1, 0, 1, 0, 0, 1)));
      return c.b.where(cond, c.input('a', [2, 3]), c.input('b', [3]));
    },
  },
];
