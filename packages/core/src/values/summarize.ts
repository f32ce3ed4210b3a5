/**
 * Turns output values into small JSON-friendly summaries (tensors become dtype and shape, a
 * generator its id and layer layout), as run reports and the editor show them.
 */
import { isTensor } from './tensor.js';

export function summarizeValue(v: unknown): unknown {
  if (isTensor(v)) return { tensor: { dtype: v.dtype, dims: v.dims } };
  if (v === null || ['number', 'string', 'boolean'].includes(typeof v)) return v;
  if (Array.isArray(v)) return v.length <= 64 ? v.map(summarizeValue) : { array: { length: v.length } };
  if (typeof v === 'object') {
    if ((v as { kind?: unknown }).kind === 'generator') {
      // A generator in brief: its identity and, when it carries one, its layer layout (plain data editors read).
      const { id, layout } = v as { id: unknown; layout?: unknown };
      return { generator: id, ...(layout !== undefined && { layout: summarizeValue(layout) }) };
    }
    return Object.fromEntries(Object.entries(v as Record<string, unknown>).map(([k, x]) => [k, summarizeValue(x)]));
  }
  return String(v);
}
