/**
 * Reports for a batch. One image gives `name: value`. Several give `name.b` per image and
 * batch-wide values: `images`; the counts `detected`, `exact` and `payloadValid`; the mean
 * `bitAccuracy`; the largest `pValue`. A `prefix` names every key ("jpeg80.detected"), and a
 * report given as `into` is extended, so one report can hold a whole table.
 */
import type { Report } from '@stylegraph/core';

type Item = Readonly<Record<string, number | string>>;

const COUNTS = ['detected', 'exact', 'payloadValid'];

export function batchReport(items: readonly Item[], prefix = '', into: Report = {}): Report {
  const out: Record<string, number | string | boolean> = { ...into };
  const put = (k: string, v: number | string) => (out[`${prefix}${k}`] = v);
  if (items.length === 1) {
    for (const [k, v] of Object.entries(items[0]!)) put(k, v);
    return out;
  }
  put('images', items.length);
  items.forEach((r, b) => {
    for (const [k, v] of Object.entries(r)) put(`${k}.${b}`, v);
  });
  const present = (k: string) => items.length > 0 && k in items[0]!;
  for (const k of COUNTS) if (present(k)) put(k, items.reduce((n, r) => n + Number(r[k]), 0));
  if (present('bitAccuracy')) put('bitAccuracy', items.reduce((n, r) => n + Number(r.bitAccuracy), 0) / items.length);
  if (present('pValue')) put('pValue', Math.max(...items.map((r) => Number(r.pValue))));
  return out;
}
