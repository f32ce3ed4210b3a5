/**
 * Running the graph on the server: start (the server validates first), stream per-node events
 * and previews, cancel. Previews stay on their nodes until a newer run replaces them.
 */
import { useCallback, useRef, useState } from 'react';
import type { GraphDocument } from '@stylegraph/core';
import { api, errorMessage, type Diagnostic, type Preview, type ServerRunEvent } from '../api';

export type NodeRunStatus = 'running' | 'done' | 'cached' | 'failed' | 'skipped' | 'cancelled';

export interface NodeRunState {
  readonly status: NodeRunStatus;
  readonly fraction?: number;
  readonly ms?: number;
  readonly error?: string;
}

export interface RunState {
  readonly phase: 'idle' | 'starting' | 'running' | 'ok' | 'failed' | 'cancelled' | 'invalid' | 'error';
  readonly runId?: string;
  readonly nodes: Readonly<Record<string, NodeRunState>>;
  readonly previews: Readonly<Record<string, readonly Preview[]>>;
  /** Output values in brief, by node and port. */
  readonly values: Readonly<Record<string, Readonly<Record<string, unknown>>>>;
  readonly message?: string;
  readonly written: readonly string[];
  readonly log: readonly string[];
  readonly diagnostics: readonly Diagnostic[];
}

export const initialRun: RunState = { phase: 'idle', nodes: {}, previews: {}, values: {}, written: [], log: [], diagnostics: [] };

export function reduceRun(s: RunState, e: ServerRunEvent): RunState {
  const node = (id: string, n: NodeRunState) => ({ ...s, nodes: { ...s.nodes, [id]: n } });
  switch (e.type) {
    case 'node-start':
      return node(e.node, { status: 'running', fraction: 0 });
    case 'node-progress':
      return node(e.node, { status: 'running', fraction: e.fraction });
    case 'node-done':
      return node(e.node, { status: e.cached ? 'cached' : 'done', ms: e.ms });
    case 'node-failed':
      return node(e.node, { status: 'failed', error: `${e.error.code}: ${e.error.message}` });
    case 'node-skipped':
      return node(e.node, { status: 'skipped', error: e.reason });
    case 'log':
      return { ...s, log: [...s.log, `${e.node ? `${e.node}: ` : ''}${e.message}`].slice(-200) };
    case 'values':
      return { ...s, values: { ...s.values, [e.node]: e.values } };
    case 'preview':
      return { ...s, previews: { ...s.previews, [e.node]: e.previews } };
    case 'finished': {
      const c = e.counts;
      const summary = `${e.status} in ${(e.ms / 1000).toFixed(2)} s: ${c.ran ?? 0} ran, ${c.cached ?? 0} cached, ${c.failed ?? 0} failed, ${c.skipped ?? 0} skipped`;
      const nodes = { ...s.nodes };
      for (const [id, r] of Object.entries(e.nodes)) if (r.status === 'cancelled') nodes[id] = { status: 'cancelled' };
      return { ...s, nodes, phase: e.status === 'ok' ? 'ok' : e.status === 'cancelled' ? 'cancelled' : 'failed', message: summary, written: e.written };
    }
  }
}

export function useRun() {
  const [state, setState] = useState<RunState>(initialRun);
  const sub = useRef<{ unsubscribe(): void } | undefined>(undefined);

  const start = useCallback(async (graph: GraphDocument, path: string | undefined, backend: 'auto' | 'cpu' | 'webgpu') => {
    sub.current?.unsubscribe();
    setState((s) => ({ ...initialRun, previews: s.previews, values: s.values, phase: 'starting' }));
    try {
      const r = await api.run.start.mutate({ graph, ...(path && { path }), backend });
      if (!r.ok) {
        const first = r.diagnostics.find((d) => d.severity === 'error');
        setState((s) => ({ ...s, phase: 'invalid', diagnostics: r.diagnostics, message: `the graph is invalid: ${first?.message ?? ''}` }));
        return;
      }
      setState((s) => ({ ...s, phase: 'running', runId: r.runId }));
      sub.current = api.run.events.subscribe(
        { runId: r.runId },
        {
          onData: ({ data }) => {
            setState((s) => (s.runId === r.runId ? reduceRun(s, data) : s));
            if (data.type === 'finished') sub.current?.unsubscribe();
          },
          onError: (err) => setState((s) => ({ ...s, phase: 'error', message: errorMessage(err) })),
        },
      );
    } catch (e) {
      setState((s) => ({ ...s, phase: 'error', message: errorMessage(e) }));
    }
  }, []);

  const cancel = useCallback(async () => {
    if (state.runId && state.phase === 'running') await api.run.cancel.mutate({ runId: state.runId }).catch(() => undefined);
  }, [state.runId, state.phase]);

  return { state, start, cancel };
}
