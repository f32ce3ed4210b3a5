/**
 * The server with an isolated third-party plugin installed in its workspace
 * (test/fixtures/plugin-hostile/): a run whose node loops forever is stopped at the plugin's time
 * budget and fails naming it, one that reaches outside its declared paths fails naming the
 * capability — and the server keeps serving: the next run of the same plugin succeeds.
 */
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTRPCClient, httpBatchLink } from '@trpc/client';
import { startServer, type RunningServer } from './http-server.js';
import type { AppRouter } from './router.js';
import type { ServerRunEvent } from './runs.js';

const HOSTILE = fileURLToPath(new URL('../../../../test/fixtures/plugin-hostile/', import.meta.url));

const graph = (type: string, params: Record<string, unknown> = {}) => ({
  format: 'stylegraph.graph',
  formatVersion: 1,
  plugins: { 'stylegraph-plugin-hostile': '^1.0.0' },
  nodes: { a: { type: `hostile/${type}`, version: 1, params } },
  edges: [],
});

describe('stylegraph serve with an isolated plugin', () => {
  let dir: string;
  let s: RunningServer;
  const client = () => createTRPCClient<AppRouter>({ links: [httpBatchLink({ url: `${s.origin}/trpc`, methodOverride: 'POST' })] });
  const finished = async (runId: string) => {
    const text = await (await fetch(`${s.origin}/trpc/run.events?input=${encodeURIComponent(JSON.stringify({ runId }))}`)).text();
    const events = text
      .split('\n\n')
      .filter((b) => /^id: \d+/m.test(b))
      .map((b) => JSON.parse(b.split('\n').find((l) => l.startsWith('data: '))!.slice(6)) as ServerRunEvent);
    return events.at(-1) as Extract<ServerRunEvent, { type: 'finished' }>;
  };
  const run = async (type: string, params?: Record<string, unknown>) => {
    const started = await client().run.start.mutate({ graph: graph(type, params), path: `${type}.graph.json`, backend: 'cpu' });
    expect(started.ok).toBe(true);
    return finished((started as { runId: string }).runId);
  };

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'sg-serve-isolated-'));
    await mkdir(join(dir, 'node_modules'));
    await symlink(HOSTILE, join(dir, 'node_modules', 'stylegraph-plugin-hostile'), 'dir');
    await writeFile(join(dir, 'inside.txt'), 'in the workspace');
    s = await startServer({ workspace: dir, port: 0 });
  });
  afterAll(async () => {
    await s?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('stops a node past its time budget, refuses a capability, and keeps serving', async () => {
    const loop = await run('Loop');
    expect(loop.status).toBe('failed');
    expect(loop.nodes.a).toMatchObject({ status: 'failed', error: { code: 'PLUGIN_BUDGET', message: 'plugin stylegraph-plugin-hostile ran past its time budget of 3 s (stylegraph.capabilities.timeoutS) and was stopped' } });

    const denied = await run('ReadFile', { path: '/etc/hostname' });
    expect(denied.nodes.a).toMatchObject({ status: 'failed', error: { code: 'PLUGIN_CAPABILITY', message: expect.stringMatching(/^plugin stylegraph-plugin-hostile was denied fs\.read \(\/etc\/hostname\): outside its declared fs\.read paths \(\$graphDir\)/) } });

    const ok = await run('ReadFile', { path: join(dir, 'inside.txt') });
    expect(ok.status).toBe('ok');
    expect((await client().graph.nodeTypes.query()).nodes.some((n) => n.type === 'hostile/Loop')).toBe(true);
  });
});
