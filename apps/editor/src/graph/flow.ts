/** The document as React Flow nodes and edges, decorated with diagnostics and run state. */
import type { Edge } from '@xyflow/react';
import { splitPortRef, type GraphDocument } from '@stylegraph/core';
import type { Diagnostic, NodeTypeInfo } from '../api';
import type { GraphFlowNode } from '../components/GraphNodeView';
import type { RunState } from '../run/useRun';
import { edgeId } from './model';
import { positions } from './layout';
import { portColor } from './ports';

export function flowNodes(
  doc: GraphDocument,
  types: ReadonlyMap<string, NodeTypeInfo>,
  diagnostics: readonly Diagnostic[],
  run: RunState,
  prev: readonly GraphFlowNode[],
): GraphFlowNode[] {
  const before = new Map(prev.map((n) => [n.id, n]));
  const at = positions(doc);
  return Object.entries(doc.nodes).map(([id, node]) => {
    const old = before.get(id);
    const info = types.get(node.type);
    return {
      ...old,
      id,
      type: 'graph',
      position: old?.dragging ? old.position : at.get(id)!,
      data: {
        id,
        node,
        ...(info && { info }),
        diagnostics: diagnostics.filter((d) => d.node === id),
        ...(run.nodes[id] && { run: run.nodes[id] }),
        ...(run.previews[id] && { previews: run.previews[id] }),
        ...(run.values[id] && { values: run.values[id] }),
      },
    };
  });
}

export function flowEdges(doc: GraphDocument, types: ReadonlyMap<string, NodeTypeInfo>, selected: ReadonlySet<string>, running: ReadonlySet<string>): Edge[] {
  return doc.edges.map((e) => {
    const from = splitPortRef(e.from);
    const to = splitPortRef(e.to);
    const port = types.get(doc.nodes[from.node]?.type ?? '')?.outputs[from.port];
    const id = edgeId(e);
    return {
      id,
      source: from.node,
      sourceHandle: from.port,
      target: to.node,
      targetHandle: to.port,
      selected: selected.has(id),
      animated: running.has(from.node),
      style: { stroke: portColor(port), strokeWidth: selected.has(id) ? 3 : 2 },
    };
  });
}
