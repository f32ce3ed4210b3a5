/** Follows a batch job until every shard is done or failed: a progress line, and each failure once. */
import type { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { failures, findBatch, progressOf, type BatchRecord } from './store.js';

export interface FollowIo {
  readonly err: (s: string) => void;
  readonly isTTY: boolean;
  readonly signal?: AbortSignal;
  /** Writes without a newline (a TTY's progress line); default: none, lines only. */
  readonly write?: (s: string) => void;
}

export interface Followed {
  readonly done: number;
  readonly failed: ReadonlyMap<number, string>;
  readonly cancelled: boolean;
  readonly ms: number;
  /** Why following stopped before the job ended (the workers it relied on are gone). */
  readonly gone?: string;
}

const bar = (fraction: number, width = 24) => {
  const full = Math.round(Math.min(1, fraction) * width);
  return `[${'#'.repeat(full)}${'.'.repeat(width - full)}]`;
};

const seconds = (s: number) => (s >= 3600 ? `${(s / 3600).toFixed(1)} h` : s >= 60 ? `${Math.round(s / 60)} min` : `${Math.ceil(s)} s`);

/** One progress line: shards and items done, rate, ETA, failures. */
export function progressLine(b: Pick<BatchRecord, 'shards' | 'items'>, done: number, failed: number, itemsDone: number, elapsedS: number): string {
  const rate = elapsedS > 0 ? itemsDone / elapsedS : 0;
  const left = b.items - itemsDone;
  const eta = rate > 0 && left > 0 ? ` · ETA ${seconds(left / rate)}` : '';
  return `${bar((done + failed) / b.shards)} ${done}/${b.shards} shards · ${itemsDone}/${b.items} items · ${rate.toFixed(1)} items/s${eta}${failed ? ` · ${failed} failed` : ''}`;
}

export async function followBatch(redis: Redis, queue: Queue, batch: BatchRecord, io: FollowIo, opts: { pollMs?: number; gone?: () => string | undefined } = {}): Promise<Followed> {
  const pollMs = opts.pollMs ?? 250;
  const t0 = performance.now();
  const perShard = Math.ceil(batch.items / batch.shards);
  const told = new Set<number>();
  let printed = '';
  let lastPrint = 0;
  let warnedIdle = false;
  for (;;) {
    const p = await progressOf(redis, batch.id);
    const failed = p.failed ? await failures(redis, batch.id) : new Map<number, string>();
    for (const [i, e] of failed) {
      if (told.has(i)) continue;
      told.add(i);
      if (io.isTTY && io.write) io.write('\r\x1b[K');
      io.err(`stylegraph: ${e}`);
    }
    const elapsed = (performance.now() - t0) / 1000;
    const line = progressLine(batch, p.done, p.failed, Math.min(batch.items, p.done * perShard), elapsed);
    if (io.isTTY && io.write) io.write(`\r\x1b[K${line}`);
    else if (line !== printed && performance.now() - lastPrint > 2000) {
      io.err(line);
      printed = line;
      lastPrint = performance.now();
    }
    const cancelled = (await findBatch(redis, batch.id))?.cancelled === true;
    const gone = p.done + p.failed >= batch.shards ? undefined : opts.gone?.();
    if (p.done + p.failed >= batch.shards || cancelled || io.signal?.aborted || gone) {
      if (io.isTTY && io.write) io.write('\n');
      else if (line !== printed) io.err(line);
      return { done: p.done, failed, cancelled, ms: performance.now() - t0, ...(gone && { gone }) };
    }
    if (!warnedIdle && elapsed > 5 && p.done === 0 && (await queue.getWorkersCount()) === 0) {
      warnedIdle = true;
      io.err('stylegraph: no worker is connected to this queue yet; start one with: stylegraph worker --queue <url>');
    }
    await new Promise((r) => setTimeout(r, pollMs));
  }
}
