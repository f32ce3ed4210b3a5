/**
 * Running the graph in this browser with onnxruntime-web: WebGPU when the browser has it,
 * else WebAssembly. Validation and execution are core's, node code is the plugins' own; files
 * are read from and written to the workspace through the server. The page has one web compute
 * (its sessions and built models shared by every run, on either backend), and unchanged nodes
 * come from this page's cache, as on the server.
 */
import { useCallback, useRef, useState } from 'react';
import { MemoryCache, checkGraph, execute, valueStream, type GraphDocument } from '@stylegraph/core';
import { createWebCompute, type Compute } from '@stylegraph/ops-gpu/web';
import { errorMessage, type ServerRunEvent } from '../api';
import { initialRun, reduceRun, type RunState } from '../run/useRun';
import { browserRegistry } from './registry';
import { RemoteFiles } from './remote-files';
import { previewsOf } from './previews';

export type BrowserBackend = 'webgpu' | 'wasm';

let pageCompute: Compute | undefined;
const cache = new MemoryCache(256);

/** The page's one compute, made on the first browser run. */
function compute(): Compute {
  // Asking for WebGPU explicitly accepts a software adapter; with none at all, WASM runs.
  pageCompute ??= createWebCompute({ allowSoftwareAdapter: true });
  return pageCompute;
}

/** The backend to use: the one asked for, or wasm (with the reason) when WebGPU is unavailable. */
async function pickBackend(want: BrowserBackend): Promise<{ name: BrowserBackend; note?: string }> {
  if (want === 'webgpu') {
    const ok = await compute().getBackend('webgpu').available();
    if (ok !== true) return { name: 'wasm', note: `WebGPU unavailable (${ok}); ran on WebAssembly` };
  }
  return { name: want };
}

export function useBrowserRun() {
  const [state, setState] = useState<RunState>(initialRun);
  const controller = useRef<AbortController | undefined>(undefined);

  const start = useCallback(async (graph: GraphDocument, path: string | undefined, base: string, want: BrowserBackend) => {
    controller.current?.abort();
    const abort = new AbortController();
    controller.current = abort;
    const runId = `browser-${Date.now()}`;
    setState((s) => ({ ...initialRun, previews: s.previews, values: s.values, phase: 'starting', runId }));
    const push = (e: ServerRunEvent) => setState((s) => (s.runId === runId ? reduceRun(s, e) : s));
    try {
      const check = checkGraph(graph, browserRegistry);
      if (!check.graph) {
        const first = check.diagnostics.find((d) => d.severity === 'error');
        setState((s) => ({ ...s, phase: 'invalid', diagnostics: check.diagnostics, message: `the graph is invalid: ${first?.message ?? ''}` }));
        return;
      }
      const backend = await pickBackend(want);
      setState((s) => ({ ...s, phase: 'running', ...(backend.note && { log: [backend.note] }) }));
      const files = new RemoteFiles(base, path);
      const stream = valueStream({ event: push, values: (node, values, step) => push({ type: 'values', node, values, ...(step !== undefined && { step }) }), previews: (node, previews) => push({ type: 'preview', node, previews }) }, previewsOf);
      const summary = await execute(check.graph, {
        files,
        services: { compute: compute().withBackend(backend.name) },
        cache,
        signal: abort.signal,
        concurrency: 1,
        onEvent: stream.onEvent,
        onOutputs: stream.onOutputs,
      });
      await stream.settled();
      push({ type: 'finished', status: summary.status, ms: Math.round(summary.ms), counts: summary.counts, nodes: summary.nodes, written: files.written });
      if (backend.note) setState((s) => (s.runId === runId ? { ...s, message: `${s.message ?? ''} · ${backend.note}` } : s));
      else setState((s) => (s.runId === runId ? { ...s, message: `${s.message ?? ''} · in the browser on ${backend.name}` } : s));
    } catch (e) {
      setState((s) => (s.runId === runId ? { ...s, phase: 'error', message: errorMessage(e) } : s));
    }
  }, []);

  const cancel = useCallback(async () => controller.current?.abort(new Error('cancelled')), []);

  return { state, start, cancel };
}
