/**
 * Errors raised while building or differentiating graphs: values with a code and the context
 * (op, builder node name, input shapes) needed to print one clear line.
 */
import { shapeString, type Shape } from './dims.js';

export type GraphErrorCode =
  | 'shape' // shape inference failed (incompatible dims, bad attribute)
  | 'dtype' // element types do not fit the op
  | 'arity' // wrong number of inputs
  | 'graph' // misuse of the builder (foreign value, duplicate name, unknown output)
  | 'grad'; // differentiation is impossible or unsupported

export interface GraphErrorContext {
  readonly op?: string;
  readonly node?: string;
  readonly shapes?: readonly Shape[];
}

export class GraphError extends Error {
  override readonly name = 'GraphError';
  constructor(
    readonly code: GraphErrorCode,
    message: string,
    readonly context: GraphErrorContext = {},
  ) {
    super(message);
  }
}

/** Formats `Conv "b8.conv0": <detail> (inputs [B, 3, 8, 8], [32, 3, 3, 3])`. */
export function opErrorMessage(op: string, node: string, detail: string, shapes: readonly (Shape | undefined)[]): string {
  const s = shapes.map((x) => (x === undefined ? '(none)' : shapeString(x))).join(', ');
  return `${op} "${node}": ${detail}${shapes.length ? ` (inputs ${s})` : ''}`;
}
