/**
 * Runs one shard of a batch job in this process: the job's graph with the axis narrowed, nodes on
 * the axis offset to the shard's first item, files written atomically and synced to disk before
 * it returns. Knows nothing of queues, so the same code runs a shard from Redis or in a test.
 */
import { MemoryCache, checkGraph, execute, formatDiagnostic, type CacheContext, type CacheEntry, type GraphDocument, type OutputCache, type Registry, type RunServices } from '@stylegraph/core';
import { NodeFiles } from '../host/node-files.js';
import { Workspace } from '../server/workspace.js';
import { RunFiles } from '../server/run-files.js';
import { UnrecoverableError } from 'bullmq';
import { withAxisValue } from './axis.js';
import type { Shard } from './plan.js';

export interface ShardJob {
  readonly document: GraphDocument;
  readonly axis: { readonly node: string; readonly param: string };
  readonly perItem: readonly string[];
  /** Folder paths in the graph are relative to (the graph file's folder). */
  readonly root: string;
  /** The job's output folder. */
  readonly out: string;
  /**
   * A folder every read and write must stay inside (a job a client sent to the server: its
   * workspace), as for the server's own runs; absent for a job from the command line.
   */
  readonly confine?: string;
}

export interface ShardResult {
  readonly shard: number;
  readonly items: number;
  readonly ms: number;
  readonly counts: { readonly ran: number; readonly cached: number };
  /** Files written, relative to the job's output folder, with their SHA-256. */
  readonly files: readonly { readonly path: string; readonly sha256: string }[];
}

/** A shard's failure: the node and its error, one line. */
export class ShardFailure extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ShardFailure';
  }
}

/**
 * Keeps handle outputs (a loaded generator, …) between shards, so a worker opens each model
 * once; tensors are never kept (every shard's are different, and large).
 */
export class HandleCache extends MemoryCache {
  constructor(capacity = 32) {
    super(capacity);
  }
  override async set(preKey: string, entry: CacheEntry, ctx?: CacheContext): Promise<void> {
    if (ctx && Object.values(ctx.kinds).some((k) => k.tensor)) return;
    await super.set(preKey, entry);
  }
}

export async function runShard(
  job: ShardJob,
  shard: Shard,
  host: { readonly registry: Registry; readonly services: Partial<RunServices>; readonly cache?: OutputCache; readonly signal?: AbortSignal },
): Promise<ShardResult> {
  const check = checkGraph(withAxisValue(job.document, job.axis, shard.value), host.registry);
  if (!check.graph) {
    const first = check.diagnostics.find((d) => d.severity === 'error');
    // Not worth retrying: the same graph is invalid every time.
    throw new UnrecoverableError(`shard ${shard.index}: the graph is invalid: ${first ? formatDiagnostic(first) : 'unknown error'}`);
  }
  // A confined job reads and writes as the server's own runs do (RunFiles); either way every file is synced before the shard is done.
  const files = job.confine === undefined ? new NodeFiles({ readRoot: job.root, outDir: job.out, durable: true }) : new RunFiles(new Workspace(job.confine), job.root, job.out, { durable: true });
  const offsets = Object.fromEntries(job.perItem.map((id) => [id, shard.offset]));
  const summary = await execute(check.graph, {
    files,
    services: { ...host.services, hostFolders: { graphDir: job.root, out: job.out } },
    shard: { document: job.document, offsets },
    ...(host.cache && { cache: host.cache }),
    ...(host.signal && { signal: host.signal }),
  });
  if (summary.status !== 'ok') {
    const failed = Object.entries(summary.nodes).find(([, r]) => r.status === 'failed');
    const types = new Map(Object.entries(job.document.nodes).map(([id, n]) => [id, n.type]));
    throw new ShardFailure(
      failed ? `shard ${shard.index}: node "${failed[0]}" (${types.get(failed[0])}) failed: ${failed[1].error!.code}: ${failed[1].error!.message}` : `shard ${shard.index}: ${summary.status}`,
    );
  }
  return { shard: shard.index, items: shard.count, ms: Math.round(summary.ms), counts: { ran: summary.counts.ran, cached: summary.counts.cached }, files: files.durable };
}
