/**
 * The executor: runs a checked graph demand-driven — only the nodes the requested outputs
 * need, each as soon as its inputs are ready, independent branches concurrently. Outputs are
 * memoized by derivation key = hash(type, version, canonical params, input keys, hashes of
 * the files read), so a re-run after one change recomputes only what depends on it. A
 * failing node reports its id and cause; its dependents are skipped; the rest finishes.
 * With a memory budget, a run whose planned outputs exceed it stops before the node that
 * would not fit starts (see memory-budget.ts).
 */
import { NodeError, isNodeError } from '../plugin/context.js';
import type { FileAccess } from '../plugin/context.js';
import { recordingServices, sameServices } from '../plugin/services.js';
import type { RunServices } from '../plugin/services.js';
import type { CheckedGraph } from '../graph/validate.js';
import type { GraphDocument } from '../graph/document.js';
import { checkValue } from '../types/check-value.js';
import { kindOf } from '../types/port-types.js';
import { canonicalJson, sha256Hex } from '../util/hash.js';
import type { OutputCache } from './cache.js';
import type { NodeFailure, NodeResult, RunEvent, RunStatus, RunSummary } from './events.js';
import { fileHash, makeNodeContext } from './node-context.js';
import { MemoryBudget } from './memory-budget.js';

export interface ExecuteOptions {
  readonly files: FileAccess;
  /** Node ids whose outputs are wanted; default: every node no other node consumes. */
  readonly targets?: readonly string[];
  /**
   * The host's services (e.g. `{ compute }`), lent to every node as `ctx.services`. Outputs of
   * nodes that used a service are keyed by its `cacheIdentity()` (see services.ts).
   */
  readonly services?: Partial<RunServices>;
  readonly signal?: AbortSignal;
  /** Nodes allowed to run at the same time (default 4). */
  readonly concurrency?: number;
  readonly cache?: OutputCache;
  readonly onEvent?: (e: RunEvent) => void;
  /** Called with each node's output values as soon as it is done (run or taken from the cache). */
  readonly onOutputs?: (node: string, outputs: Readonly<Record<string, unknown>>) => void;
  /**
   * Bytes the run's output values may take in all (every output is kept until the run ends),
   * planned from the graph's shapes; a run over it fails with MEMORY_BUDGET before the node
   * that would not fit starts. Default: unbounded.
   */
  readonly memoryBudget?: number;
  /** How to raise the budget, appended to a refusal (e.g. "raise it with --max-memory"). */
  readonly memoryBudgetHint?: string;
  /** When this run is one shard of a batch job (see `BatchShardRun`). */
  readonly shard?: BatchShardRun;
}

/**
 * One shard of a batch job: the graph run is the job's graph with its item axis narrowed. Nodes
 * see the job's whole `document` (what they embed in their outputs, so a shard writes the bytes
 * the single run would) and, on the nodes whose batch is the item axis, `ctx.batchOffset`.
 */
export interface BatchShardRun {
  readonly document: GraphDocument;
  /** node id → the job-wide index of its batch element 0 in this shard. */
  readonly offsets: Readonly<Record<string, number>>;
}

/** The nodes the targets need, in topological order. */
function needed(graph: CheckedGraph, targets: readonly string[]): string[] {
  const want = new Set<string>();
  const visit = (id: string) => {
    if (want.has(id)) return;
    want.add(id);
    for (const src of graph.wiring.get(id)?.values() ?? []) visit(src.node);
  };
  targets.forEach(visit);
  return graph.order.filter((id) => want.has(id));
}

export function defaultTargets(graph: CheckedGraph): string[] {
  const consumed = new Set<string>();
  for (const inputs of graph.wiring.values()) for (const src of inputs.values()) consumed.add(src.node);
  return graph.order.filter((id) => !consumed.has(id) || graph.nodes.get(id)?.def.purity === 'effect');
}

const failureOf = (e: unknown): NodeFailure =>
  isNodeError(e)
    ? { code: e.code, message: e.message }
    : { code: 'NODE_FAILED', message: e instanceof Error ? e.message : String(e) };

export async function execute(graph: CheckedGraph, opts: ExecuteOptions): Promise<RunSummary> {
  const t0 = performance.now();
  const emit = opts.onEvent ?? (() => {});
  for (const t of opts.targets ?? []) {
    if (!graph.nodes.has(t)) throw new RangeError(`execute: target "${t}" is not a node of the graph`);
  }
  const targets = opts.targets ?? defaultTargets(graph);
  const plan = needed(graph, targets);
  if (opts.memoryBudget !== undefined && !(opts.memoryBudget >= 0)) throw new RangeError(`execute: memoryBudget ${opts.memoryBudget} is not a number of bytes`);
  const budget = opts.memoryBudget === undefined ? undefined : new MemoryBudget(graph, plan, opts.memoryBudget, opts.memoryBudgetHint);
  const controller = new AbortController();
  const onAbort = () => controller.abort(opts.signal?.reason);
  opts.signal?.addEventListener('abort', onAbort, { once: true });
  if (opts.signal?.aborted) onAbort();

  const results = new Map<string, NodeResult>();
  const values = new Map<string, Record<string, unknown>>();
  const keys = new Map<string, string>();
  const running = new Set<Promise<void>>();
  const limit = Math.max(1, opts.concurrency ?? 4);
  const services = (opts.services ?? {}) as Readonly<Record<string, unknown>>;

  const settle = (id: string, r: NodeResult) => {
    results.set(id, r);
    if (r.status === 'failed') emit({ type: 'node-failed', node: id, error: r.error! });
    if (r.status === 'skipped') emit({ type: 'node-skipped', node: id, reason: r.reason! });
    if (r.status === 'done' || r.status === 'cached') emit({ type: 'node-done', node: id, ms: r.ms, cached: r.status === 'cached' });
  };

  const runNode = async (id: string): Promise<void> => {
    const n = graph.nodes.get(id)!;
    const inputs: Record<string, unknown> = {};
    const inputKeys: Record<string, string> = {};
    for (const [port, src] of graph.wiring.get(id) ?? []) {
      inputs[port] = values.get(src.node)![src.port];
      inputKeys[port] = `${keys.get(src.node)}.${src.port}`;
    }
    // The plugin's version is in the key: an upgraded plugin (a fixed bug, same node version) recomputes.
    const batchOffset = opts.shard && Object.hasOwn(opts.shard.offsets, id) ? opts.shard.offsets[id] : undefined;
    const preKey = await sha256Hex(canonicalJson({ type: n.def.type, version: n.def.version, plugin: `${n.pluginName}@${n.pluginVersion}`, params: n.params, inputs: inputKeys, ...(batchOffset && { batchOffset }) }));
    const cacheable = n.def.purity !== 'effect' && opts.cache;
    const cacheCtx = { kinds: Object.fromEntries(Object.entries(n.def.outputs).map(([p, spec]) => [p, kindOf(spec)])), files: opts.files };
    // A cache that cannot answer (a corrupt entry, a handle whose file changed) is a miss.
    const hit = cacheable ? await opts.cache!.get(preKey, cacheCtx).catch(() => undefined) : undefined;
    if (hit) {
      const fresh = await Promise.all(hit.files.map(async ([p, h]) => (await fileHash(opts.files, p).catch(() => '')) === h));
      // A stored value must still be a value of its port (a cache on disk may hold what an older plugin wrote).
      const valid = Object.entries(n.def.outputs).every(([port, spec]) => checkValue(spec, hit.outputs[port]) === undefined);
      if (valid && fresh.every(Boolean) && (await sameServices(hit.services ?? [], services))) {
        values.set(id, hit.outputs as Record<string, unknown>);
        budget?.record(id, hit.outputs);
        keys.set(id, hit.key);
        opts.onOutputs?.(id, hit.outputs);
        settle(id, { status: 'cached', ms: 0, key: hit.key });
        return;
      }
    }
    emit({ type: 'node-start', node: id });
    const recording = recordingServices(services, n.def.type);
    const { ctx, reads } = makeNodeContext({ nodeId: id, document: opts.shard?.document ?? graph.document, ...(n.params && { params: n.params }), ...(batchOffset !== undefined && { batchOffset }), services: recording.view, files: opts.files, signal: controller.signal, emit });
    const start = performance.now();
    try {
      ctx.throwIfAborted();
      const out = (await n.def.run({ inputs: inputs as never, params: n.params as never, ctx })) as Record<string, unknown>;
      for (const [port, spec] of Object.entries(n.def.outputs)) {
        const why = checkValue(spec, out?.[port]);
        if (why) throw new NodeError('NODE_OUTPUT_INVALID', `${n.def.type} returned an invalid "${port}": ${why}`);
      }
      const ms = performance.now() - start;
      const used = await recording.used();
      const key =
        n.def.purity === 'effect'
          ? await sha256Hex(`${preKey}:effect:${Math.random()}:${Date.now()}`)
          : await sha256Hex(canonicalJson({ preKey, files: reads, ...(used.length && { services: used }) }));
      values.set(id, out);
      budget?.record(id, out);
      keys.set(id, key);
      // A cache that cannot store an entry never fails the run. Outputs a node returned after
      // the run was cancelled (e.g. an optimizer's best so far) are used but never cached.
      if (cacheable && !controller.signal.aborted) await opts.cache!.set(preKey, { files: reads, key, ...(used.length && { services: used }), outputs: out }, cacheCtx).catch(() => undefined);
      opts.onOutputs?.(id, out);
      settle(id, { status: 'done', ms, key });
    } catch (e) {
      const ms = performance.now() - start;
      if (controller.signal.aborted) settle(id, { status: 'cancelled', ms });
      else settle(id, { status: 'failed', ms, error: failureOf(e) });
    }
  };

  const pending = new Set(plan);
  const blockedBy = (id: string): string | undefined => {
    for (const [port, src] of graph.wiring.get(id) ?? []) {
      const r = results.get(src.node);
      if (r && r.status !== 'done' && r.status !== 'cached') return `input "${port}" comes from node "${src.node}", which ${r.status === 'failed' ? 'failed' : `was ${r.status}`}`;
    }
    return undefined;
  };
  const ready = (id: string) => [...(graph.wiring.get(id)?.values() ?? [])].every((s) => results.has(s.node));

  while (pending.size || running.size) {
    const refusal = controller.signal.aborted ? undefined : budget?.check(pending);
    if (refusal) {
      // Nothing more starts; what runs now finishes.
      for (const id of plan.filter((p) => pending.has(p))) {
        pending.delete(id);
        if (id === refusal.node) settle(id, { status: 'failed', ms: 0, error: refusal.failure });
        else settle(id, { status: 'skipped', ms: 0, reason: `not started: the run went over its memory budget (see node "${refusal.node}")` });
      }
    }
    for (const id of [...pending]) {
      if (controller.signal.aborted) {
        pending.delete(id);
        settle(id, { status: 'cancelled', ms: 0 });
        continue;
      }
      if (!ready(id)) continue;
      const reason = blockedBy(id);
      if (reason) {
        pending.delete(id);
        settle(id, { status: 'skipped', ms: 0, reason });
        continue;
      }
      if (running.size >= limit) break;
      pending.delete(id);
      const p: Promise<void> = runNode(id).finally(() => running.delete(p));
      running.add(p);
    }
    if (running.size) await Promise.race(running);
    else if (pending.size && ![...pending].some(ready)) break; // unreachable for checked graphs
  }
  opts.signal?.removeEventListener('abort', onAbort);

  const outputs: Record<string, unknown> = {};
  for (const t of targets) for (const [port, v] of Object.entries(values.get(t) ?? {})) outputs[`${t}.${port}`] = v;
  const nodes = Object.fromEntries(plan.map((id) => [id, results.get(id) ?? { status: 'cancelled' as const, ms: 0 }]));
  const count = (s: NodeResult['status']) => Object.values(nodes).filter((r) => r.status === s).length;
  const counts = { ran: count('done'), cached: count('cached'), failed: count('failed'), skipped: count('skipped'), cancelled: count('cancelled') };
  const status: RunStatus = counts.cancelled ? 'cancelled' : counts.failed || counts.skipped ? 'failed' : 'ok';
  return { status, diagnostics: [], nodes, outputs, ms: performance.now() - t0, counts };
}
