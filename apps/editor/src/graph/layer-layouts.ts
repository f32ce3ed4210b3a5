/**
 * Generators' layer layouts as the editor learns them: from node value summaries (a run's
 * `values` events, or the server's description of nodes before a run), which carry a
 * generator's layout as plain data. A node's layout is the one upstream of it.
 */
import { isLayerLayout, type LayerLayout } from '@stylegraph/ops-gpu/layers';
import type { GraphDocument } from '@stylegraph/core';
import type { NodeTypeInfo } from '../api';
import { fieldKind, type JsonSchema } from '../components/schema';
import { upstreamOf } from './upstream';

/** Node value summaries, by node and output port. */
export type NodeValues = Readonly<Record<string, Readonly<Record<string, unknown>>>>;

/** The layouts the summaries carry, by node (a summary with a `layout` field). */
export function layoutsIn(values: NodeValues): Map<string, LayerLayout> {
  const out = new Map<string, LayerLayout>();
  for (const [node, ports] of Object.entries(values)) {
    for (const summary of Object.values(ports)) {
      const layout = (summary as { layout?: unknown } | null)?.layout;
      if (isLayerLayout(layout)) out.set(node, layout);
    }
  }
  return out;
}

/** The one distinct layout among `layouts`, or undefined for none or several. */
function only(layouts: Iterable<LayerLayout>): LayerLayout | undefined {
  const distinct = new Map([...layouts].map((l) => [JSON.stringify(l), l]));
  return distinct.size === 1 ? [...distinct.values()][0] : undefined;
}

/** The layout node `id` works with: the one upstream of it, else the graph's only one. */
export function layoutFor(doc: GraphDocument, id: string, layouts: ReadonlyMap<string, LayerLayout>): LayerLayout | undefined {
  const up = [...upstreamOf(doc, [id])].flatMap((n) => (layouts.has(n) ? [layouts.get(n)!] : []));
  if (up.length) return only(up);
  return only([...layouts].filter(([n]) => doc.nodes[n]).map(([, l]) => l));
}

/** Whether some param of the node type picks layers (a `layers` widget). */
export const picksLayers = (info: NodeTypeInfo | undefined): boolean =>
  Object.values((info?.params as JsonSchema | undefined)?.properties ?? {}).some((s) => fieldKind(s).kind === 'layers');

/**
 * The nodes whose values can tell the layouts that layer params need: the source nodes (of
 * types without inputs, such as loaders) upstream of nodes with layer params; sorted.
 */
export function layoutSources(doc: GraphDocument, types: ReadonlyMap<string, NodeTypeInfo>): string[] {
  const pickers = Object.keys(doc.nodes).filter((id) => picksLayers(types.get(doc.nodes[id]!.type)));
  return [...upstreamOf(doc, pickers)].filter((id) => Object.keys(types.get(doc.nodes[id]!.type)?.inputs ?? { unknown: 1 }).length === 0).sort();
}
