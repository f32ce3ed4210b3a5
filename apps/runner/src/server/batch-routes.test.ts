/** The batch routes as a client sees them: off without a queue, bounded plans, paths confined to the workspace. */
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTRPCClient, httpBatchLink } from '@trpc/client';
import { startServer, type RunningServer } from './http-server.js';
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
