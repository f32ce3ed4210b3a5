/**
 * Port kinds as records. A kind is what a value on a port is: its named dimensions, for
 * tensors its element type, a run-time check, which other kinds it accepts, a codec that turns
 * its values into bytes (so they can cross a process boundary or be stored) and how editors
 * draw it. Core declares the generic kinds (core-kinds.ts); a plugin declares its own with
 * `definePortKind` under its namespace (`stylegan/WPlus`) and refers to them by the record in
 * its port specs, so every spec resolves to its kind without a registry.
 */
import type { FileAccess } from '../plugin/context.js';
import type { DType } from '../values/tensor.js';

/** JSON data, as codec headers hold it. */
export type Json = null | boolean | number | string | readonly Json[] | { readonly [key: string]: Json };

/** A value as bytes: a small JSON header and a payload (raw little-endian data for tensors). */
export interface EncodedValue {
  readonly header: Json;
  readonly bytes: Uint8Array;
}

/** What decoding may use: the host's files, to re-open what a handle names (a model by path and hash). */
export interface DecodeContext {
  readonly files?: FileAccess;
}

export interface Codec<T> {
  encode(value: T): EncodedValue | Promise<EncodedValue>;
  /** Rebuilds a value; throws (naming what is wrong) on bytes it did not write. */
  decode(encoded: EncodedValue, ctx: DecodeContext): T | Promise<T>;
}

declare const VALUE: unique symbol;

export interface PortKind<T = unknown> {
  /** `Name` for core's kinds, `namespace/Name` for a plugin's. */
  readonly name: string;
  /** How messages and editors show it: the name without its namespace unless given. */
  readonly title: string;
  readonly description: string;
  /** Dimension names in order (axes for tensors, bound sizes for handles); null = any rank. */
  readonly dims: readonly string[] | null;
  /** Values are tensors: shapes are unified along `dims` and memory is planned for them. */
  readonly tensor: boolean;
  /** The element type every value has, for tensor kinds that fix one. */
  readonly dtype?: DType;
  /** Dimensions introduced by a node's output of this kind are fixed by that node (two generators never silently agree). */
  readonly rigidOutputs: boolean;
  /** Why a value is not of this kind (after the generic tensor checks for tensor kinds), or undefined. */
  check(value: unknown): string | undefined;
  /** Whether a value of kind `from` may flow into an input of this kind (always true for the same name). */
  accepts(from: PortKind): boolean;
  /** The sizes a non-tensor value binds, by dimension name (a generator's zDim, res, …). */
  sizes?(value: T): Readonly<Record<string, number>> | undefined;
  readonly codec: Codec<T>;
  /** CSS colour of handles and edges in editors. */
  readonly color: string;
  /** Type-level only: the TypeScript type of the values. */
  readonly [VALUE]?: T;
}

export interface PortKindOptions<T> {
  readonly name: string;
  readonly title?: string;
  readonly description: string;
  readonly dims: readonly string[] | null;
  readonly dtype?: DType;
  /** Default: true when `dtype` is given. */
  readonly tensor?: boolean;
  readonly rigidOutputs?: boolean;
  readonly check?: (value: unknown) => string | undefined;
  readonly accepts?: (from: PortKind) => boolean;
  readonly sizes?: (value: T) => Readonly<Record<string, number>> | undefined;
  readonly codec: Codec<T>;
  readonly color?: string;
}

const KIND_NAME = /^(?:[a-z][a-z0-9-]*\/)?[A-Za-z][A-Za-z0-9]*$/;

/** A stable colour from the name, for kinds that do not choose one. */
function colorOf(name: string): string {
  let h = 0;
  for (const c of name) h = (h * 31 + c.charCodeAt(0)) >>> 0;
  return `hsl(${h % 360}, 55%, 55%)`;
}

/**
 * Whether two records can stand for the same kind: the same name, dims, dtype and tensor-ness
 * (two copies of one plugin, or of core, give equal records that are not the same object).
 */
export function sameKind(a: PortKind, b: PortKind): boolean {
  return a.name === b.name && a.tensor === b.tensor && a.dtype === b.dtype && JSON.stringify(a.dims) === JSON.stringify(b.dims);
}

export function definePortKind<T>(opts: PortKindOptions<T>): PortKind<T> {
  if (!KIND_NAME.test(opts.name)) throw new Error(`definePortKind: name "${opts.name}" must look like "namespace/Name"`);
  const tensor = opts.tensor ?? opts.dtype !== undefined;
  if (!tensor && !opts.check) throw new Error(`definePortKind: ${opts.name} is not a tensor kind, so it needs a check`);
  const kind: PortKind<T> = {
    name: opts.name,
    title: opts.title ?? opts.name.slice(opts.name.indexOf('/') + 1),
    description: opts.description,
    dims: opts.dims,
    tensor,
    ...(opts.dtype !== undefined && { dtype: opts.dtype }),
    rigidOutputs: opts.rigidOutputs ?? false,
    check: opts.check ?? (() => undefined),
    accepts: (from) => from.name === opts.name || (opts.accepts?.(from) ?? false),
    ...(opts.sizes && { sizes: opts.sizes }),
    codec: opts.codec,
    color: opts.color ?? colorOf(opts.name),
  };
  return Object.freeze(kind);
}
