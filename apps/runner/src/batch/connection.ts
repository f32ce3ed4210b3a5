/**
 * The queue a batch job lives on: BullMQ on one Redis. Shards are BullMQ jobs in the `shards`
 * queue; what a batch job is (its graph, its shards' results and failures) lives beside them
 * in plain Redis hashes, so any worker or `batch status` can read it.
 */
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { UsageError } from '../graph-file.js';

export const PREFIX = 'stylegraph';
export const SHARD_QUEUE = 'shards';

/** Redis key names of one batch job. */
export const keys = {
  batch: (id: string) => `${PREFIX}:batch:${id}`,
  done: (id: string) => `${PREFIX}:batch:${id}:done`,
  failed: (id: string) => `${PREFIX}:batch:${id}:failed`,
  /** A job's name → its id. */
  name: (name: string) => `${PREFIX}:batch-name:${name}`,
};

/** The BullMQ job id of a shard: the batch's content id and the shard's index. */
export const shardJobId = (batch: string, index: number) => `${batch}-${index}`;

/** Least lock time of a shard (`--stall-ms`): shorter ones expire between renewals. */
export const MIN_STALL_MS = 500;

/** A queue URL as printed: its password replaced. */
export function redact(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return url;
  }
}

/** Checks a `--queue` URL: redis:// or rediss:// with a host. */
export function queueUrl(url: string): string {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new UsageError(`--queue ${redact(url)}: not a URL (expected redis://host:6379)`);
  }
  if (u.protocol !== 'redis:' && u.protocol !== 'rediss:') throw new UsageError(`--queue ${redact(url)}: expected a redis:// or rediss:// URL`);
  if (!u.hostname) throw new UsageError(`--queue ${redact(url)}: the URL names no host`);
  return url;
}

/**
 * A Redis connection. Commands wait (and reconnect) while Redis is away rather than failing, as
 * BullMQ's workers need; `failFast` connections give up after a few tries (for one-shot commands);
 * with `commandTimeoutMs` a command fails after that long instead (a server's requests).
 */
export function connect(url: string, opts: { failFast?: boolean; commandTimeoutMs?: number } = {}): Redis {
  return new Redis(url, {
    ...(opts.commandTimeoutMs !== undefined && { commandTimeout: opts.commandTimeoutMs }),
    maxRetriesPerRequest: opts.failFast ? 2 : null,
    enableOfflineQueue: true,
    retryStrategy: (times) => (opts.failFast && times > 5 ? null : Math.min(2000, 100 * times)),
  });
}

export const shardQueue = (connection: Redis) => new Queue(SHARD_QUEUE, { connection, prefix: PREFIX });

/** Waits until Redis answers (or fails with one line naming the URL). */
export async function reachable(redis: Redis, url: string, timeoutMs = 5000): Promise<void> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    await Promise.race([
      redis.ping(),
      new Promise((_r, reject) => {
        timer = setTimeout(() => reject(new Error('timeout')), timeoutMs);
      }),
    ]);
  } catch (e) {
    throw new UsageError(`cannot reach the queue at ${redact(url)}: ${(e as Error).message === 'timeout' ? `no answer within ${timeoutMs / 1000} s` : (e as Error).message}`);
  } finally {
    clearTimeout(timer);
  }
}
