/**
 * Runs started through the server. Each run executes in the background and records its
 * events (per-node progress, previews, errors, the final summary) so a client can stream them
 * from the start, or resume after a reconnect. All runs of a server share one output cache, so
 * a re-run after an edit recomputes only the nodes the edit affects.
 */
import { randomUUID } from 'node:crypto';
import { execute, valueStream, MemoryCache, type CheckedGraph, type Diagnostic, type NodeResult, type RunEvent, type RunStatus, summarizeValue } from '@stylegraph/core';
import type { Compute } from '@stylegraph/ops-gpu';
import { defaultMemoryBudget } from '../host/memory-budget.js';
import { previewsOf, type Preview } from './previews.js';
import type { RunFiles } from './run-files.js';

export type ServerRunEvent =
  /** Intermediate values (`node-value`) are not streamed as they are: they become `values` and `preview` events. */
  | Exclude<RunEvent, { readonly type: 'node-value' }>
  | { readonly type: 'preview'; readonly node: string; readonly previews: readonly Preview[] }
  /** A node's output values in brief: scalars and reports as they are, tensors as dtype and shape. */
  | { readonly type: 'values'; readonly node: string; readonly values: Readonly<Record<string, unknown>>; readonly step?: number }
  | {
      readonly type: 'finished';
      readonly status: RunStatus;
      readonly ms: number;
      readonly counts: Readonly<Record<string, number>>;
      readonly nodes: Readonly<Record<string, NodeResult>>;
      readonly written: readonly string[];
    };

export interface RunRecord {
  readonly id: string;
  readonly events: ServerRunEvent[];
  readonly controller: AbortController;
  done: boolean;
  result?: { status: RunStatus; nodes: Record<string, NodeResult>; outputs: Record<string, unknown>; written: readonly string[]; diagnostics: readonly Diagnostic[] };
  /** Wakes waiting event streams. */
  readonly waiters: Set<() => void>;
}

/** How many finished runs are kept for `run.result` and late subscribers. */
const KEEP_RUNS = 16;

/** One of the server's run slots, taken before a run is prepared and given back when it ends. */
export interface RunSlot {
  release(): void;
}

export class RunManager {
  private readonly runs = new Map<string, RunRecord>();
  /** One output cache per server (= per workspace). */
  readonly cache = new MemoryCache(512);
  private busy = 0;

  /** @param maxActive runs allowed at the same time, counting those being prepared. */
  constructor(readonly maxActive = 2) {}

  get(id: string): RunRecord | undefined {
    return this.runs.get(id);
  }

  /** Runs holding a slot (preparing or running). */
  get active(): number {
    return this.busy;
  }

  /**
   * Takes a slot synchronously — before any await, so simultaneous requests cannot all pass
   * the check — or returns undefined when all are taken. The slot is freed by `release()`
   * (idempotent), or by the run it is given to when that run ends.
   */
  reserve(): RunSlot | undefined {
    if (this.busy >= this.maxActive) return undefined;
    this.busy++;
    let held = true;
    return {
      release: () => {
        if (held) this.busy--;
        held = false;
      },
    };
  }

  start(graph: CheckedGraph, opts: { files: RunFiles; compute: Compute; diagnostics: readonly Diagnostic[]; slot: RunSlot }): RunRecord {
    const record: RunRecord = { id: randomUUID(), events: [], controller: new AbortController(), done: false, waiters: new Set() };
    this.runs.set(record.id, record);
    this.trim();
    const push = (e: ServerRunEvent) => {
      record.events.push(e);
      for (const wake of record.waiters) wake();
    };
    const stream = valueStream<Preview>({ event: push, values: (node, values, step) => push({ type: 'values', node, values, ...(step !== undefined && { step }) }), previews: (node, previews) => push({ type: 'preview', node, previews }) }, previewsOf);
    const run = async () => {
      const summary = await execute(graph, {
        files: opts.files,
        services: { compute: opts.compute, hostFolders: opts.files.folders },
        cache: this.cache,
        // The CLI's default: runs whose planned outputs would not fit in memory are refused.
        memoryBudget: defaultMemoryBudget(),
        signal: record.controller.signal,
        onEvent: stream.onEvent,
        onOutputs: stream.onOutputs,
      });
      await stream.settled();
      const outputs = Object.fromEntries(Object.entries(summary.outputs).map(([k, v]) => [k, summarizeValue(v)]));
      record.result = { status: summary.status, nodes: { ...summary.nodes }, outputs, written: opts.files.written, diagnostics: opts.diagnostics };
      push({ type: 'finished', status: summary.status, ms: Math.round(summary.ms), counts: summary.counts, nodes: summary.nodes, written: opts.files.written });
    };
    run()
      .catch((e: unknown) => {
        const message = e instanceof Error ? e.message : String(e);
        record.result = { status: 'failed', nodes: {}, outputs: {}, written: opts.files.written, diagnostics: opts.diagnostics };
        push({ type: 'log', node: '', level: 'warn', message: `run failed: ${message}` });
        push({ type: 'finished', status: 'failed', ms: 0, counts: {}, nodes: {}, written: opts.files.written });
      })
      .finally(() => {
        opts.slot.release();
        record.done = true;
        for (const wake of record.waiters) wake();
      });
    return record;
  }

  cancel(id: string): boolean {
    const r = this.runs.get(id);
    if (!r || r.done) return false;
    r.controller.abort(new Error('cancelled'));
    return true;
  }

  /** Events of a run from index `from`, waiting for new ones until the run is done or `signal` aborts. */
  async *events(id: string, from: number, signal?: AbortSignal): AsyncGenerator<[number, ServerRunEvent]> {
    const r = this.runs.get(id);
    if (!r) return;
    let i = Math.max(0, from);
    for (;;) {
      while (i < r.events.length) {
        yield [i, r.events[i]!];
        i++;
      }
      if (r.done || signal?.aborted) return;
      await new Promise<void>((wake) => {
        const done = () => {
          r.waiters.delete(done);
          signal?.removeEventListener('abort', done);
          wake();
        };
        r.waiters.add(done);
        signal?.addEventListener('abort', done, { once: true });
      });
    }
  }

  cancelAll(): void {
    for (const r of this.runs.values()) if (!r.done) r.controller.abort(new Error('server stopping'));
  }

  private trim(): void {
    const finished = [...this.runs.values()].filter((r) => r.done);
    for (const r of finished.slice(0, Math.max(0, finished.length - KEEP_RUNS))) this.runs.delete(r.id);
  }
}
