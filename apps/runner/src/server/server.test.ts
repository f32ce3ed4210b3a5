import { mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { request } from 'node:http';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTRPCClient, httpBatchLink } from '@trpc/client';
import { serializeGraph, type GraphDocument } from '@stylegraph/core';
import { startServer, type RunningServer } from './http-server.js';
import type { AppRouter } from './router.js';
import type { ServerRunEvent } from './runs.js';

const repoRoot = fileURLToPath(new URL('../../../../', import.meta.url));
const client = (s: RunningServer, headers: Record<string, string> = {}) =>
  createTRPCClient<AppRouter>({ links: [httpBatchLink({ url: `${s.origin}/trpc`, headers, methodOverride: 'POST' })] });

/** Reads a run's server-sent events until "finished". */
async function events(s: RunningServer, runId: string): Promise<ServerRunEvent[]> {
  const res = await fetch(`${s.origin}/trpc/run.events?input=${encodeURIComponent(JSON.stringify({ runId }))}`);
  const text = await res.text();
  const out: ServerRunEvent[] = [];
  for (const block of text.split('\n\n')) {
    const data = block.split('\n').find((l) => l.startsWith('data: '));
    if (!data || !/^id: \d+/m.test(block)) continue;
    out.push(JSON.parse(data.slice(6)) as ServerRunEvent);
  }
  return out;
}

describe('stylegraph serve: API on the repository as workspace', () => {
  let s: RunningServer;
  beforeAll(async () => {
    s = await startServer({ workspace: repoRoot, port: 0 });
  });
  afterAll(() => s.close());

  it('lists node types with param schemas, and the examples', async () => {
    const c = client(s);
    const types = await c.graph.nodeTypes.query();
    const seeds = types.nodes.find((n) => n.type === 'stylegan/SeedLatents');
    expect(seeds?.category).toBeTruthy();
    expect(seeds?.params).toHaveProperty('properties');
    expect(types.portKinds['stylegan/WPlus']).toMatchObject({ title: 'WPlus', dims: ['B', 'numWs', 'wDim'], dtype: 'float32', color: '#f56c6c', plugin: '@stylegraph/plugin-stylegan' });
    const examples = await c.files.examples.query();
    expect(examples.map((e) => e.path)).toContain('examples/seed-statistics.graph.json');
  });

  it('validates with the CLI’s validator', async () => {
    const c = client(s);
    const { graph } = await c.files.open.query({ path: 'test/fixtures/generate-random.graph.json' });
    expect((await c.graph.validate.query({ graph, path: 'test/fixtures/generate-random.graph.json' })).ok).toBe(true);
    const bad = structuredClone(graph) as GraphDocument;
    bad.edges.push({ from: 'seeds.z', to: 'synth.w' });
    const r = await c.graph.validate.query({ graph: bad });
    expect(r.ok).toBe(false);
    expect(r.diagnostics.some((d) => d.node === 'synth' && d.port === 'w')).toBe(true);
  });

  it('runs a graph, streaming progress and PNG previews; a re-run comes from the cache', async () => {
    const c = client(s);
    const path = 'test/fixtures/generate-random.graph.json';
    const { graph } = await c.files.open.query({ path });
    const started = await c.run.start.mutate({ graph, path, backend: 'cpu' });
    expect(started.ok).toBe(true);
    const first = await events(s, (started as { runId: string }).runId);
    const finished = first.at(-1);
    expect(finished).toMatchObject({ type: 'finished', status: 'ok' });
    expect(first.some((e) => e.type === 'node-start' && e.node === 'synth')).toBe(true);
    const preview = first.find((e) => e.type === 'preview' && e.node === 'synth');
    expect(preview && preview.type === 'preview' && preview.previews[0]!.png).toMatch(/^data:image\/png;base64,iVBOR/);
    const again = await c.run.start.mutate({ graph, path, backend: 'cpu' });
    const second = await events(s, (again as { runId: string }).runId);
    const done = second.at(-1) as Extract<ServerRunEvent, { type: 'finished' }>;
    expect(done.nodes.synth!.status).toBe('cached');
    // Previews come for cached nodes too.
    expect(second.some((e) => e.type === 'preview' && e.node === 'synth')).toBe(true);
    const result = await c.run.result.query({ runId: (again as { runId: string }).runId });
    expect(result.written).toContain('out/generate-random/grid.png');
  });

  it('cancels a run', async () => {
    const c = client(s);
    const path = 'examples/style-mixing.graph.json';
    const { graph } = await c.files.open.query({ path });
    // A seed list no other test uses, so nothing comes from the cache.
    const doc = structuredClone(graph) as GraphDocument;
    doc.nodes.rowSeeds!.params = { seeds: `${900_000 + process.pid}` };
    const started = (await c.run.start.mutate({ graph: doc, path, backend: 'cpu' })) as { ok: true; runId: string };
    expect(await c.run.cancel.mutate({ runId: started.runId })).toEqual({ cancelled: true });
    const finished = (await events(s, started.runId)).at(-1) as Extract<ServerRunEvent, { type: 'finished' }>;
    expect(finished.status).toBe('cancelled');
    expect(Object.values(finished.nodes).some((n) => n.status === 'cancelled')).toBe(true);
    expect(await c.run.cancel.mutate({ runId: started.runId })).toEqual({ cancelled: false });
  });

  it('streams a projection’s reconstruction while it runs; Cancel keeps the best so far as its output', async () => {
    const c = client(s);
    const path = 'examples/invert.graph.json';
    const { graph } = await c.files.open.query({ path });
    const doc = structuredClone(graph) as GraphDocument;
    doc.nodes.project!.params = { ...doc.nodes.project!.params, steps: 5000, previewEvery: 5, seed: process.pid };
    const started = (await c.run.start.mutate({ graph: doc, path, backend: 'cpu' })) as { ok: true; runId: string };
    // Read the event stream as it comes; cancel once the projector has shown two previews.
    const res = await fetch(`${s.origin}/trpc/run.events?input=${encodeURIComponent(JSON.stringify({ runId: started.runId }))}`);
    const reader = res.body!.getReader();
    const seen: ServerRunEvent[] = [];
    let buf = '';
    let cancelled = false;
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      buf += new TextDecoder().decode(value);
      const blocks = buf.split('\n\n');
      buf = blocks.pop()!;
      for (const block of blocks) {
        const data = block.split('\n').find((l) => l.startsWith('data: '));
        if (data && /^id: \d+/m.test(block)) seen.push(JSON.parse(data.slice(6)) as ServerRunEvent);
      }
      const previews = seen.filter((e) => e.type === 'preview' && e.node === 'project' && e.previews.some((p) => p.port === 'preview'));
      if (!cancelled && previews.length >= 2) {
        cancelled = true;
        expect(await c.run.cancel.mutate({ runId: started.runId })).toEqual({ cancelled: true });
      }
    }
    expect(cancelled).toBe(true);
    const finished = seen.at(-1) as Extract<ServerRunEvent, { type: 'finished' }>;
    expect(finished.type).toBe('finished');
    expect(finished.nodes.project!.status).toBe('done');
    expect(finished.nodes.saveProjected!.status).toBe('cancelled');
    const values = seen.filter((e) => e.type === 'values' && e.node === 'project').at(-1) as Extract<ServerRunEvent, { type: 'values' }>;
    const report = values.values.report as Record<string, unknown>;
    expect(report.stopped).toBe('cancelled');
    expect(Number(report.steps)).toBeLessThan(5000);
  });

  it('refuses to run an invalid graph, with its diagnostics', async () => {
    const r = await client(s).run.start.mutate({ graph: { format: 'stylegraph.graph', formatVersion: 1, nodes: { a: { type: 'std/Nope', version: 1 } }, edges: [] } });
    expect(r.ok).toBe(false);
    expect(r.diagnostics[0]!.code).toBe('NODE_TYPE_UNKNOWN');
  });

  it('serves only loopback Host names and refuses cross-origin writes', async () => {
    const port = new URL(s.origin).port;
    const status = (host: string) =>
      new Promise<number | undefined>((done, fail) => request({ host: '127.0.0.1', port, path: '/trpc/files.models', headers: { host } }, (r) => done(r.resume().statusCode)).on('error', fail).end());
    expect(await status('evil.example')).toBe(403);
    expect(await status(`localhost:${port}`)).toBe(200);
    const res = await fetch(`${s.origin}/trpc/run.cancel`, { method: 'POST', headers: { origin: 'http://evil.example', 'content-type': 'application/json' }, body: '{}' });
    expect(res.status).toBe(403);
  });
});

describe('stylegraph serve: files stay inside the workspace', () => {
  let s: RunningServer;
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'sg-ws-'));
    await writeFile(join(tmpdir(), 'sg-secret.graph.json'), '{}');
    await symlink(tmpdir(), join(dir, 'escape'));
    s = await startServer({ workspace: dir, port: 0 });
  });
  afterAll(async () => {
    await s.close();
    await rm(dir, { recursive: true, force: true });
  });

  const doc: GraphDocument = {
    format: 'stylegraph.graph',
    formatVersion: 1,
    title: 'T',
    nodes: { b: { type: 'std/Constant', version: 1, params: { z: 1, a: 2 }, ui: { x: 1, y: 2 } } },
    edges: [],
  };

  it('saves exactly serializeGraph’s bytes and opens them again', async () => {
    const c = client(s);
    await c.files.save.mutate({ path: 'g/a.graph.json', graph: doc });
    expect(await readFile(join(dir, 'g/a.graph.json'), 'utf8')).toBe(serializeGraph(doc));
    expect((await c.files.open.query({ path: 'g/a.graph.json' })).graph).toEqual(JSON.parse(serializeGraph(doc)));
    await expect(c.files.save.mutate({ path: 'g/a.graph.json', graph: doc })).rejects.toThrow(/already exists/);
    await c.files.save.mutate({ path: 'g/a.graph.json', graph: doc, overwrite: true });
    expect((await c.files.list.query()).graphs).toEqual(['g/a.graph.json']);
  });

  it.each(['../sg-secret.graph.json', '/etc/passwd', 'escape/sg-secret.graph.json', 'g/../../x.graph.json'])('refuses %s', async (path) => {
    const c = client(s);
    await expect(c.files.open.query({ path })).rejects.toMatchObject({ data: { code: 'FORBIDDEN' } });
    await expect(c.files.save.mutate({ path: path.endsWith('.graph.json') ? path : `${path}.graph.json`, graph: doc })).rejects.toMatchObject({ data: { code: 'FORBIDDEN' } });
  });

  it('gives in-browser runs workspace reads, hashes and output writes, and nothing outside', async () => {
    const c = client(s);
    await writeFile(join(dir, 'in.txt'), 'hello');
    expect(Buffer.from((await c.runFiles.read.query({ path: 'in.txt' })).base64, 'base64').toString()).toBe('hello');
    expect(await c.runFiles.exists.query({ path: 'in.txt' })).toBe(true);
    expect(await c.runFiles.exists.query({ path: 'nope.txt' })).toBe(false);
    expect(await c.runFiles.hash.query({ path: 'in.txt' })).toMatch(/^[0-9a-f]{64}$/);
    const w = await c.runFiles.write.mutate({ graphPath: 'g/a.graph.json', path: 'x/out.bin', base64: Buffer.from('data').toString('base64') });
    expect(w.written).toBe('out/a/x/out.bin');
    expect(await readFile(join(dir, 'out/a/x/out.bin'), 'utf8')).toBe('data');
    await expect(c.runFiles.read.query({ path: '../sg-secret.graph.json' })).rejects.toMatchObject({ data: { code: 'FORBIDDEN' } });
    await expect(c.runFiles.hash.query({ path: 'escape/sg-secret.graph.json' })).rejects.toMatchObject({ data: { code: 'FORBIDDEN' } });
    await expect(c.runFiles.write.mutate({ path: '../../x.bin', base64: '' })).rejects.toMatchObject({ data: { code: 'FORBIDDEN' } });
  });

  it('refuses to save anything but a .graph.json graph document', async () => {
    const c = client(s);
    await expect(c.files.save.mutate({ path: 'x.json', graph: doc })).rejects.toThrow(/end in \.graph\.json/);
    await expect(c.files.save.mutate({ path: 'x.graph.json', graph: { nodes: 1 } })).rejects.toThrow(/not a graph document/);
  });

  it('keeps graph reads inside the workspace when running', async () => {
    const graph = {
      format: 'stylegraph.graph',
      formatVersion: 1,
      nodes: { img: { type: 'io/LoadImage', version: 1, params: { path: '../../etc/hostname.png' } } },
      edges: [],
    };
    const c = client(s);
    const started = await c.run.start.mutate({ graph, backend: 'cpu' });
    expect(started.ok).toBe(true);
    const finished = (await events(s, (started as { runId: string }).runId)).at(-1) as Extract<ServerRunEvent, { type: 'finished' }>;
    expect(finished.nodes.img).toMatchObject({ status: 'failed', error: { message: expect.stringMatching(/outside the workspace/) } });
  });
});

describe('stylegraph serve: token and request size', () => {
  let s: RunningServer;
  beforeAll(async () => {
    s = await startServer({ workspace: repoRoot, port: 0, host: '0.0.0.0', maxBodyBytes: 4096 });
  });
  afterAll(() => s.close());
  const local = () => s.origin.replace('localhost', '127.0.0.1');

  it('bound beyond loopback, requires the token', async () => {
    expect(s.token).toMatch(/^[\w-]{32}$/);
    expect(s.url).toContain(`?token=${s.token}`);
    expect((await fetch(`${local()}/trpc/files.models`)).status).toBe(401);
    expect((await fetch(`${local()}/trpc/files.models`, { headers: { authorization: 'Bearer wrong-token-wrong-token' } })).status).toBe(401);
    expect((await fetch(`${local()}/trpc/files.models`, { headers: { authorization: `Bearer ${s.token}` } })).status).toBe(200);
    expect((await fetch(`${local()}/`)).status).toBe(401);
  });

  it('trades the printed URL’s token for a cookie', async () => {
    const res = await fetch(`${local()}/?token=${s.token}`, { redirect: 'manual' });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/');
    const cookie = res.headers.get('set-cookie')!.split(';')[0]!;
    expect((await fetch(`${local()}/trpc/files.models`, { headers: { cookie } })).status).toBe(200);
  });

  it('refuses request bodies over the limit', async () => {
    const headers = { authorization: `Bearer ${s.token}`, 'content-type': 'application/json' };
    const body = JSON.stringify({ graph: { format: 'stylegraph.graph', formatVersion: 1, title: 'x'.repeat(5000), nodes: {}, edges: [] } });
    expect((await fetch(`${local()}/trpc/graph.validate?method=POST`, { method: 'POST', headers, body })).status).toBe(413);
    // A chunked body (no Content-Length) is cut off at the limit too.
    const chunked = await new Promise<number | undefined>((done, fail) => {
      const url = new URL(`${local()}/trpc/graph.validate?method=POST`);
      const req = request({ host: url.hostname, port: url.port, path: `${url.pathname}${url.search}`, method: 'POST', headers: { ...headers, 'transfer-encoding': 'chunked' } }, (r) => done(r.resume().statusCode));
      req.on('error', fail);
      for (let i = 0; i < 10; i++) req.write(body.slice(i * 600, (i + 1) * 600));
      req.end();
    });
    expect(chunked).toBe(413);
    const small = JSON.stringify({ graph: { format: 'stylegraph.graph', formatVersion: 1, nodes: {}, edges: [] } });
    expect((await fetch(`${local()}/trpc/graph.validate`, { method: 'POST', headers, body: small })).status).toBe(200);
  });
});
