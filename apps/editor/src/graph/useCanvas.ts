/**
 * The canvas's view of the document: React Flow nodes and edges (with selection, diagnostics
 * and run state), and the edits the canvas makes — add, connect (checked by the validator
 * first), move, delete, copy and paste.
 */
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { applyNodeChanges, useReactFlow, type Connection, type EdgeChange, type NodeChange } from '@xyflow/react';
import { formatDiagnostic } from '@stylegraph/core';
import { api, errorMessage, type NodeTypeInfo } from '../api';
import type { GraphFlowNode } from '../components/GraphNodeView';
import type { RunState } from '../run/useRun';
import { flowEdges, flowNodes } from './flow';
import { addNode, connect, copyNodes, moveNodes, pasteNodes, removeEdges, removeNodes, type Clip } from './model';
import type { GraphStore } from './useGraph';

interface Options {
  readonly g: GraphStore;
  readonly typeMap: ReadonlyMap<string, NodeTypeInfo>;
  readonly run: RunState;
  /** The path validation resolves relative paths against. */
  readonly path: string;
  readonly say: (text: string, kind?: 'error' | 'info') => void;
}

export function useCanvas({ g, typeMap, run, path, say }: Options) {
  const flow = useReactFlow();
  const [nodes, setNodes] = useState<GraphFlowNode[]>([]);
  const latest = useRef(nodes);
  latest.current = nodes;
  const [selectedEdges, setSelectedEdges] = useState<ReadonlySet<string>>(new Set());
  const clip = useRef<Clip | undefined>(undefined);
  const pastes = useRef(0);

  /** Nodes to select once they are on the canvas (an added or pasted node appears after the document re-renders). */
  const pendingSelection = useRef<readonly string[] | undefined>(undefined);
  const withPending = useCallback((ns: GraphFlowNode[]) => {
    const want = pendingSelection.current;
    if (!want || !want.every((id) => ns.some((n) => n.id === id))) return ns;
    return ns.map((n) => (n.selected === want.includes(n.id) ? n : { ...n, selected: want.includes(n.id) }));
  }, []);
  useEffect(() => {
    setNodes((prev) => withPending(flowNodes(g.doc, typeMap, g.diagnostics, run, prev)));
  }, [g.doc, typeMap, g.diagnostics, run, withPending]);
  useEffect(() => {
    const want = pendingSelection.current;
    if (want && want.every((id) => nodes.some((n) => n.id === id && n.selected))) pendingSelection.current = undefined;
  }, [nodes]);
  const running = useMemo(() => new Set(Object.entries(run.nodes).filter(([, n]) => n.status === 'running').map(([id]) => id)), [run.nodes]);
  const edges = useMemo(() => flowEdges(g.doc, typeMap, selectedEdges, running), [g.doc, typeMap, selectedEdges, running]);
  const selectedNodes = useMemo(() => new Set(nodes.filter((n) => n.selected).map((n) => n.id)), [nodes]);

  const select = useCallback(
    (ids: readonly string[]) => {
      pendingSelection.current = ids;
      setNodes(withPending);
    },
    [withPending],
  );

  const add = useCallback(
    (t: NodeTypeInfo, at?: { x: number; y: number }) => {
      const pos = at ?? flow.screenToFlowPosition({ x: window.innerWidth / 2, y: window.innerHeight / 2 });
      let id = '';
      g.edit((d) => {
        const r = addNode(d, t, pos);
        id = r.id;
        return r.doc;
      });
      select([id]);
    },
    [g, flow, select],
  );

  /** A connection that would add a validation error is refused with that error. */
  const onConnect = useCallback(
    async (c: Connection) => {
      if (!c.sourceHandle || !c.targetHandle) return;
      const from = `${c.source}.${c.sourceHandle}`;
      const to = `${c.target}.${c.targetHandle}`;
      try {
        const [now, next] = await Promise.all([api.graph.validate.query({ graph: g.doc, path }), api.graph.validate.query({ graph: connect(g.doc, from, to), path })]);
        const known = new Set(now.diagnostics.filter((d) => d.severity === 'error').map(formatDiagnostic));
        const added = next.diagnostics.filter((d) => d.severity === 'error' && !known.has(formatDiagnostic(d)));
        if (added.length) return say(`Cannot connect ${from} → ${to}: ${added[0]!.message}`, 'error');
        g.edit((d) => connect(d, from, to));
      } catch (e) {
        say(errorMessage(e), 'error');
      }
    },
    [g, path, say],
  );

  const onNodesChange = useCallback(
    (changes: NodeChange<GraphFlowNode>[]) => {
      setNodes((ns) => applyNodeChanges(changes, ns));
      const removed = new Set(changes.flatMap((c) => (c.type === 'remove' ? [c.id] : [])));
      if (removed.size) g.edit((d) => removeNodes(d, removed));
      // Positions go into the document (one undo step) when a drag ends.
      const dropped = changes.flatMap((c) => (c.type === 'position' && c.dragging === false ? [c.id] : []));
      if (dropped.length) {
        setTimeout(() => {
          const moved = new Map(latest.current.filter((n) => dropped.includes(n.id)).map((n) => [n.id, n.position]));
          g.edit((d) => moveNodes(d, moved));
        }, 0);
      }
    },
    [g],
  );

  const onEdgesChange = useCallback(
    (changes: EdgeChange[]) => {
      const removed = new Set(changes.flatMap((c) => (c.type === 'remove' ? [c.id] : [])));
      if (removed.size) g.edit((d) => removeEdges(d, removed));
      const sel = changes.flatMap((c) => (c.type === 'select' ? [c] : []));
      if (!sel.length) return;
      setSelectedEdges((prev) => {
        const next = new Set(prev);
        for (const c of sel) {
          if (c.selected) next.add(c.id);
          else next.delete(c.id);
        }
        return next;
      });
    },
    [g],
  );

  const copy = useCallback(() => {
    if (!selectedNodes.size) return;
    clip.current = copyNodes(g.doc, selectedNodes);
    pastes.current = 0;
  }, [g.doc, selectedNodes]);

  const paste = useCallback(() => {
    const c = clip.current;
    if (!c) return;
    const step = 40 * ++pastes.current;
    let ids: string[] = [];
    g.edit((d) => {
      const r = pasteNodes(d, c, { x: step, y: step });
      ids = r.ids;
      return r.doc;
    });
    select(ids);
  }, [g, select]);

  const reset = useCallback(() => {
    setSelectedEdges(new Set());
    setTimeout(() => flow.fitView({ padding: 0.15 }), 50);
  }, [flow]);

  return { nodes, edges, selectedNodes, add, onConnect, onNodesChange, onEdgesChange, copy, paste, reset };
}
