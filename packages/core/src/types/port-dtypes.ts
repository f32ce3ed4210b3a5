/** Element sizes, and how memory planning sizes one element of a kind's values. */
import type { DType } from '../values/tensor.js';
import type { PortKind } from './port-kind.js';

export const DTYPE_BYTES: Readonly<Record<DType, number>> = { float32: 4, float64: 8, int32: 4, int64: 8, uint8: 1, bool: 1 };

/** How the planner sizes one element of a kind's values; undefined for kinds that are not tensors. */
export function plannedElement(kind: PortKind): { readonly dtype: DType | 'any dtype'; readonly bytes: number } | undefined {
  if (!kind.tensor) return undefined;
  // A tensor kind without a fixed dtype may hold any: planned at 4 bytes an element.
  return kind.dtype ? { dtype: kind.dtype, bytes: DTYPE_BYTES[kind.dtype] } : { dtype: 'any dtype', bytes: 4 };
}
