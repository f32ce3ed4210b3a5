/**
 * Puts a planned job on the queue. Shard jobs have ids derived from the job's content id, so
 * submitting the same job again adds nothing that is queued or done: it only re-queues shards
 * that failed (and, after a cancel, those that were removed).
 */
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { keys, shardJobId } from './connection.js';
import type { BatchPlan } from './plan.js';
import type { ShardJob } from './run-shard.js';
import { saveBatch, type BatchRecord, type ShardData, type ShardRecord } from './store.js';

export interface SubmitOptions {
  readonly name: string;
  readonly job: ShardJob;
  readonly backend: string;
  /** Tries per shard before it is reported failed. */
  readonly attempts?: number;
  /** First retry delay in ms (doubling after each failure). */
  readonly backoffMs?: number;
}

export interface Submitted {
  readonly record: Omit<BatchRecord, 'cancelled'>;
  readonly queued: number;
  readonly retried: number;
  readonly alreadyDone: number;
  readonly pending: number;
}

const BULK = 500;

/** Shards recorded done whose files are all still in the output folder; the others are forgotten (and run again). */
async function stillDone(redis: Redis, batch: string, out: string): Promise<Set<number>> {
  const done = new Set<number>();
  for (const [k, v] of Object.entries(await redis.hgetall(keys.done(batch)))) {
    const r = JSON.parse(v) as ShardRecord;
    const present = await Promise.all(r.files.map((f) => stat(join(out, f.path)).then(() => true, () => false)));
    if (present.every(Boolean)) done.add(Number(k));
    else await redis.hdel(keys.done(batch), k);
  }
  return done;
}

export async function submitBatch(redis: Redis, queue: Queue<ShardData>, plan: BatchPlan, opts: SubmitOptions): Promise<Submitted> {
  const record = { id: plan.id, name: opts.name, job: opts.job, backend: opts.backend, shards: plan.shards.length, items: plan.axis.total, created: new Date().toISOString() };
  await saveBatch(redis, record);
  const done = await stillDone(redis, plan.id, opts.job.out);
  const add: { name: string; data: ShardData; opts: object }[] = [];
  let retried = 0;
  let pending = 0;
  for (const shard of plan.shards) {
    if (done.has(shard.index)) continue;
    const jobId = shardJobId(plan.id, shard.index);
    const existing = await queue.getJob(jobId);
    const state = existing ? await existing.getState() : undefined;
    if (existing && state === 'failed') {
      await redis.hdel(keys.failed(plan.id), String(shard.index));
      // Its tries start again (a failed job keeps its count otherwise, and would get one).
      await existing.retry('failed', { resetAttemptsMade: true, resetAttemptsStarted: true });
      retried++;
    } else if (existing && state !== 'unknown' && state !== 'completed') {
      pending++;
    } else {
      if (existing) await existing.remove().catch(() => undefined);
      await redis.hdel(keys.failed(plan.id), String(shard.index));
      add.push({
        name: opts.name,
        data: { batch: plan.id, shard },
        opts: { jobId, attempts: opts.attempts ?? 3, backoff: { type: 'exponential', delay: opts.backoffMs ?? 1000 }, removeOnComplete: true, removeOnFail: false },
      });
    }
  }
  for (let i = 0; i < add.length; i += BULK) await queue.addBulk(add.slice(i, i + BULK) as never);
  return { record, queued: add.length, retried, alreadyDone: done.size, pending };
}
