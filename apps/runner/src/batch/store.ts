/** What a batch job is and how far it got, in Redis (see connection.ts for the key names). */
import type { Redis } from 'ioredis';
import { keys } from './connection.js';
import type { Shard } from './plan.js';
import type { ShardJob, ShardResult } from './run-shard.js';

/** A batch job as stored: everything a worker needs besides the shard itself. */
export interface BatchRecord {
  readonly id: string;
  readonly name: string;
  readonly job: ShardJob;
  readonly backend: string;
  readonly shards: number;
  readonly items: number;
  readonly created: string;
  readonly cancelled: boolean;
}

/** A finished shard: its result and where and how it ran. */
export interface ShardRecord extends ShardResult {
  readonly worker: string;
  readonly backend: string;
  readonly versions: Readonly<Record<string, string>>;
  readonly finished: string;
}

/** The BullMQ job data of a shard: small; the graph is read once per batch from its record. */
export interface ShardData {
  readonly batch: string;
  readonly shard: Shard;
}

export async function saveBatch(redis: Redis, b: Omit<BatchRecord, 'cancelled'>): Promise<void> {
  await redis
    .multi()
    .hsetnx(keys.batch(b.id), 'record', JSON.stringify(b))
    .hset(keys.batch(b.id), 'cancelled', '0')
    .set(keys.name(b.name), b.id)
    .exec();
}

/** A batch job by id or name; undefined when there is none. */
export async function findBatch(redis: Redis, idOrName: string): Promise<BatchRecord | undefined> {
  const id = (await redis.exists(keys.batch(idOrName))) ? idOrName : await redis.get(keys.name(idOrName));
  if (!id) return undefined;
  const [record, cancelled] = await redis.hmget(keys.batch(id), 'record', 'cancelled');
  if (!record) return undefined;
  return { ...(JSON.parse(record) as Omit<BatchRecord, 'cancelled'>), cancelled: cancelled === '1' };
}

export const markCancelled = (redis: Redis, id: string) => redis.hset(keys.batch(id), 'cancelled', '1');
export const isCancelled = async (redis: Redis, id: string) => (await redis.hget(keys.batch(id), 'cancelled')) === '1';

/** Records a shard as done (once: a shard run again after its worker died overwrites the same entry). */
export async function recordDone(redis: Redis, batch: string, r: ShardRecord): Promise<void> {
  await redis.multi().hset(keys.done(batch), String(r.shard), JSON.stringify(r)).hdel(keys.failed(batch), String(r.shard)).exec();
}

export const recordFailed = (redis: Redis, batch: string, shard: number, error: string) => redis.hset(keys.failed(batch), String(shard), error);

export async function doneShard(redis: Redis, batch: string, shard: number): Promise<ShardRecord | undefined> {
  const v = await redis.hget(keys.done(batch), String(shard));
  return v ? (JSON.parse(v) as ShardRecord) : undefined;
}

export interface Progress {
  readonly done: number;
  readonly failed: number;
}

export async function progressOf(redis: Redis, batch: string): Promise<Progress> {
  const [done, failed] = await Promise.all([redis.hlen(keys.done(batch)), redis.hlen(keys.failed(batch))]);
  return { done, failed };
}

export async function shardRecords(redis: Redis, batch: string): Promise<ShardRecord[]> {
  return Object.values(await redis.hgetall(keys.done(batch)))
    .map((v) => JSON.parse(v) as ShardRecord)
    .sort((a, b) => a.shard - b.shard);
}

export async function failures(redis: Redis, batch: string): Promise<Map<number, string>> {
  return new Map(Object.entries(await redis.hgetall(keys.failed(batch))).map(([k, v]) => [Number(k), v]));
}
