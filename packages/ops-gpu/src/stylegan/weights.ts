/**
 * Weights by NVIDIA state-dict name, with the transformations the network builders need
 * (equalized-learning-rate gains folded in, transposes for MatMul), each checked for shape.
 */
import { sizeOf, tensor, type Tensor } from '@stylegraph/core';
import type { GraphBuilder, Value } from '../onnx/index.js';

export type StateDict = ReadonlyMap<string, Tensor<'float32'>>;

export class Weights {
  constructor(
    private readonly b: GraphBuilder,
    private readonly dict: StateDict,
    /** Prefix of initializer names in the built model, e.g. `G.` */
    private readonly prefix = '',
  ) {}

  /** Whether the weights hold `name`. */
  has(name: string): boolean {
    return this.dict.has(name);
  }

  /** The raw tensor, checked against the expected shape. */
  tensor(name: string, shape?: readonly number[]): Tensor<'float32'> {
    const t = this.dict.get(name);
    if (!t) throw new Error(`weights: missing tensor "${name}"`);
    if (shape && (t.dims.length !== shape.length || t.dims.some((d, i) => d !== shape[i]))) {
      throw new Error(`weights: tensor "${name}" has shape [${t.dims.join(', ')}], expected [${shape.join(', ')}]`);
    }
    return t;
  }

  /** The tensor as an initializer of the graph. */
  value(name: string, shape?: readonly number[]): Value {
    return this.b.initializer(this.prefix + name, this.tensor(name, shape));
  }

  /** `gain · tensor` as an initializer (equalized learning rate). */
  scaled(name: string, gain: number, shape?: readonly number[], suffix = ':scaled'): Value {
    const t = this.tensor(name, shape);
    return this.b.initializer(this.prefix + name + suffix, tensor('float32', t.dims, t.data.map((v) => v * gain)));
  }

  /** `gain · tensorᵀ` for a 2-D `[out, in]` weight, as `[in, out]`, for `x @ Wᵀ`. */
  transposed(name: string, gain: number, shape: readonly [number, number]): Value {
    const t = this.tensor(name, shape);
    const [o, i] = shape;
    const out = new Float32Array(sizeOf(shape));
    for (let r = 0; r < o; r++) for (let c = 0; c < i; c++) out[c * o + r] = t.data[r * i + c]! * gain;
    return this.b.initializer(`${this.prefix}${name}:T`, tensor('float32', [i, o], out));
  }

  /** `Σ_{kh,kw} W²` of a conv weight `[Co, Ci, k, k]`, transposed to `[Ci, Co]` (demodulation). */
  squaredSumT(name: string, shape: readonly [number, number, number, number]): Value {
    const t = this.tensor(name, shape);
    const [co, ci, kh, kw] = shape;
    const k = kh * kw;
    const out = new Float32Array(ci * co);
    for (let o = 0; o < co; o++) {
      for (let i = 0; i < ci; i++) {
        let acc = 0;
        for (let j = 0; j < k; j++) acc += t.data[(o * ci + i) * k + j]! ** 2;
        out[i * co + o] = acc;
      }
    }
    return this.b.initializer(`${this.prefix}${name}:sq`, tensor('float32', [ci, co], out));
  }

  /** A conv weight `[Co, Ci, k, k]` with its first two axes swapped, for ConvTranspose. */
  swapInOut(name: string, shape: readonly [number, number, number, number]): Value {
    const t = this.tensor(name, shape);
    const [co, ci, kh, kw] = shape;
    const k = kh * kw;
    const out = new Float32Array(sizeOf(shape));
    for (let o = 0; o < co; o++) for (let i = 0; i < ci; i++) for (let j = 0; j < k; j++) out[(i * co + o) * k + j] = t.data[(o * ci + i) * k + j]!;
    return this.b.initializer(`${this.prefix}${name}:io`, tensor('float32', [ci, co, kh, kw], out));
  }

  /** A scalar weight (e.g. `noise_strength`) as a number. */
  scalar(name: string): number {
    return this.tensor(name, []).data[0]!;
  }
}
