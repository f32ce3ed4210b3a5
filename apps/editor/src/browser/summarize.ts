/** Output values in brief (as the server sends them): tensors become dtype and shape. */
import { isTensor } from '@stylegraph/core';

export function summarize(v: unknown): unknown {
  if (isTensor(v)) return { tensor: { dtype: v.dtype, dims: v.dims } };
  if (v === null || ['number', 'string', 'boolean'].includes(typeof v)) return v;
  if (Array.isArray(v)) return v.length <= 64 ? v.map(summarize) : { array: { length: v.length } };
  if (typeof v === 'object') {
    if ((v as { kind?: unknown }).kind === 'generator') return { generator: (v as { id: unknown }).id };
    return Object.fromEntries(Object.entries(v as Record<string, unknown>).map(([k, x]) => [k, summarize(x)]));
  }
  return String(v);
}
