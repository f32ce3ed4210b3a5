/**
 * Puts a planned job on the queue. Shard jobs have ids derived from the job's content id, so
 * submitting the same job again adds nothing that is queued or done: it only re-queues shards
 * that failed (and, after a cancel, those that were removed).
 */
import type { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { keys, shardJobId } from './connection.js';
import type { BatchPlan } from './plan.js';
import type { ShardJob } from './run-shard.js';
import { saveBatch, type BatchRecord, type ShardData } from './store.js';

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

export async function submitBatch(redis: Redis, queue: Queue<ShardData>, plan: BatchPlan, opts: SubmitOptions): Promise<Submitted> {
  const record = { id: plan.id, name: opts.name, job: opts.job, backend: opts.backend, shards: plan.shards.length, items: plan.axis.total, created: new Date().toISOString() };
  await saveBatch(redis, record);
  const done = new Set((await redis.hkeys(keys.done(plan.id))).map(Number));
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
      await existing.retry('failed');
      retried++;
    } else if (existing && state !== 'unknown' && state !== 'completed') {
      pending++;
    } else {
      if (existing) await existing.remove().catch(() => undefined);
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
