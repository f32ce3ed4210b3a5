/** Topological order of nodes over the wiring (Kahn), ties broken by id for determinism. */
import type { Wiring } from './check-edges.js';

export function topoOrder(ids: Iterable<string>, wiring: Wiring): string[] {
  const nodes = new Set(ids);
  const indeg = new Map<string, number>();
  const succ = new Map<string, string[]>();
  for (const id of nodes) {
    indeg.set(id, 0);
    succ.set(id, []);
  }
  for (const [to, inputs] of wiring) {
    if (!nodes.has(to)) continue;
    for (const src of inputs.values()) {
      if (!nodes.has(src.node)) continue;
      indeg.set(to, indeg.get(to)! + 1);
      succ.get(src.node)!.push(to);
    }
  }
  const ready = [...nodes].filter((id) => indeg.get(id) === 0).sort();
  const order: string[] = [];
  while (ready.length) {
    const v = ready.shift()!;
    order.push(v);
    for (const w of succ.get(v)!) {
      const d = indeg.get(w)! - 1;
      indeg.set(w, d);
      if (d === 0) {
        ready.push(w);
        ready.sort();
      }
    }
  }
  return order;
}
