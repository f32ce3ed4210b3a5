/** `stylegraph worker`: runs shards from a queue until interrupted (SIGINT/SIGTERM finish the shard in hand). */
import { MIN_STALL_MS, connect, queueUrl, reachable, redact } from '../batch/connection.js';
import { startWorker } from '../batch/worker.js';
import { UsageError } from '../graph-file.js';

export async function workerCommand(opts: { queue?: string; concurrency?: string; backend?: string; trust?: readonly string[]; stallMs?: string; cache?: string }, io: { err: (s: string) => void; signal?: AbortSignal }): Promise<number> {
  if (!opts.queue) throw new UsageError('--queue redis://host:6379 is required');
  const url = queueUrl(opts.queue);
  const concurrency = Number(opts.concurrency ?? 1);
  if (!Number.isSafeInteger(concurrency) || concurrency < 1 || concurrency > 64) throw new UsageError(`--concurrency ${opts.concurrency}: a whole number from 1 to 64`);
  const stallMs = opts.stallMs === undefined ? undefined : Number(opts.stallMs);
  if (stallMs !== undefined && (!Number.isSafeInteger(stallMs) || stallMs < MIN_STALL_MS)) throw new UsageError(`--stall-ms ${opts.stallMs}: a whole number of milliseconds, at least ${MIN_STALL_MS}`);
  const probe = connect(url, { failFast: true });
  try {
    await reachable(probe, url);
  } finally {
    probe.disconnect();
  }
  const w = startWorker({ queue: url, concurrency, ...(opts.backend && { backend: opts.backend }), ...(opts.trust && { trust: opts.trust }), ...(stallMs && { stallMs }), ...(opts.cache !== undefined && { cache: opts.cache }), log: (l) => io.err(`stylegraph worker: ${l}`) });
  io.err(`stylegraph worker: taking shards from ${redact(url)} (concurrency ${concurrency})`);
  let closing: Promise<void> | undefined;
  const stop = () => void (closing ??= w.close());
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  io.signal?.addEventListener('abort', stop, { once: true });
  await w.closed;
  await (closing ?? w.close());
  process.off('SIGINT', stop);
  process.off('SIGTERM', stop);
  return 0;
}
