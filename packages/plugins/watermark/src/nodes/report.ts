/**
 * Reports for a batch: one image gives `name: value`; several give `name.b` per image, and the
 * batch-wide `detected` (how many were detected) and `pValue` (the largest).
 */
import type { Report } from '@stylegraph/core';

export function batchReport(items: readonly Record<string, number | string | boolean>[]): Report {
  if (items.length === 1) return { ...items[0]! };
  const out: Record<string, number | string | boolean> = { images: items.length };
  items.forEach((r, b) => {
    for (const [k, v] of Object.entries(r)) out[`${k}.${b}`] = v;
  });
  out.detected = items.reduce((n, r) => n + Number(r.detected ?? 0), 0);
  out.pValue = Math.max(...items.map((r) => Number(r.pValue ?? 1)));
  return out;
}
