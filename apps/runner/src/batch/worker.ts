/**
 * `stylegraph worker`: takes shards from the queue and runs them. Plugins, compute and loaded
 * models are kept between shards; a shard's files are synced to disk before the shard is
 * acknowledged. A worker that dies mid-shard holds its lock no longer: BullMQ's stalled-job
 * check hands the shard to another worker, which writes the same bytes under the same names.
 */
import { hostname } from 'node:os';
import { UnrecoverableError, Worker, type Job } from 'bullmq';
import { resolve } from 'node:path';
import type { OutputCache, Registry } from '@stylegraph/core';
import { DiskCache } from '../host/disk-cache.js';
import type { Compute } from '@stylegraph/ops-gpu';
import { loadRegistry } from '../host/plugins.js';
import { VERSION } from '../version.js';
import { PREFIX, SHARD_QUEUE, connect } from './connection.js';
import { HandleCache, ShardFailure, runShard } from './run-shard.js';
import { doneShard, findBatch, isCancelled, recordDone, recordFailed, type BatchRecord, type ShardData, type ShardRecord } from './store.js';

export interface WorkerOptions {
  readonly queue: string;
  readonly concurrency?: number;
  /** Overrides each job's backend. */
  readonly backend?: string;
  readonly trust?: readonly string[];
  /** How long a shard's lock lasts without renewal; a dead worker's shard is handed on after about this long. */
  readonly stallMs?: number;
  /** A node-output cache folder shared by workers (`run --cache`): a changed job re-runs only what its change reaches. */
  readonly cache?: string;
  readonly log?: (line: string) => void;
}

/** Compute objects by backend name, plugins by graph, loaded models: kept for the worker's life. */
class WorkerHost {
  private readonly computes = new Map<string, Promise<Compute>>();
  private readonly registries = new Map<string, Promise<Registry>>();
  private readonly batches = new Map<string, BatchRecord>();
  readonly cache: OutputCache;
  constructor(private readonly opts: WorkerOptions) {
    this.cache = opts.cache === undefined ? new HandleCache() : new DiskCache(resolve(opts.cache), { onWriteError: (m) => opts.log?.(`warning: ${m}`) });
  }

  compute(name: string): Promise<Compute> {
    let c = this.computes.get(name);
    if (!c) {
      c = import('../host/compute.js').then((m) => m.nodeCompute(name));
      this.computes.set(name, c);
    }
    return c;
  }

  registry(b: BatchRecord): Promise<Registry> {
    const key = JSON.stringify([b.job.root, b.job.document.plugins]);
    let r = this.registries.get(key);
    if (!r) {
      r = loadRegistry({ required: Object.keys(b.job.document.plugins ?? {}), fromDir: b.job.root, trust: new Set(this.opts.trust ?? []), ...(this.opts.log && { warn: this.opts.log }) });
      r.catch(() => this.registries.delete(key));
      this.registries.set(key, r);
    }
    return r;
  }

  /** A batch's record, kept for the last few batches only (a record holds the whole graph). */
  batch(id: string, load: () => Promise<BatchRecord | undefined>): Promise<BatchRecord | undefined> {
    const known = this.batches.get(id);
    if (known) return Promise.resolve(known);
    return load().then((b) => {
      if (b) {
        this.batches.set(id, b);
        while (this.batches.size > KEPT_BATCHES) this.batches.delete(this.batches.keys().next().value!);
      }
      return b;
    });
  }

  async close(): Promise<void> {
    for (const c of this.computes.values()) await c.then((x) => x.clear()).catch(() => undefined);
  }
}

const KEPT_BATCHES = 8;

export const workerName = () => `${hostname()}:${process.pid}`;

export function startWorker(opts: WorkerOptions): { worker: Worker; closed: Promise<void>; close(): Promise<void> } {
  const redis = connect(opts.queue);
  const host = new WorkerHost(opts);
  const log = opts.log ?? (() => {});
  const processor = async (job: Job<ShardData>) => {
    const { batch: id, shard } = job.data;
    const batch = await host.batch(id, () => findBatch(redis, id));
    if (!batch) throw new UnrecoverableError(`batch ${id} is not on the queue (its record is gone)`);
    if (await isCancelled(redis, id)) return { cancelled: true };
    const already = await doneShard(redis, id, shard.index);
    if (already) return already;
    const backend = opts.backend ?? batch.backend;
    const [registry, compute] = await Promise.all([host.registry(batch), host.compute(backend)]);
    const t0 = performance.now();
    try {
      const result = await runShard(batch.job, shard, { registry, services: { compute }, cache: host.cache });
      const versions = Object.fromEntries([['stylegraph', VERSION], ['node', process.versions.node], ...Object.keys(batch.job.document.plugins ?? {}).map((n) => [n, registry.plugin(n)?.version ?? '?'])]);
      const record: ShardRecord = { ...result, worker: workerName(), backend: await compute.cacheIdentity(), versions, finished: new Date().toISOString() };
      await recordDone(redis, id, record);
      log(`shard ${shard.index} of ${batch.name}: ${shard.count} items in ${((performance.now() - t0) / 1000).toFixed(2)} s`);
      return record;
    } catch (e) {
      const final = e instanceof UnrecoverableError;
      const message = e instanceof ShardFailure || final ? (e as Error).message : `shard ${shard.index}: ${(e as Error).message}`;
      log(`${batch.name}: ${message}`);
      // Recorded before BullMQ hears of the last failure, so followers never wait on a shard that will not run again.
      if (final || job.attemptsMade + 1 >= (job.opts.attempts ?? 1)) await recordFailed(redis, id, shard.index, message);
      if (final) throw e;
      throw new Error(message, { cause: e });
    }
  };
  const stall = opts.stallMs ?? 30_000;
  const connection = connect(opts.queue);
  const worker = new Worker<ShardData>(SHARD_QUEUE, processor, {
    connection,
    prefix: PREFIX,
    concurrency: opts.concurrency ?? 1,
    lockDuration: stall,
    stalledInterval: Math.max(500, Math.floor(stall / 2)),
    maxStalledCount: 3,
  });
  // A shard BullMQ fails on its own (stalled too often) is recorded here.
  worker.on('failed', (job, err) => {
    if (job && job.attemptsMade >= (job.opts.attempts ?? 1)) void recordFailed(redis, job.data.batch, job.data.shard.index, err.message.startsWith('shard ') ? err.message : `shard ${job.data.shard.index}: ${err.message}`).catch(() => undefined);
  });
  worker.on('error', (e) => log(`worker: ${e.message}`));
  let closing: Promise<void> | undefined;
  const close = () =>
    (closing ??= (async () => {
      await worker.close();
      await host.close();
      connection.disconnect();
      redis.disconnect();
    })());
  const closed = new Promise<void>((resolve) => worker.on('closed', () => resolve()));
  return { worker, closed, close };
}
