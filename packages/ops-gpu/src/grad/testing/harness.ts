/**
 * Helpers for gradient-rule tests: a seeded generator, random graph inputs with their feeds,
 * and a case format whose loss is a random weighting of one op's output.
 */
import { tensor, type Tensor } from '@stylegraph/core';
import type { Backend } from '../../backend/types.js';
import { GraphBuilder } from '../../onnx/builder.js';
import type { Dim } from '../../onnx/dims.js';
import type { Value } from '../../onnx/graph.js';
import type { OpName } from '../../onnx/ops/table.js';
import { Rng } from '../../onnx/testing/rng.js';
import { checkGradients, type GradCheckResult } from '../check.js';

export { Rng };

export interface InputSpec {
  /** Values are drawn from this map of a standard normal sample; default identity. */
  readonly map?: (z: number) => number;
  /** Feed dims for symbolic input dims; default: the declared dims. */
  readonly feedDims?: readonly number[];
  readonly dtype?: 'float32' | 'float64';
}

/** Keeps |z| ≥ m, away from kinks at 0 (finite differences straddle them otherwise). */
export const awayFromZero = (m: number) => (z: number) => (z >= 0 ? z + m : z - m);

export class CaseBuilder {
  readonly feeds: Record<string, Tensor> = {};
  readonly wrt: string[] = [];
  constructor(
    readonly b: GraphBuilder,
    readonly r: Rng,
  ) {}

  /** Declares a float input with random contents; it is differentiated. */
  input(name: string, dims: readonly Dim[], spec: InputSpec = {}): Value {
    const dtype = spec.dtype ?? 'float32';
    const feedDims = spec.feedDims ?? (dims as number[]);
    const n = feedDims.reduce((a, d) => a * d, 1);
    const data = dtype === 'float32' ? new Float32Array(n) : new Float64Array(n);
    for (let i = 0; i < n; i++) data[i] = (spec.map ?? ((z) => z))(this.r.normal());
    this.feeds[name] = tensor(dtype, feedDims, data);
    this.wrt.push(name);
    return this.b.input(name, dtype, dims);
  }

  /** A random float32 constant (a weight: never differentiated). */
  weight(dims: readonly number[], map: (z: number) => number = (z) => z): Value {
    const n = dims.reduce((a, d) => a * d, 1);
    return this.b.constant(tensor('float32', dims, Float32Array.from({ length: n }, () => map(this.r.normal()))));
  }
}

export interface GradCase {
  readonly op: OpName;
  readonly label: string;
  /** Finite-difference step; default 1e-2. */
  readonly eps?: number;
  /** Allowed relative error; default 1e-2. */
  readonly tol?: number;
  build(c: CaseBuilder): Value;
}

/** loss = Σ out · R with R random (symbolic dims of out broadcast over R's 1s) → []. */
export function weightedSum(c: CaseBuilder, out: Value): Value {
  const dims = out.shape.map((d) => (typeof d === 'number' ? d : 1));
  const n = dims.reduce((a, d) => a * d, 1);
  const data = out.dtype === 'float64' ? Float64Array.from({ length: n }, () => c.r.normal()) : Float32Array.from({ length: n }, () => c.r.normal());
  const R = c.b.constant(tensor(out.dtype === 'float64' ? 'float64' : 'float32', dims, data));
  return c.b.reduceSum(c.b.mul(out, R), undefined, false);
}

/** Builds a case's graph and checks every input's gradient on `backend`. */
export async function runCase(k: GradCase, backend: Backend, seed = 1): Promise<GradCheckResult[]> {
  const c = new CaseBuilder(new GraphBuilder(), new Rng(seed));
  const loss = weightedSum(c, k.build(c));
  return checkGradients(c.b, loss, c.wrt, c.feeds, backend, { eps: k.eps ?? 1e-2 });
}
