/**
 * Running the graph in this browser with onnxruntime-web: WebGPU when the browser has it,
 * else WebAssembly. Validation and execution are core's, node code is the plugins' own; files
 * are read from and written to the workspace through the server. Unchanged nodes come from
 * this page's cache, as on the server.
 */
import { useCallback, useRef, useState } from 'react';
import { MemoryCache, checkGraph, execute, type GraphDocument, summarizeValue } from '@stylegraph/core';
import { webBackends, registerWebBackends } from '@stylegraph/ops-gpu/web';
import { errorMessage, type ServerRunEvent } from '../api';
import { initialRun, reduceRun, type RunState } from '../run/useRun';
import { browserRegistry } from './registry';
import { RemoteFiles } from './remote-files';
import { previewsOf } from './previews';

export type BrowserBackend = 'webgpu' | 'wasm';

let registered = false;
const cache = new MemoryCache(256);

/** The backend to use: the one asked for, or wasm (with the reason) when WebGPU is unavailable. */
async function pickBackend(want: BrowserBackend): Promise<{ name: BrowserBackend; note?: string }> {
  if (!registered) {
    // Asking for WebGPU explicitly accepts a software adapter; with none at all, WASM runs.
    registerWebBackends({ allowSoftwareAdapter: true });
    registered = true;
  }
  if (want === 'webgpu') {
    const ok = await webBackends.webgpu.available();
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
      const previews: Promise<void>[] = [];
      const summary = await execute(check.graph, {
        files,
        backend: webBackends[backend.name],
        cache,
        signal: abort.signal,
        concurrency: 1,
        onEvent: push,
        onOutputs: (node, outputs) => {
          push({ type: 'values', node, values: summarizeValue(outputs) as Record<string, unknown> });
          previews.push(previewsOf(outputs).then((p) => void (p.length && push({ type: 'preview', node, previews: p })), () => undefined));
        },
      });
      await Promise.all(previews);
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
