/** The batch routes as a client sees them: off without a queue, bounded plans, paths confined to the workspace. */
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTRPCClient, httpBatchLink } from '@trpc/client';
import { startServer, type RunningServer } from './http-server.js';
import { startLocalRedis, type LocalRedis } from '../batch/local-redis.js';
import type { AppRouter } from './router.js';

const repoRoot = fileURLToPath(new URL('../../../../', import.meta.url));
const client = (s: RunningServer) => createTRPCClient<AppRouter>({ links: [httpBatchLink({ url: `${s.origin}/trpc`, methodOverride: 'POST' })] });

describe('batch routes', () => {
  let s: RunningServer;
  let graph: Record<string, unknown> & { nodes: Record<string, { params: Record<string, unknown> }> };
  beforeAll(async () => {
    s = await startServer({ workspace: repoRoot, port: 0 });
    graph = JSON.parse(await readFile(`${repoRoot}examples/dataset.graph.json`, 'utf8'));
  });
  afterAll(() => s.close());

  it('plans a job; without a queue it says how to get one, and submits nothing', async () => {
    const c = client(s);
    expect(await c.batch.available.query()).toEqual({ queue: false });
    const plan = await c.batch.plan.query({ graph, path: 'examples/dataset.graph.json', size: 500 });
    expect(plan).toMatchObject({ axis: { node: 'seeds', param: 'seeds', total: 2000 }, shards: 4, out: 'out/dataset' });
    await expect(c.batch.submit.mutate({ graph, path: 'examples/dataset.graph.json' })).rejects.toThrow(/this server has no queue: start it with stylegraph serve --queue/);
  });

  it('bounds what a client may plan: shards and items', async () => {
    const c = client(s);
    const big = structuredClone(graph);
    big.nodes.seeds!.params.seeds = '0-999999';
    await expect(c.batch.plan.query({ graph: big, path: 'examples/dataset.graph.json', size: 1 })).rejects.toThrow(/1000000 items in shards of 1 are 1000000 shards, more than a job may have \(10000\)/);
    big.nodes.seeds!.params.seeds = '0-1000000';
    await expect(c.batch.plan.query({ graph: big, path: 'examples/dataset.graph.json', size: 1000 })).rejects.toThrow(/takes the list past 1000000 seeds/);
    await expect(c.batch.plan.query({ graph, path: '../outside.graph.json' })).rejects.toThrow(/outside the workspace/);
  });
});

describe('batch routes with a queue', () => {
  let redis: LocalRedis;
  let s: RunningServer;
  beforeAll(async () => {
    redis = await startLocalRedis();
    s = await startServer({ workspace: repoRoot, port: 0, queue: redis.url });
  });
  afterAll(async () => {
    await s?.close();
    await redis?.stop();
  });

  it('submits a job of the workspace, follows it and cancels it (no worker runs here)', async () => {
    const c = client(s);
    const graph = JSON.parse(await readFile(`${repoRoot}examples/dataset.graph.json`, 'utf8'));
    expect(await c.batch.available.query()).toEqual({ queue: true });
    const job = await c.batch.submit.mutate({ graph, path: 'examples/dataset.graph.json', size: 500 });
    expect(job).toMatchObject({ shards: 4, items: 2000, queued: 4, alreadyDone: 0, out: 'out/dataset' });
    expect(job.name).toBe(`dataset-${job.id.slice(0, 8)}`);
    // Submitted again: the same job, nothing queued twice.
    expect(await c.batch.submit.mutate({ graph, path: 'examples/dataset.graph.json', size: 500 })).toMatchObject({ id: job.id, queued: 0 });
    expect(await c.batch.status.query({ id: job.id })).toMatchObject({ shards: 4, done: 0, failed: 0, cancelled: false, workers: 0 });
    expect(await c.batch.cancel.mutate({ id: job.id })).toEqual({ removed: 4 });
    expect(await c.batch.status.query({ id: job.id })).toMatchObject({ cancelled: true, done: 0 });
    await expect(c.batch.status.query({ id: 'f'.repeat(24) })).rejects.toThrow(/no batch job f+ from this workspace/);
  });
});
