/**
 * Cycle detection over the wiring (Tarjan's strongly connected components). Each cycle is
 * reported once, printed as a path: `a → b → c → a`.
 */
import type { Diagnostic } from './diagnostics.js';
import type { Wiring } from './check-edges.js';

/** Successors: node → nodes that consume its outputs. */
function successors(ids: readonly string[], wiring: Wiring): Map<string, string[]> {
  const succ = new Map<string, string[]>(ids.map((id) => [id, []]));
  for (const [to, inputs] of wiring) for (const src of inputs.values()) succ.get(src.node)?.push(to);
  for (const list of succ.values()) list.sort();
  return succ;
}

/** Returns the nodes that lie on a cycle, and adds one diagnostic per cycle. */
export function findCycles(ids: readonly string[], wiring: Wiring, out: Diagnostic[]): Set<string> {
  const succ = successors(ids, wiring);
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const inCycle = new Set<string>();
  let counter = 0;

  const strongConnect = (v: string): void => {
    index.set(v, counter);
    low.set(v, counter++);
    stack.push(v);
    onStack.add(v);
    for (const w of succ.get(v) ?? []) {
      if (!index.has(w)) {
        strongConnect(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) !== index.get(v)) return;
    const component: string[] = [];
    let w: string;
    do {
      w = stack.pop()!;
      onStack.delete(w);
      component.push(w);
    } while (w !== v);
    const selfLoop = (succ.get(v) ?? []).includes(v);
    if (component.length > 1 || selfLoop) {
      component.forEach((c) => inCycle.add(c));
      const path = cyclePath(component, succ);
      out.push({ severity: 'error', code: 'CYCLE', node: path[0], message: `cycle: ${path.join(' → ')}` });
    }
  };
  for (const id of [...ids].sort()) if (!index.has(id)) strongConnect(id);
  return inCycle;
}

/** A concrete cycle inside a strongly connected component, starting at its smallest id. */
function cyclePath(component: string[], succ: Map<string, string[]>): string[] {
  const members = new Set(component);
  const start = [...component].sort()[0]!;
  // Breadth-first search back to start gives a shortest cycle through it.
  const prev = new Map<string, string>();
  const queue = [start];
  while (queue.length) {
    const v = queue.shift()!;
    for (const w of succ.get(v) ?? []) {
      if (!members.has(w)) continue;
      if (w === start) {
        const path = [start];
        for (let cur = v; cur !== start; cur = prev.get(cur)!) path.splice(1, 0, cur);
        return [...path, start];
      }
      if (!prev.has(w)) {
        prev.set(w, v);
        queue.push(w);
      }
    }
  }
  return [start, start];
}
