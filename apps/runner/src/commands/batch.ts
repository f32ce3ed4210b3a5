/**
 * `stylegraph batch plan|run|status|cancel|results`: a graph sharded along an item axis and run
 * by workers on a BullMQ queue (see ../batch/). Exit 0 when every shard is done, 1 when a shard
 * failed or the job was cancelled, 2 on a usage error or an invalid graph.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { dirname, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { GraphDocumentSchema, type GraphDocument, type Registry } from '@stylegraph/core';
import { UsageError, applySets, readGraphFile } from '../graph-file.js';
import { loadRegistry } from '../host/plugins.js';
import { MIN_STALL_MS, connect, queueUrl, reachable, redact, shardQueue } from '../batch/connection.js';
import { planBatch, type BatchPlan } from '../batch/plan.js';
import { submitBatch } from '../batch/submit.js';
import { followBatch } from '../batch/follow.js';
import { startLocalRedis, type LocalRedis } from '../batch/local-redis.js';
import { failures, findBatch, progressOf, shardRecords, type BatchRecord } from '../batch/store.js';
import { sweepTemporary } from '../batch/sweep.js';
import { cancelBatch } from '../batch/cancel.js';
import { inputHashes } from '../batch/inputs.js';
import { parseAxisSpec } from '../batch/axis.js';
import { NodeFiles } from '../host/node-files.js';
import { graphName } from './run.js';
import type { CliIo } from '../cli.js';

/** The CLI's io (`write`: progress lines on a terminal). */
export type BatchIo = CliIo;

export interface PlanOptions {
  readonly shard?: string;
  readonly size?: number;
  readonly set?: readonly string[];
  readonly out?: string;
  readonly backend?: string;
  readonly trust?: readonly string[];
}

const DEFAULT_SIZE = 256;

async function loadGraph(path: string, opts: PlanOptions, warn: (m: string) => void): Promise<{ doc: GraphDocument; registry: Registry }> {
  const text = await readGraphFile(path);
  const first = GraphDocumentSchema.safeParse(JSON.parse(text));
  const required = first.success ? Object.keys(first.data.plugins ?? {}) : [];
  const registry = await loadRegistry({ required, fromDir: dirname(resolve(path)), trust: new Set(opts.trust ?? []), warn });
  const { doc, errors } = applySets(text, opts.set ?? [], registry);
  if (errors.length) throw new UsageError(errors.join('\n'));
  const parsed = GraphDocumentSchema.safeParse(doc);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new UsageError(`${path}: not a graph document: ${issue.path.join('.') || '(root)'}: ${issue.message}`);
  }
  return { doc: parsed.data, registry };
}

export async function planFor(path: string, opts: PlanOptions, io: Pick<BatchIo, 'err'>): Promise<{ plan: BatchPlan; out: string; root: string }> {
  const { doc, registry } = await loadGraph(path, opts, (m) => io.err(`stylegraph: warning: ${m}`));
  const shard = opts.shard ?? doc.batch?.shard;
  if (!shard) throw new UsageError(`${path}: say which param holds the items: --shard node.param (e.g. seeds.seeds), or "batch": { "shard": … } in the graph`);
  const out = resolve(opts.out ?? `out/${graphName(path)}`);
  const root = dirname(resolve(path));
  const { node, param } = parseAxisSpec(shard);
  const files = new NodeFiles({ readRoot: root, outDir: out });
  const inputs = await inputHashes(doc, registry, { node, param }, (p) => files.hash(p));
  const plan = planBatch(doc, registry, { shard, size: opts.size ?? doc.batch?.size ?? DEFAULT_SIZE, backend: opts.backend ?? 'auto', out, root, inputs });
  return { plan, out, root };
}

const showValue = (v: unknown) => (typeof v === 'string' ? v : JSON.stringify(v).slice(0, 120));

export async function batchPlanCommand(path: string, opts: PlanOptions & { json?: boolean }, io: BatchIo): Promise<number> {
  const { plan, out } = await planFor(path, opts, io);
  if (opts.json) {
    io.out(JSON.stringify({ id: plan.id, axis: plan.axis, size: plan.size, perItem: plan.perItem, out, shards: plan.shards }, null, 2));
    return 0;
  }
  io.out(`job ${plan.id}: ${plan.axis.total} items of ${plan.axis.node}.${plan.axis.param} in ${plan.shards.length} shards of ≤ ${plan.size}, into ${out}`);
  io.out(`nodes on the item axis: ${plan.perItem.join(', ')}`);
  for (const s of plan.shards) io.out(`shard ${s.index}: items ${s.offset}–${s.offset + s.count - 1} (${s.count}): ${showValue(s.value)}`);
  return 0;
}

export interface RunBatchOptions extends PlanOptions {
  readonly queue?: string;
  readonly local?: number;
  readonly name?: string;
  readonly attempts?: number;
  readonly wait?: boolean;
  readonly json?: boolean;
  /** Workers' lock time (ms) for --local workers. */
  readonly stallMs?: number;
  /** The --local workers' shared cache folder. */
  readonly cache?: string;
}

/** SIGTERM (a worker finishes its shard), then SIGKILL after a grace. */
async function stopWorkers(workers: readonly ChildProcess[], graceMs = 10_000): Promise<void> {
  const ended = (w: ChildProcess) => w.exitCode !== null || w.signalCode !== null;
  await Promise.all(
    workers.map(
      (w) =>
        new Promise<void>((res) => {
          if (ended(w)) return res();
          const timer = setTimeout(() => w.kill('SIGKILL'), graceMs);
          w.once('exit', () => {
            clearTimeout(timer);
            res();
          });
          w.kill('SIGTERM');
        }),
    ),
  );
}

const BIN = fileURLToPath(new URL('../../bin/stylegraph.js', import.meta.url));

/** `--local N`: N `stylegraph worker` processes on this machine. */
function localWorkers(n: number, url: string, opts: RunBatchOptions, io: BatchIo): ChildProcess[] {
  return Array.from({ length: n }, () => {
    const args = [BIN, 'worker', '--queue', url, ...(opts.backend ? ['--backend', opts.backend] : []), ...(opts.stallMs ? ['--stall-ms', String(opts.stallMs)] : []), ...(opts.cache ? ['--cache', resolve(opts.cache)] : []), ...(opts.trust ?? []).flatMap((t) => ['--trust', t])];
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    // Each shard's line is the follower's business; anything else a worker says is passed on.
    child.stderr!.on('data', (b: Buffer) => {
      for (const line of b.toString().split('\n')) if (line && !/^stylegraph worker: (shard \d+ of |taking shards from )/.test(line)) io.err(line);
    });
    return child;
  });
}

export async function batchRunCommand(path: string, opts: RunBatchOptions, io: BatchIo): Promise<number> {
  if (opts.queue && opts.local === undefined) queueUrl(opts.queue);
  if (!opts.queue && opts.local === undefined) throw new UsageError('say where the shards go: --queue redis://host:6379, or --local N to run N workers here');
  if (opts.local !== undefined && (!Number.isSafeInteger(opts.local) || opts.local < 1 || opts.local > 64)) throw new UsageError(`--local ${opts.local}: a number of workers from 1 to 64`);
  if (opts.local !== undefined && opts.wait === false) throw new UsageError('--local workers stop when the command returns: --no-wait needs --queue and workers of their own');
  if (opts.stallMs !== undefined && opts.stallMs < MIN_STALL_MS) throw new UsageError(`--stall-ms ${opts.stallMs}: at least ${MIN_STALL_MS}`);
  const { plan, out, root } = await planFor(path, opts, io);
  let local: LocalRedis | undefined;
  let workers: ChildProcess[] = [];
  const url = opts.queue ?? (local = await startLocalRedis()).url;
  // Not fail-fast: following a job survives a restart of its Redis.
  const redis = connect(url);
  const queue = shardQueue(redis);
  try {
    await reachable(redis, url);
    const name = opts.name ?? `${graphName(path)}-${plan.id.slice(0, 8)}`;
    const submitted = await submitBatch(redis, queue, plan, {
      name,
      job: { document: plan.document, axis: plan.axis, perItem: plan.perItem, root, out },
      backend: opts.backend ?? 'auto',
      ...(opts.attempts !== undefined && { attempts: opts.attempts }),
    });
    const already = submitted.alreadyDone ? `; ${submitted.alreadyDone} already done` : '';
    io.err(`job ${name} (${plan.id}): ${plan.shards.length} shards, ${plan.axis.total} items → ${relative(process.cwd(), out) || '.'}; queued ${submitted.queued}${submitted.retried ? `, retried ${submitted.retried}` : ''}${already}`);
    if (opts.wait === false) return 0;
    if (opts.local) workers = localWorkers(opts.local, url, opts, io);
    const record = (await findBatch(redis, plan.id))!;
    const exited = () => (workers.length && workers.every((w) => w.exitCode !== null || w.signalCode !== null) ? `every --local worker exited (${workers.map((w) => w.exitCode ?? w.signalCode).join(', ')})` : undefined);
    const r = await followBatch(redis, queue, record, io, { gone: exited });
    if (r.gone) io.err(`stylegraph: ${r.gone}; the job is not finished (submit it again to resume)`);
    if (r.done === plan.shards.length) await sweepTemporary(out);
    const summary = await summaryOf(redis, record);
    if (opts.json) io.out(JSON.stringify(summary, null, 2));
    const rate = summary.items.done / Math.max(1e-3, r.ms / 1000);
    io.err(`${r.cancelled ? 'cancelled' : r.failed.size ? 'failed' : 'done'}: ${r.done}/${plan.shards.length} shards (${summary.items.done} items, ${rate.toFixed(1)} items/s, ${(r.ms / 1000).toFixed(1)} s)${r.failed.size ? `; ${r.failed.size} failed` : ''}`);
    return r.done === plan.shards.length ? 0 : 1;
  } finally {
    await stopWorkers(workers);
    await queue.close().catch(() => undefined);
    redis.disconnect();
    await local?.stop();
  }
}

async function summaryOf(redis: ReturnType<typeof connect>, b: BatchRecord) {
  const [records, failed, p] = await Promise.all([shardRecords(redis, b.id), failures(redis, b.id), progressOf(redis, b.id)]);
  return {
    id: b.id,
    name: b.name,
    title: b.job.document.title,
    out: b.job.out,
    created: b.created,
    cancelled: b.cancelled,
    shards: { total: b.shards, done: p.done, failed: p.failed, pending: b.shards - p.done - p.failed },
    items: { total: b.items, done: records.reduce((n, r) => n + r.items, 0) },
    failures: Object.fromEntries(failed),
    done: records,
  };
}

async function withJob<T>(idOrName: string, opts: { queue?: string }, run: (redis: ReturnType<typeof connect>, b: BatchRecord) => Promise<T>): Promise<T> {
  if (!opts.queue) throw new UsageError('--queue redis://host:6379 is required');
  const url = queueUrl(opts.queue);
  const redis = connect(url, { failFast: true });
  try {
    await reachable(redis, url);
    const b = await findBatch(redis, idOrName);
    if (!b) throw new UsageError(`no batch job "${idOrName}" on ${redact(url)}`);
    return await run(redis, b);
  } finally {
    redis.disconnect();
  }
}

export function batchStatusCommand(job: string, opts: { queue?: string; json?: boolean }, io: BatchIo): Promise<number> {
  return withJob(job, opts, async (redis, b) => {
    const s = await summaryOf(redis, b);
    if (opts.json) io.out(JSON.stringify({ ...s, done: undefined }, null, 2));
    else {
      io.out(`${b.name} (${b.id}): ${s.cancelled ? 'cancelled; ' : ''}${s.shards.done}/${s.shards.total} shards done, ${s.shards.failed} failed, ${s.shards.pending} pending; ${s.items.done}/${s.items.total} items → ${b.job.out}`);
      for (const [i, e] of Object.entries(s.failures)) io.out(`failed shard ${i}: ${e}`);
    }
    return s.shards.done === s.shards.total ? 0 : 1;
  });
}

export function batchCancelCommand(job: string, opts: { queue?: string }, io: BatchIo): Promise<number> {
  return withJob(job, opts, async (redis, b) => {
    const queue = shardQueue(redis);
    let removed: number;
    try {
      removed = await cancelBatch(redis, queue, b);
    } finally {
      await queue.close();
    }
    io.out(`cancelled ${b.name}: ${removed} queued shards removed; running shards finish, no new ones start (submit the job again to resume)`);
    return 0;
  });
}

export function batchResultsCommand(job: string, opts: { queue?: string; json?: boolean }, io: BatchIo): Promise<number> {
  return withJob(job, opts, async (redis, b) => {
    const s = await summaryOf(redis, b);
    if (opts.json) io.out(JSON.stringify(s, null, 2));
    else {
      for (const r of s.done) io.out(`shard ${r.shard}: ${r.items} items, ${r.files.length} files, ${(r.ms / 1000).toFixed(2)} s on ${r.worker} (${r.backend}); ${r.counts.ran} ran, ${r.counts.cached} cached`);
      for (const [i, e] of Object.entries(s.failures)) io.out(`shard ${i}: failed: ${e}`);
    }
    return s.shards.done === s.shards.total ? 0 : 1;
  });
}
