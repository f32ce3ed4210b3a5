/**
 * Canonical serialization of graph documents: fixed field order, params sorted by name,
 * two-space indentation and a final newline. The editor and the runner write graphs through
 * this one function, so a saved file is the same bytes wherever it was saved.
 */
import type { GraphDocument, GraphNode } from './document.js';

const sortKeys = (value: unknown): unknown => {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .map((k) => [k, sortKeys((value as Record<string, unknown>)[k])]),
    );
  }
  return value;
};

const orderNode = (n: GraphNode): GraphNode => ({
  type: n.type,
  version: n.version,
  ...(n.title !== undefined && { title: n.title }),
  ...(n.params !== undefined && { params: sortKeys(n.params) as Record<string, unknown> }),
  ...(n.ui !== undefined && { ui: { x: n.ui.x, y: n.ui.y } }),
});

export function serializeGraph(doc: GraphDocument): string {
  const ordered: GraphDocument = {
    ...(doc.$schema !== undefined && { $schema: doc.$schema }),
    format: doc.format,
    formatVersion: doc.formatVersion,
    ...(doc.title !== undefined && { title: doc.title }),
    ...(doc.description !== undefined && { description: doc.description }),
    ...(doc.plugins !== undefined && { plugins: sortKeys(doc.plugins) as Record<string, string> }),
    ...(doc.lock !== undefined && { lock: sortKeys(doc.lock) as GraphDocument['lock'] }),
    ...(doc.models !== undefined && { models: sortKeys(doc.models) as GraphDocument['models'] }),
    nodes: Object.fromEntries(Object.entries(doc.nodes).map(([id, n]) => [id, orderNode(n)])),
    edges: doc.edges.map((e) => ({ from: e.from, to: e.to })),
  };
  return `${JSON.stringify(ordered, null, 2)}\n`;
}
