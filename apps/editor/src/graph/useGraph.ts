/**
 * The document being edited, with undo/redo, the file it came from, and its diagnostics from
 * the server's validator (re-checked shortly after every change).
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import type { GraphDocument } from '@stylegraph/core';
import { api, type Diagnostic } from '../api';
import { record, redo as redoH, replace, startHistory, undo as undoH, type History } from './history';
import { emptyGraph } from './model';

/** Changes with the same key within this time are one undo step (slider drags, typing). */
const COALESCE_MS = 800;

export function useGraph() {
  const [initial] = useState(emptyGraph);
  const [history, setHistory] = useState<History>(() => startHistory(initial));
  const [path, setPath] = useState<string | undefined>(undefined);
  /** The document as last loaded or saved: "dirty" means changed since. */
  const [saved, setSaved] = useState<GraphDocument>(initial);
  const [diagnostics, setDiagnostics] = useState<readonly Diagnostic[]>([]);
  const last = useRef<{ key?: string; at: number }>({ at: 0 });
  const doc = history.present;

  /** Applies an edit; `key` merges quick repeated edits of one thing into one undo step. */
  const edit = useCallback((f: (d: GraphDocument) => GraphDocument, key?: string) => {
    const now = Date.now();
    const merge = key !== undefined && last.current.key === key && now - last.current.at < COALESCE_MS;
    last.current = { ...(key !== undefined && { key }), at: now };
    setHistory((h) => {
      const next = f(h.present);
      return merge ? replace(h, next) : record(h, next);
    });
  }, []);

  /** Changes the document without an undo step (positions while dragging). */
  const preview = useCallback((f: (d: GraphDocument) => GraphDocument) => setHistory((h) => replace(h, f(h.present))), []);

  const load = useCallback((d: GraphDocument, p: string | undefined) => {
    setHistory(startHistory(d));
    setPath(p);
    setSaved(d);
    last.current = { at: 0 };
  }, []);

  const undo = useCallback(() => setHistory(undoH), []);
  const redo = useCallback(() => setHistory(redoH), []);
  const markSaved = useCallback((p: string, d: GraphDocument) => {
    setPath(p);
    setSaved(d);
  }, []);

  useEffect(() => {
    let stale = false;
    const timer = setTimeout(() => {
      api.graph.validate
        .query({ graph: doc, ...(path && { path }) })
        .then((r) => !stale && setDiagnostics(r.diagnostics))
        .catch(() => undefined);
    }, 120);
    return () => {
      stale = true;
      clearTimeout(timer);
    };
  }, [doc, path]);

  return {
    doc,
    path,
    dirty: saved !== doc,
    diagnostics,
    canUndo: history.past.length > 0,
    canRedo: history.future.length > 0,
    edit,
    preview,
    load,
    undo,
    redo,
    markSaved,
  };
}

export type GraphStore = ReturnType<typeof useGraph>;
