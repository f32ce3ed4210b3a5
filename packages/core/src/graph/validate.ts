/**
 * `checkGraph`: the one validation function used by the CLI (`stylegraph check` and before
 * every run), the server and the editor. It never throws on bad input: it returns every
 * diagnostic it can find, and — when there are no errors — the resolved graph to execute.
 */
import { hasErrors, type Diagnostic } from './diagnostics.js';
import type { GraphDocument } from './document.js';
import { parseGraph } from './parse.js';
import { checkPlugins, resolveNodes, type ResolvedNode } from './resolve-nodes.js';
import { checkEdges, type Wiring } from './check-edges.js';
import { findCycles } from './cycles.js';
import { topoOrder } from './topo.js';
import { checkShapes, type ShapeResult } from './check-shapes.js';
import { checkSizes } from './check-sizes.js';
import type { Registry } from '../plugin/registry.js';

export interface CheckedGraph {
  /** The document with older node versions migrated. */
  readonly document: GraphDocument;
  readonly nodes: ReadonlyMap<string, ResolvedNode>;
  readonly wiring: Wiring;
  /** All nodes in a topological order. */
  readonly order: readonly string[];
  readonly shapes: ShapeResult;
}

export interface CheckResult {
  readonly ok: boolean;
  readonly diagnostics: readonly Diagnostic[];
  /** Present when `ok`. */
  readonly graph?: CheckedGraph;
}

const severityRank = { error: 0, warning: 1, info: 2 } as const;

/** A diagnostic is one line whatever text of the document it quotes: control characters are escaped. */
// eslint-disable-next-line no-control-regex
const oneLine = (d: Diagnostic): Diagnostic => (/[\u0000-\u001f\u2028\u2029]/.test(d.message) ? { ...d, message: d.message.replace(/[\u0000-\u001f\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`) } : d);

export function checkGraph(input: string | unknown, registry: Registry): CheckResult {
  const parsed = parseGraph(input);
  const diagnostics = [...parsed.diagnostics];
  const finish = (graph?: CheckedGraph): CheckResult => {
    const sorted = diagnostics
      .map((d, i) => ({ d: oneLine(d), i }))
      .sort((a, b) => severityRank[a.d.severity] - severityRank[b.d.severity] || a.i - b.i)
      .map(({ d }) => d);
    const ok = !hasErrors(sorted);
    return { ok, diagnostics: sorted, ...(ok && graph && { graph }) };
  };
  if (!parsed.graph) return finish();

  diagnostics.push(...checkPlugins(parsed.graph, registry));
  const nodes = resolveNodes(parsed.graph, registry, diagnostics);
  const wiring = checkEdges(parsed.graph, nodes, parsed.brokenNodes, parsed.edgeIndex, diagnostics);
  const ids = Object.keys(parsed.graph.nodes);
  const cyclic = findCycles(ids, wiring, diagnostics);
  const acyclic = [...nodes.keys()].filter((id) => !cyclic.has(id));
  const order = topoOrder(acyclic, wiring);
  const shapes = checkShapes(order, nodes, wiring, diagnostics);
  checkSizes({ order, nodes, wiring, shapes }, diagnostics);

  const document: GraphDocument = {
    ...parsed.graph,
    nodes: Object.fromEntries(Object.entries(parsed.graph.nodes).map(([id, n]) => [id, nodes.get(id)?.node ?? n])),
  };
  return finish({ document, nodes, wiring, order, shapes });
}
