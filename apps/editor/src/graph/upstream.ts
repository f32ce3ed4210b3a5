/** The nodes a graph's nodes depend on, and the part of a graph they form. */
import { splitPortRef, type GraphDocument } from '@stylegraph/core';

/** `ids` and every node they depend on through edges. */
export function upstreamOf(doc: GraphDocument, ids: Iterable<string>): Set<string> {
  const feeds = new Map<string, string[]>();
  for (const e of doc.edges) {
    const to = splitPortRef(e.to).node;
    feeds.set(to, [...(feeds.get(to) ?? []), splitPortRef(e.from).node]);
  }
  const out = new Set<string>();
  const stack = [...ids].filter((id) => doc.nodes[id]);
  while (stack.length) {
    const id = stack.pop()!;
    if (out.has(id) || !doc.nodes[id]) continue;
    out.add(id);
    stack.push(...(feeds.get(id) ?? []));
  }
  return out;
}

/** The graph of `ids` and what they depend on: their nodes (without editor positions) and the edges between them. */
export function upstreamGraph(doc: GraphDocument, ids: Iterable<string>): GraphDocument {
  const keep = upstreamOf(doc, ids);
  const nodes = Object.fromEntries(
    Object.entries(doc.nodes)
      .filter(([id]) => keep.has(id))
      .map(([id, { ui: _ui, ...n }]) => [id, n]),
  );
  const edges = doc.edges.filter((e) => keep.has(splitPortRef(e.from).node) && keep.has(splitPortRef(e.to).node));
  return { ...doc, nodes, edges };
}
