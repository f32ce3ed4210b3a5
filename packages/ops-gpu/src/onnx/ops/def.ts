/**
 * The shape of one primitive definition: its ONNX op type, its inputs, its build-time shape
 * rule and how its typed attributes are written into ONNX (attributes proper, or the constant
 * inputs that newer opsets take instead, such as Reshape's shape or ReduceSum's axes).
 */
import type { DType } from '../dtype.js';
import type { Shape } from '../dims.js';

/** What the builder knows about a value: element type and static (possibly symbolic) shape. */
export interface ValueInfo {
  readonly dtype: DType;
  readonly shape: Shape;
}

/** Throws a GraphError that names the op, the node and the input shapes. */
export type Fail = (detail: string, code?: 'shape' | 'dtype') => never;

export type AttrValue =
  | { readonly int: number }
  | { readonly ints: readonly number[] }
  | { readonly float: number }
  | { readonly string: string };

/** A constant input appended after the value inputs when the op is written to ONNX. */
export type ExtraInput =
  | { readonly kind: 'int64s'; readonly values: readonly number[] } // 1-D int64 constant
  | { readonly kind: 'shape'; readonly dims: Shape } // 1-D int64 shape, computed at run time when symbolic
  | { readonly kind: 'scalar'; readonly value: number; readonly dtype: DType } // rank-0 constant
  | { readonly kind: 'none' }; // an omitted optional input

export interface Encoded {
  readonly attributes?: Readonly<Record<string, AttrValue>>;
  readonly extraInputs?: readonly ExtraInput[];
}

export interface OpDef<A> {
  /** ONNX op_type (default domain). */
  readonly onnx: string;
  /** Input names for messages; a trailing `?` marks an optional input. */
  readonly inputs: readonly string[];
  /** The last input may repeat any number of times (Concat). */
  readonly variadic?: boolean;
  /** Output infos from input infos and attributes; calls `fail` with a reason when they do not fit. */
  infer(inputs: readonly (ValueInfo | undefined)[], attrs: A, fail: Fail): ValueInfo[];
  /** ONNX attributes and extra constant inputs for these attributes. */
  encode?(attrs: A, inputs: readonly (ValueInfo | undefined)[]): Encoded;
}

/** Identity helper that lets TypeScript infer the attribute type of a definition. */
export const defineOp = <A>(d: OpDef<A>): OpDef<A> => d;

/** Attributes of ops that take none. */
export type NoAttrs = Record<string, never>;

/** Requires that two or more inputs share one element type; returns it. */
export function sameDtype(fail: Fail, ...infos: readonly ValueInfo[]): DType {
  const d = infos[0]?.dtype;
  if (d === undefined) return fail('missing input');
  for (const i of infos) if (i.dtype !== d) fail(`element types differ: ${infos.map((x) => x.dtype).join(' vs ')}`, 'dtype');
  return d;
}

/** Requires an element type from a set. */
export function dtypeIn(fail: Fail, info: ValueInfo, allowed: readonly DType[], what = 'input'): DType {
  if (!allowed.includes(info.dtype)) fail(`${what} must be ${allowed.join(' or ')}, got ${info.dtype}`, 'dtype');
  return info.dtype;
}

/** The i-th input, which the graph has already checked to be present when not optional. */
export function req(inputs: readonly (ValueInfo | undefined)[], i: number, fail: Fail): ValueInfo {
  const v = inputs[i];
  return v ?? fail(`input ${i} is missing`);
}
