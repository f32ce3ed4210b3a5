/**
 * The element types of tensor port kinds, in one table: what run-time checks require of a
 * value and what memory planning sizes it with. (A later change moves this into the port-kind
 * records, next to each kind's dims and codec.)
 */
import type { DType } from '../values/tensor.js';
import type { PortKind } from './port-types.js';

/** Tensor kinds whose values always have this dtype. */
export const PORT_DTYPES: Partial<Record<PortKind, DType>> = {
  Z: 'float32',
  C: 'float32',
  WPlus: 'float32',
  Image: 'float32',
  Bits: 'uint8',
};

export const DTYPE_BYTES: Readonly<Record<DType, number>> = { float32: 4, float64: 8, int32: 4, int64: 8, uint8: 1, bool: 1 };

/** How the planner sizes one element of a port kind's values; undefined for kinds that are not tensors. */
export function plannedElement(kind: PortKind): { readonly dtype: DType | 'any dtype'; readonly bytes: number } | undefined {
  const dtype = PORT_DTYPES[kind];
  if (dtype) return { dtype, bytes: DTYPE_BYTES[dtype] };
  // A `Tensor` may hold any dtype: planned at 4 bytes an element.
  return kind === 'Tensor' ? { dtype: 'any dtype', bytes: 4 } : undefined;
}
