/**
 * Run-time checks of values against port specs: the kind's representation and, for tensor
 * kinds, the rank and the fixed sizes. A node that returns the wrong thing fails with a
 * message naming the port, instead of confusing the node after it.
 */
import { isTensor, shapeString } from '../values/tensor.js';
import { PORT_DTYPES } from './port-dtypes.js';
import { PORT_KINDS, formatPortType, portDims, type PortSpec } from './port-types.js';

/** Returns why `value` is not a valid value of `spec`, or undefined when it is. */
export function checkValue(spec: PortSpec, value: unknown): string | undefined {
  const want = formatPortType(spec);
  switch (spec.type) {
    case 'number':
      return typeof value === 'number' && !Number.isNaN(value) ? undefined : `expected a number, got ${typeof value}`;
    case 'integer':
      return Number.isInteger(value) ? undefined : `expected an integer, got ${String(value)}`;
    case 'string':
    case 'boolean':
      return typeof value === spec.type ? undefined : `expected a ${spec.type}, got ${typeof value}`;
    case 'SeedList':
      return Array.isArray(value) && value.every((s) => Number.isInteger(s) && s >= 0 && s <= 0xffffffff)
        ? undefined
        : 'expected a list of integer seeds 0…2³²−1';
    case 'Report':
      return value && typeof value === 'object' && !Array.isArray(value) ? undefined : 'expected a report object';
    case 'Generator':
      return value && typeof value === 'object' && (value as { kind?: unknown }).kind === 'generator'
        ? undefined
        : 'expected a generator';
    case 'Noise':
      return value && typeof value === 'object' ? undefined : 'expected a noise specification';
    default:
      break;
  }
  if (!isTensor(value)) return `expected a tensor (${want})`;
  const dtype = PORT_DTYPES[spec.type];
  if (dtype && value.dtype !== dtype) return `expected ${dtype} data for ${want}, got ${value.dtype}`;
  const dims = PORT_KINDS[spec.type].dims === null ? null : portDims(spec);
  if (!dims) return undefined;
  if (value.dims.length !== dims.length) return `expected ${want}, got shape ${shapeString(value.dims)}`;
  const bad = dims.findIndex((d, i) => typeof d === 'number' && value.dims[i] !== d);
  return bad >= 0 ? `expected ${want}, got shape ${shapeString(value.dims)}` : undefined;
}
