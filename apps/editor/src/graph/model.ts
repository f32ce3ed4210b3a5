/**
 * Edits of a graph document as pure functions: the editor's state is the very document the
 * runner runs, so what is on the canvas is what gets saved.
 */
import { GRAPH_FORMAT, GRAPH_FORMAT_VERSION, splitPortRef, type GraphDocument, type GraphEdge, type GraphNode } from '@stylegraph/core';
import type { NodeTypeInfo } from '../api';

export const emptyGraph = (): GraphDocument => ({ format: GRAPH_FORMAT, formatVersion: GRAPH_FORMAT_VERSION, title: 'Untitled', nodes: {}, edges: [] });

/** `base`, else `base2`, `base3`, … (the first id free in `doc` and not in `taken`). */
export function uniqueId(doc: GraphDocument, base: string, taken: ReadonlySet<string> = new Set()): string {
  if (!doc.nodes[base] && !taken.has(base)) return base;
  const stem = base.replace(/\d+$/, '') || base;
  for (let i = 2; ; i++) if (!doc.nodes[`${stem}${i}`] && !taken.has(`${stem}${i}`)) return `${stem}${i}`;
}

/** Node type `ns/SeedLatents` → id `seedLatents`, `seedLatents2`, … (a free id in `doc`). */
export function freshId(doc: GraphDocument, type: string): string {
  const name = type.slice(type.indexOf('/') + 1);
  return uniqueId(doc, (name.charAt(0).toLowerCase() + name.slice(1)).replace(/[^A-Za-z0-9_-]/g, '').slice(0, 56) || 'node');
}

const withPlugin = (doc: GraphDocument, info: NodeTypeInfo): GraphDocument['plugins'] =>
  doc.plugins?.[info.plugin.name] ? doc.plugins : { ...doc.plugins, [info.plugin.name]: `^${info.plugin.version}` };

export function addNode(doc: GraphDocument, info: NodeTypeInfo, at: { x: number; y: number }): { doc: GraphDocument; id: string } {
  const id = freshId(doc, info.type);
  const node: GraphNode = { type: info.type, version: info.version, ui: { x: Math.round(at.x), y: Math.round(at.y) } };
  return { id, doc: { ...doc, plugins: withPlugin(doc, info), nodes: { ...doc.nodes, [id]: node } } };
}

export function removeNodes(doc: GraphDocument, ids: ReadonlySet<string>): GraphDocument {
  if (![...ids].some((id) => doc.nodes[id])) return doc;
  const nodes = Object.fromEntries(Object.entries(doc.nodes).filter(([id]) => !ids.has(id)));
  const edges = doc.edges.filter((e) => !ids.has(splitPortRef(e.from).node) && !ids.has(splitPortRef(e.to).node));
  return { ...doc, nodes, edges };
}

export const edgeId = (e: GraphEdge) => `${e.from}->${e.to}`;

export function removeEdges(doc: GraphDocument, ids: ReadonlySet<string>): GraphDocument {
  const edges = doc.edges.filter((e) => !ids.has(edgeId(e)));
  return edges.length === doc.edges.length ? doc : { ...doc, edges };
}

/** Connects `from` to `to`, replacing whatever fed `to` before (an input takes one edge). */
export function connect(doc: GraphDocument, from: string, to: string): GraphDocument {
  return { ...doc, edges: [...doc.edges.filter((e) => e.to !== to), { from, to }] };
}

/** Sets a param; `undefined` removes it (the node type's default applies). */
export function setParam(doc: GraphDocument, id: string, name: string, value: unknown): GraphDocument {
  const node = doc.nodes[id];
  if (!node) return doc;
  const params = { ...node.params };
  if (value === undefined) delete params[name];
  else params[name] = value;
  const next: GraphNode = { ...node, params };
  if (!Object.keys(params).length) delete next.params;
  return { ...doc, nodes: { ...doc.nodes, [id]: next } };
}

export function setTitle(doc: GraphDocument, id: string, title: string): GraphDocument {
  const node = doc.nodes[id];
  if (!node) return doc;
  const next: GraphNode = { ...node, title };
  if (!title) delete next.title;
  return { ...doc, nodes: { ...doc.nodes, [id]: next } };
}

export function moveNodes(doc: GraphDocument, positions: ReadonlyMap<string, { x: number; y: number }>): GraphDocument {
  let changed = false;
  const nodes = Object.fromEntries(
    Object.entries(doc.nodes).map(([id, n]) => {
      const p = positions.get(id);
      if (!p) return [id, n];
      const ui = { x: Math.round(p.x), y: Math.round(p.y) };
      if (n.ui?.x === ui.x && n.ui?.y === ui.y) return [id, n];
      changed = true;
      return [id, { ...n, ui }];
    }),
  );
  return changed ? { ...doc, nodes } : doc;
}

export interface Clip {
  readonly nodes: Record<string, GraphNode>;
  readonly edges: GraphEdge[];
  readonly plugins: Record<string, string>;
}

/** The selected nodes and the edges between them. */
export function copyNodes(doc: GraphDocument, ids: ReadonlySet<string>): Clip {
  const nodes = Object.fromEntries(Object.entries(doc.nodes).filter(([id]) => ids.has(id)));
  const edges = doc.edges.filter((e) => ids.has(splitPortRef(e.from).node) && ids.has(splitPortRef(e.to).node));
  const plugins = Object.fromEntries(Object.entries(doc.plugins ?? {}));
  return { nodes, edges, plugins };
}

/** Adds a clip's nodes under fresh ids, shifted by `offset`; returns the new ids. */
export function pasteNodes(doc: GraphDocument, clip: Clip, offset: { x: number; y: number }): { doc: GraphDocument; ids: string[] } {
  const rename = new Map<string, string>();
  for (const id of Object.keys(clip.nodes)) rename.set(id, uniqueId(doc, id.slice(0, 60), new Set(rename.values())));
  const nodes = { ...doc.nodes };
  for (const [id, n] of Object.entries(clip.nodes)) {
    nodes[rename.get(id)!] = { ...structuredClone(n), ui: { x: (n.ui?.x ?? 0) + offset.x, y: (n.ui?.y ?? 0) + offset.y } };
  }
  const ref = (r: string) => {
    const { node, port } = splitPortRef(r);
    return `${rename.get(node)}.${port}`;
  };
  const edges = [...doc.edges, ...clip.edges.map((e) => ({ from: ref(e.from), to: ref(e.to) }))];
  const plugins = { ...clip.plugins, ...doc.plugins };
  return { doc: { ...doc, plugins, nodes, edges }, ids: [...rename.values()] };
}
