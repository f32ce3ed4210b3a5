/** Cancelling a batch job: no new shard starts, queued ones are removed, running ones finish. */
import type { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { shardJobId } from './connection.js';
import { markCancelled, type BatchRecord } from './store.js';

/** Returns how many queued shards were removed. Submitting the job again resumes it. */
export async function cancelBatch(redis: Redis, queue: Queue, b: Pick<BatchRecord, 'id' | 'shards'>): Promise<number> {
  await markCancelled(redis, b.id);
  let removed = 0;
  for (let i = 0; i < b.shards; i++) {
    const j = await queue.getJob(shardJobId(b.id, i));
    const state = j ? await j.getState() : undefined;
    if (j && (state === 'waiting' || state === 'delayed' || state === 'prioritized')) {
      // One that a worker took meanwhile is locked: it finishes, the others are still removed.
      if (await j.remove().then(() => true, () => false)) removed++;
    }
  }
  return removed;
}
