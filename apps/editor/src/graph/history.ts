/** Undo/redo over whole documents (they are small and immutable, so snapshots are cheap). */
import type { GraphDocument } from '@stylegraph/core';

export interface History {
  readonly past: readonly GraphDocument[];
  readonly present: GraphDocument;
  readonly future: readonly GraphDocument[];
}

const LIMIT = 200;

export const startHistory = (doc: GraphDocument): History => ({ past: [], present: doc, future: [] });

export function record(h: History, doc: GraphDocument): History {
  if (doc === h.present) return h;
  return { past: [...h.past, h.present].slice(-LIMIT), present: doc, future: [] };
}

/** Replaces the present without an undo step (e.g. while a node is being dragged). */
export const replace = (h: History, doc: GraphDocument): History => ({ ...h, present: doc });

export function undo(h: History): History {
  const prev = h.past.at(-1);
  return prev ? { past: h.past.slice(0, -1), present: prev, future: [h.present, ...h.future] } : h;
}

export function redo(h: History): History {
  const next = h.future[0];
  return next ? { past: [...h.past, h.present], present: next, future: h.future.slice(1) } : h;
}
