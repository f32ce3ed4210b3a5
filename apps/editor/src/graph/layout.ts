/** Positions for nodes a document gives none: columns by depth (longest path from a source). */
import { splitPortRef, type GraphDocument } from '@stylegraph/core';

export const COLUMN = 300;
export const ROW = 220;

export function positions(doc: GraphDocument): Map<string, { x: number; y: number }> {
  const out = new Map<string, { x: number; y: number }>();
  const ids = Object.keys(doc.nodes);
  const preds = new Map(ids.map((id) => [id, [] as string[]]));
  for (const e of doc.edges) preds.get(splitPortRef(e.to).node)?.push(splitPortRef(e.from).node);
  const depth = new Map<string, number>();
  const visiting = new Set<string>();
  const depthOf = (id: string): number => {
    const known = depth.get(id);
    if (known !== undefined) return known;
    if (visiting.has(id)) return 0;
    visiting.add(id);
    const d = Math.max(-1, ...(preds.get(id) ?? []).filter((p) => doc.nodes[p]).map(depthOf)) + 1;
    visiting.delete(id);
    depth.set(id, d);
    return d;
  };
  const rows = new Map<number, number>();
  for (const id of ids) {
    const ui = doc.nodes[id]!.ui;
    if (ui) {
      out.set(id, ui);
      continue;
    }
    const d = depthOf(id);
    const r = rows.get(d) ?? 0;
    rows.set(d, r + 1);
    out.set(id, { x: d * COLUMN, y: r * ROW });
  }
  return out;
}

/** `relativePath('examples', 'models/faces64')` → `../models/faces64` (both workspace-relative). */
export function relativePath(fromDir: string, to: string): string {
  const a = fromDir.split('/').filter((p) => p && p !== '.');
  const b = to.split('/').filter((p) => p && p !== '.');
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  return [...a.slice(i).map(() => '..'), ...b.slice(i)].join('/') || '.';
}

export const dirOf = (path: string) => (path.includes('/') ? path.slice(0, path.lastIndexOf('/')) : '.');
