/**
 * Run-time checks of values against port specs: for tensor kinds the representation, the
 * kind's dtype, the rank and the fixed sizes, then the kind's own check. A node that returns
 * the wrong thing fails with a message naming the port, instead of confusing the node after it.
 */
import { DTYPE_ARRAYS as DATA, isTensor, shapeString, sizeOf } from '../values/tensor.js';
import { formatPortType, kindOf, portDims, type PortSpec } from './port-types.js';

/** Returns why `value` is not a valid value of `spec`, or undefined when it is. */
export function checkValue(spec: PortSpec, value: unknown): string | undefined {
  const kind = kindOf(spec);
  if (!kind.tensor) return kind.check(value);
  const want = formatPortType(spec);
  if (!isTensor(value)) return `expected a tensor (${want})`;
  if (kind.dtype && value.dtype !== kind.dtype) return `expected ${kind.dtype} data for ${want}, got ${value.dtype}`;
  if (!(value.data instanceof DATA[value.dtype]) || value.data.length !== sizeOf(value.dims)) {
    return `a ${value.dtype} tensor of shape ${shapeString(value.dims)} needs a ${DATA[value.dtype]?.name ?? 'typed array'} of ${sizeOf(value.dims)} elements`;
  }
  const dims = kind.dims === null ? null : portDims(spec);
  if (dims) {
    if (value.dims.length !== dims.length) return `expected ${want}, got shape ${shapeString(value.dims)}`;
    const bad = dims.findIndex((d, i) => typeof d === 'number' && value.dims[i] !== d);
    if (bad >= 0) return `expected ${want}, got shape ${shapeString(value.dims)}`;
  }
  return kind.check(value);
}
