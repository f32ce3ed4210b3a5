/**
 * The contract of a vector-Jacobian product rule: given a node of the forward graph, its input
 * and output values and the gradient flowing into its output, add nodes that compute the
 * gradient of each input that needs one.
 */
import type { GraphBuilder } from '../onnx/builder.js';
import type { Value } from '../onnx/graph.js';
import type { AttrsOf, OpName } from '../onnx/ops/table.js';

export interface VjpArgs<K extends OpName> {
  /** The graph being extended with backward nodes. */
  readonly b: GraphBuilder;
  /** The forward node's attributes. */
  readonly attrs: AttrsOf<K>;
  /** Forward inputs (undefined for omitted optional inputs). */
  readonly x: readonly (Value | undefined)[];
  /** Forward output. */
  readonly y: Value;
  /** Gradient of the loss with respect to the output (same shape as y). */
  readonly dy: Value;
  /** Whether each input needs a gradient; rules skip work for the others. */
  readonly need: readonly boolean[];
}

/** Gradients for each input, in input order; undefined where none is needed or it is zero. */
export type VjpRule<K extends OpName> = (a: VjpArgs<K>) => readonly (Value | undefined)[];

/** An op that gradients cannot pass through, and why. */
export interface NonDifferentiable {
  readonly nondiff: string;
}

export type GradEntry<K extends OpName> = VjpRule<K> | NonDifferentiable;

/** The gradient table: one entry per primitive of the vocabulary. */
export type GradTable = { readonly [K in OpName]: GradEntry<K> };

export const nondiff = (reason: string): NonDifferentiable => ({ nondiff: reason });
