/**
 * The server's one compute and its output cache across backends: a graph re-run on another
 * backend recomputes the nodes that used the compute (and what depends on them), a re-run on
 * the same backend comes from the cache, and both backends share the compute's built models.
 */
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTRPCClient, httpBatchLink } from '@trpc/client';
import { Compute, type Backend } from '@stylegraph/ops-gpu';
import { nodeBackend } from '@stylegraph/ops-gpu/node';
import { startServer, type RunningServer } from './http-server.js';
import type { AppRouter } from './router.js';
import type { ServerRunEvent } from './runs.js';

const repoRoot = fileURLToPath(new URL('../../../../', import.meta.url));
type Finished = Extract<ServerRunEvent, { type: 'finished' }>;

/** Reads a run's server-sent events until the last, "finished". */
async function finished(s: RunningServer, runId: string): Promise<Finished> {
  const res = await fetch(`${s.origin}/trpc/run.events?input=${encodeURIComponent(JSON.stringify({ runId }))}`);
  const blocks = (await res.text()).split('\n\n').filter((b) => /^id: \d+/m.test(b));
  const data = blocks.at(-1)?.split('\n').find((l) => l.startsWith('data: '));
  return JSON.parse(data!.slice(6)) as Finished;
}

const graph = {
  format: 'stylegraph.graph',
  formatVersion: 1,
  plugins: { '@stylegraph/plugin-stylegan': '^0.1.0' },
  nodes: {
    model: { type: 'stylegan/LoadGenerator', version: 1, params: { path: 'packages/ops-gpu/fixtures/cfg512' } },
    seeds: { type: 'stylegan/SeedLatents', version: 1, params: { seeds: '3,5' } },
    map: { type: 'stylegan/Mapping', version: 1 },
    trunc: { type: 'stylegan/Truncation', version: 1, params: { psi: 0.7 } },
    synth: { type: 'stylegan/Synthesis', version: 1 },
  },
  edges: [
    { from: 'model.generator', to: 'seeds.generator' },
    { from: 'model.generator', to: 'map.generator' },
    { from: 'seeds.z', to: 'map.z' },
    { from: 'model.generator', to: 'trunc.generator' },
    { from: 'map.w', to: 'trunc.w' },
    { from: 'model.generator', to: 'synth.generator' },
    { from: 'trunc.w', to: 'synth.w' },
  ],
};

describe('stylegraph serve: one compute, outputs cached per backend', () => {
  // Two backends that can both run here: cpu, and cpu again under the name webgpu.
  const cpu = nodeBackend('cpu');
  const second: Backend = { name: 'webgpu', available: () => cpu.available(), createSession: (m, o) => cpu.createSession(m, o) };
  const compute = Compute.create({ backends: [cpu, second], auto: ['cpu'] });
  let s: RunningServer;
  beforeAll(async () => {
    s = await startServer({ workspace: repoRoot, port: 0, compute });
  });
  afterAll(async () => {
    await s.close();
    await compute.clear();
  });

  const run = async (backend: 'cpu' | 'webgpu') => {
    const c = createTRPCClient<AppRouter>({ links: [httpBatchLink({ url: `${s.origin}/trpc`, methodOverride: 'POST' })] });
    const started = await c.run.start.mutate({ graph, backend });
    expect(started.ok).toBe(true);
    const done = await finished(s, (started as { runId: string }).runId);
    expect(done.status).toBe('ok');
    return Object.fromEntries(Object.entries(done.nodes).map(([id, r]) => [id, r.status]));
  };

  it('recomputes what used the compute on another backend, and caches each backend’s results', async () => {
    expect(await run('cpu')).toEqual({ model: 'done', seeds: 'done', map: 'done', trunc: 'done', synth: 'done' });
    expect(await run('cpu')).toEqual({ model: 'cached', seeds: 'cached', map: 'cached', trunc: 'cached', synth: 'cached' });
    // Mapping and synthesis ran on cpu: on webgpu they run again, and truncation, fed by mapping, too.
    expect(await run('webgpu')).toEqual({ model: 'cached', seeds: 'cached', map: 'done', trunc: 'done', synth: 'done' });
    expect(await run('webgpu')).toEqual({ model: 'cached', seeds: 'cached', map: 'cached', trunc: 'cached', synth: 'cached' });
    // One session per network and backend; each network built once for both.
    expect(compute.stats()).toMatchObject({ sessions: 4, models: 2 });
  });
});
