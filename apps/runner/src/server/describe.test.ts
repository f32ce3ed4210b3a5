import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTRPCClient, httpBatchLink } from '@trpc/client';
import type { GraphDocument } from '@stylegraph/core';
import { startServer, type RunningServer } from './http-server.js';
import type { AppRouter } from './router.js';
import type { ServerRunEvent } from './runs.js';

const repoRoot = fileURLToPath(new URL('../../../../', import.meta.url));
const client = (s: RunningServer) => createTRPCClient<AppRouter>({ links: [httpBatchLink({ url: `${s.origin}/trpc`, methodOverride: 'POST' })] });

const loader = (path: string): GraphDocument => ({ format: 'stylegraph.graph', formatVersion: 1, nodes: { model: { type: 'stylegan/LoadGenerator', version: 1, params: { path } } }, edges: [] });

/** A run's server-sent events until it finishes. */
async function events(s: RunningServer, runId: string): Promise<ServerRunEvent[]> {
  const text = await (await fetch(`${s.origin}/trpc/run.events?input=${encodeURIComponent(JSON.stringify({ runId }))}`)).text();
  return text
    .split('\n\n')
    .flatMap((block) => block.split('\n').filter((l) => l.startsWith('data: ') && /^id: \d+/m.test(block)))
    .map((l) => JSON.parse(l.slice(6)) as ServerRunEvent);
}

describe('describe.outputs: node values before a run', () => {
  let s: RunningServer;
  beforeAll(async () => {
    s = await startServer({ workspace: repoRoot, port: 0 });
  });
  afterAll(() => s.close());

  it('gives a loaded generator’s layer layout, relative to the graph’s folder', async () => {
    const r = await client(s).describe.outputs.query({ graph: loader('../models/faces64'), path: 'examples/x.graph.json', nodes: ['model'] });
    expect(r.ok).toBe(true);
    const g = r.values.model?.generator as { generator: string; layout: { numWs: number; groups: { name: string; indices: { ws: number[] } }[] } };
    expect(g.generator).toMatch(/^[0-9a-f]{64}$/);
    expect(g.layout.numWs).toBe(10);
    expect(g.layout.groups.map((x) => [x.name, x.indices.ws])).toEqual([
      ['coarse', [0, 1, 2, 3]],
      ['middle', [4, 5, 6, 7]],
      ['fine', [8, 9]],
    ]);
    expect(r.failed).toEqual({});
  });

  it('reports a node that fails, an invalid graph and an unknown node', async () => {
    const c = client(s);
    const missing = await c.describe.outputs.query({ graph: loader('no-such-model'), nodes: ['model'] });
    expect(missing).toMatchObject({ ok: true, values: {} });
    expect(missing.failed.model).toMatch(/^(FILE_READ|MODEL_INVALID): /);
    const invalid = await c.describe.outputs.query({ graph: { ...loader('x'), edges: [{ from: 'nope.a', to: 'model.b' }] }, nodes: ['model'] });
    expect(invalid.ok).toBe(false);
    expect(invalid.diagnostics.length).toBeGreaterThan(0);
    await expect(c.describe.outputs.query({ graph: loader('x'), nodes: ['other'] })).rejects.toThrow(/no node "other"/);
  });

  it('never writes, and reads nothing outside the workspace (trust boundary)', async () => {
    const c = client(s);
    const writer: GraphDocument = {
      format: 'stylegraph.graph',
      formatVersion: 1,
      nodes: {
        z: { type: 'std/RandomNormal', version: 1, params: { seed: 1, shape: [2, 2] } },
        save: { type: 'io/SaveTensor', version: 1, params: { path: 'describe-probe.npy' } },
      },
      edges: [{ from: 'z.tensor', to: 'save.tensor' }],
    };
    const r = await c.describe.outputs.query({ graph: writer, path: 'examples/x.graph.json', nodes: ['save'] });
    expect(r.failed.save).toMatch(/^READ_ONLY: cannot write describe-probe\.npy/);
    for (const dir of ['', 'examples', 'out', 'examples/out']) expect(existsSync(join(repoRoot, dir, 'describe-probe.npy'))).toBe(false);
    // A graph path outside the workspace is refused; a model path leading out of it is not read.
    await expect(c.describe.outputs.query({ graph: loader('m'), path: '../../etc/x.graph.json', nodes: ['model'] })).rejects.toThrow();
    const out = await c.describe.outputs.query({ graph: loader('../../../../../../etc'), path: 'examples/x.graph.json', nodes: ['model'] });
    expect(out.values).toEqual({});
    expect(out.failed.model).toMatch(/^(FILE_READ|MODEL_INVALID): /);
    expect(out.failed.model).not.toMatch(/root:|passwd/);
  });

  it('gives the same layout a run’s values events carry', async () => {
    const c = client(s);
    const graph = loader('../models/faces64');
    const described = await c.describe.outputs.query({ graph, path: 'examples/x.graph.json', nodes: ['model'] });
    expect(described.values.model?.generator).toHaveProperty('layout.numWs', 10);
    const started = await c.run.start.mutate({ graph, path: 'examples/x.graph.json', backend: 'cpu' });
    if (!started.ok) throw new Error('the run did not start');
    const values = (await events(s, started.runId)).find((e) => e.type === 'values' && e.node === 'model');
    expect(values).toMatchObject({ values: described.values.model });
  });
});
