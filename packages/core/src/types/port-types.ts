/**
 * Port specs: which kind a port carries and how its dimensions are named. Tensor kinds name
 * their axes (`WPlus [B, numWs, wDim]`); a handle kind names the sizes it binds (a generator's
 * zDim, cDim, …). Node definitions refer to dimensions by variable names; by default a port
 * uses the kind's own names, so a Mapping node's `zDim` on its Generator input and on its Z
 * input are the same variable without saying so.
 */
import type { Tensor } from '../values/tensor.js';
import { CORE_KINDS, isCoreKindName, type CoreKindName, type Report } from './core-kinds.js';
import type { PortKind } from './port-kind.js';

export type { Report };

/** A port's kind: a core kind by name, or any kind's record. */
export type PortKindRef = CoreKindName | PortKind<any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** A dimension in a node definition: a fixed size or a variable name local to the node. */
export type DimSpec = number | string;

export interface PortSpec {
  readonly type: PortKindRef;
  /** Dimension variables or sizes, aligned with the kind's dims; defaults to the kind's names. */
  readonly shape?: readonly DimSpec[];
  /**
   * For a kind without dims (`Tensor`) whose rank the params choose: its element count, a
   * variable or a size, so memory planning can size it. Not part of the port's type.
   */
  readonly elements?: DimSpec;
  readonly optional?: boolean;
  readonly description?: string;
}

/** The TypeScript type of a value on a port of each core kind. */
export interface PortValueOf {
  Tensor: Tensor;
  Image: Tensor<'float32'>;
  Report: Report;
  number: number;
  integer: number;
  string: string;
  boolean: boolean;
}

/** The TypeScript type of values on a port of kind `K`. */
export type ValueOfKind<K> = K extends PortKind<infer T> ? T : K extends keyof PortValueOf ? PortValueOf[K] : never;

/** The kind record a spec (or kind reference) stands for; throws on a name core does not declare. */
export function kindOf(ref: PortSpec | PortKindRef): PortKind {
  const k = typeof ref === 'object' && 'type' in ref ? ref.type : ref;
  if (typeof k !== 'string') return k;
  if (isCoreKindName(k)) return CORE_KINDS[k] as PortKind;
  throw new Error(`port kind "${String(k)}" is not one of core's (${Object.keys(CORE_KINDS).join(', ')}); pass the kind's record from the plugin that declares it`);
}

/** Whether a value of kind `from` may flow into an input of kind `to`. */
export const kindAccepts = (to: PortKindRef, from: PortKindRef): boolean => kindOf(to).accepts(kindOf(from));

/** The declared dims of a port, resolved to its kind's names when not given. */
export function portDims(spec: PortSpec): readonly DimSpec[] | null {
  return spec.shape ?? kindOf(spec).dims;
}

export const formatPortType = (spec: PortSpec): string => {
  const dims = portDims(spec);
  const title = kindOf(spec).title;
  return dims && dims.length ? `${title} [${dims.join(', ')}]` : title;
};
