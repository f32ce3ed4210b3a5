/**
 * Regressions for the server's trust boundary: what a client sends is data. A graph never makes
 * the server import a module; requests a browser sends for another site are refused before any
 * handler; writes stay inside `out/<graph>/` whatever links the workspace holds; the run limit
 * holds under simultaneous requests; errors carry no stack traces.
 */
import { constants, existsSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { cp, mkdir, mkdtemp, open, readdir, realpath, symlink, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../http-server.js';

/** A module that leaves a marker file when something imports it. */
async function trap(dir: string, name: string): Promise<{ path: string; marker: string }> {
  const marker = join(dir, `${name}.imported`);
  const path = join(dir, `${name}.mjs`);
  await writeFile(path, `import { writeFileSync } from 'node:fs'; writeFileSync(${JSON.stringify(marker)}, 'x'); export default { name: 'evil', version: '1.0.0', nodes: [] };\n`);
  return { path, marker };
}

const graph = (plugins: Record<string, string>) => ({ format: 'stylegraph.graph', formatVersion: 1, plugins, nodes: { c: { type: 'std/Constant', version: 1, params: { value: 1 } } }, edges: [] });

/** A tRPC call as a plain HTTP request: status, headers and the parsed body. */
async function call(s: RunningServer, path: string, opts: { input?: unknown; method?: 'GET' | 'POST'; headers?: Record<string, string> } = {}) {
  const method = opts.method ?? 'GET';
  const url = method === 'GET' && opts.input !== undefined ? `${s.origin}/trpc/${path}?input=${encodeURIComponent(JSON.stringify(opts.input))}` : `${s.origin}/trpc/${path}`;
  const res = await fetch(url, {
    method,
    headers: { 'content-type': 'application/json', ...opts.headers },
    ...(method === 'POST' && { body: JSON.stringify(opts.input ?? {}) }),
  });
  const text = await res.text();
  return { status: res.status, headers: res.headers, text, body: JSON.parse(text) as { result?: { data: unknown }; error?: { message: string; data?: Record<string, unknown> } } };
}

/** A raw request with exactly these headers (fetch would add or refuse some of them). */
const raw = (s: RunningServer, path: string, headers: Record<string, string>) =>
  new Promise<number>((done, fail) =>
    request({ host: '127.0.0.1', port: new URL(s.origin).port, path, headers: { host: new URL(s.origin).host, ...headers } }, (r) => done(r.resume().statusCode ?? 0))
      .on('error', fail)
      .end(),
  );

describe('regression: a graph from a client never loads code', () => {
  let s: RunningServer;
  let dir: string;
  beforeAll(async () => {
    dir = await realpath(await mkdtemp(join(tmpdir(), 'sg-trust-')));
    s = await startServer({ workspace: dir, port: 0 });
  });
  afterAll(() => s.close());

  it('refuses a plugin path in graph.validate and run.start without importing it', async () => {
    const abs = await trap(dir, 'abs');
    const rel = await trap(dir, 'rel');
    for (const plugins of [{ [abs.path]: '^1.0.0' }, { './rel.mjs': '^1.0.0' }, { 'file:///etc/passwd': '*' }, { '../x': '*' }] as Array<Record<string, string>>) {
      const v = await call(s, 'graph.validate', { input: { graph: graph(plugins) } });
      const diagnostics = (v.body.result!.data as { diagnostics: Array<{ code: string; message: string }> }).diagnostics;
      expect(diagnostics.some((d) => d.code === 'PLUGIN_NAME_INVALID' && /--plugin/.test(d.message))).toBe(true);
      const r = await call(s, 'run.start', { method: 'POST', input: { graph: graph(plugins) } });
      expect((r.body.result!.data as { ok: boolean }).ok).toBe(false);
    }
    expect(existsSync(abs.marker)).toBe(false);
    expect(existsSync(rel.marker)).toBe(false);
  });

  it('does not import a module a client wrote with runFiles.write', async () => {
    const body = `import { writeFileSync } from 'node:fs'; writeFileSync(${JSON.stringify(join(dir, 'written.imported'))}, 'x'); export default { name: 'evil2', version: '1.0.0', nodes: [] };`;
    const w = await call(s, 'runFiles.write', { method: 'POST', input: { path: 'evil.mjs', base64: Buffer.from(body).toString('base64') } });
    expect(w.status).toBe(200);
    const written = (w.body.result!.data as { written: string }).written;
    expect(written).toBe('out/untitled/evil.mjs');
    for (const spec of [join(dir, written), `./${written}`]) {
      await call(s, 'graph.validate', { input: { graph: graph({ [spec]: '*' }) } });
      await call(s, 'run.start', { method: 'POST', input: { graph: graph({ [spec]: '*' }) } });
    }
    expect(existsSync(join(dir, 'written.imported'))).toBe(false);
  });

  it('does not import an installed package because a graph names it', async () => {
    const pkg = join(dir, 'node_modules', 'sneaky');
    await mkdir(pkg, { recursive: true });
    await writeFile(join(pkg, 'package.json'), JSON.stringify({ name: 'sneaky', version: '1.0.0', type: 'module', main: 'index.js' }));
    await writeFile(join(pkg, 'index.js'), `import { writeFileSync } from 'node:fs'; writeFileSync(${JSON.stringify(join(dir, 'sneaky.imported'))}, 'x'); export default {};`);
    const v = await call(s, 'graph.validate', { input: { graph: graph({ sneaky: '^1.0.0' }) } });
    expect((v.body.result!.data as { diagnostics: Array<{ code: string }> }).diagnostics.map((d) => d.code)).toContain('PLUGIN_MISSING');
    expect(existsSync(join(dir, 'sneaky.imported'))).toBe(false);
  });
});

describe('regression: cross-site requests are refused, GET included', () => {
  let s: RunningServer;
  beforeAll(async () => {
    s = await startServer({ workspace: await mkdtemp(join(tmpdir(), 'sg-site-')), port: 0 });
  });
  afterAll(() => s.close());

  it('refuses API requests marked cross-site or same-site, or from another origin', async () => {
    const api = '/trpc/files.list';
    expect(await raw(s, api, {})).toBe(200);
    expect(await raw(s, api, { 'sec-fetch-site': 'same-origin' })).toBe(200);
    expect(await raw(s, api, { 'sec-fetch-site': 'none' })).toBe(200);
    expect(await raw(s, api, { 'sec-fetch-site': 'cross-site' })).toBe(403);
    // Another port of localhost is the same site but another origin.
    expect(await raw(s, api, { 'sec-fetch-site': 'same-site' })).toBe(403);
    expect(await raw(s, api, { origin: 'http://evil.example' })).toBe(403);
    expect(await raw(s, api, { origin: 'null' })).toBe(403);
    expect(await raw(s, api, { origin: s.origin })).toBe(200);
    // Even a navigation cannot reach the API from another site.
    expect(await raw(s, api, { 'sec-fetch-site': 'cross-site', 'sec-fetch-mode': 'navigate', 'sec-fetch-dest': 'document' })).toBe(403);
    const sub = `/trpc/run.events?input=${encodeURIComponent(JSON.stringify({ runId: '00000000-0000-4000-8000-000000000000' }))}`;
    expect(await raw(s, sub, { 'sec-fetch-site': 'cross-site', 'sec-fetch-mode': 'cors' })).toBe(403);
  });

  it('lets a link from another site open the editor page, which no site may frame', async () => {
    const status = await raw(s, '/', { 'sec-fetch-site': 'cross-site', 'sec-fetch-mode': 'navigate', 'sec-fetch-dest': 'document' });
    expect(status).not.toBe(403);
    expect(await raw(s, '/', { 'sec-fetch-site': 'cross-site', 'sec-fetch-mode': 'no-cors', 'sec-fetch-dest': 'script' })).toBe(403);
  });
});

describe('regression: writes stay inside out/<graph>/', () => {
  let s: RunningServer;
  let ws: string;
  let outside: string;
  beforeAll(async () => {
    ws = await realpath(await mkdtemp(join(tmpdir(), 'sg-write-')));
    outside = await realpath(await mkdtemp(join(tmpdir(), 'sg-outside-')));
    await mkdir(join(ws, 'out', 'g'), { recursive: true });
    await symlink(outside, join(ws, 'out', 'g', 'link'));
    await mkdir(join(ws, 'sub'));
    await symlink(outside, join(ws, 'sub', 'linked'));
    s = await startServer({ workspace: ws, port: 0 });
  });
  afterAll(() => s.close());

  const write = (input: Record<string, unknown>) => call(s, 'runFiles.write', { method: 'POST', input: { base64: Buffer.from('data').toString('base64'), ...input } });

  it('refuses a symlinked folder under out/<graph>/, and writes nothing outside', async () => {
    const r = await write({ graphPath: 'g.graph.json', path: 'link/x.png' });
    expect(r.status).toBe(403);
    expect(r.body.error!.message).toMatch(/link is a symbolic link/);
    expect(await readdir(outside)).toEqual([]);
  });

  it('never treats the graph path as a way out (graphPath "..", NUL, absolute, ..)', async () => {
    const up = await write({ graphPath: '..', path: 'x.graph.json' });
    expect(up.status).toBe(200);
    expect((up.body.result!.data as { written: string }).written).toBe('out/untitled/x.graph.json');
    expect(existsSync(join(ws, 'x.graph.json'))).toBe(false);
    for (const path of ['../x.png', '/tmp/x.png', 'a/../../x.png', 'nul\0.png', 'C:/x.png']) {
      const r = await write({ graphPath: 'g.graph.json', path });
      expect(r.status).toBeGreaterThanOrEqual(400);
      expect(r.status).toBeLessThan(500);
      expect(r.text).not.toMatch(/\n\s+at /);
    }
  });

  it('refuses an out folder that is itself a link', async () => {
    const ws2 = await realpath(await mkdtemp(join(tmpdir(), 'sg-write2-')));
    await symlink(outside, join(ws2, 'out'));
    const s2 = await startServer({ workspace: ws2, port: 0 });
    try {
      const r = await call(s2, 'runFiles.write', { method: 'POST', input: { path: 'x.png', base64: '' } });
      expect(r.status).toBe(403);
      expect(await readdir(outside)).toEqual([]);
    } finally {
      await s2.close();
    }
  });

  it('saves graphs only inside the workspace, not through links', async () => {
    const doc = graph({});
    const r = await call(s, 'files.save', { method: 'POST', input: { path: 'sub/linked/a.graph.json', graph: doc } });
    expect(r.status).toBe(403);
    expect(await readdir(outside)).toEqual([]);
    const ok = await call(s, 'files.save', { method: 'POST', input: { path: 'sub/b.graph.json', graph: doc } });
    expect(ok.status).toBe(200);
  });

  it('fails a run node whose output path goes through a link, writing nothing outside', async () => {
    const doc = {
      format: 'stylegraph.graph',
      formatVersion: 1,
      nodes: {
        c: { type: 'std/Constant', version: 1, params: { value: 1 } },
        r: { type: 'std/Report', version: 1 },
        save: { type: 'std/SaveReport', version: 1, params: { path: 'link/report.json' } },
      },
      edges: [
        { from: 'c.value', to: 'r.value' },
        { from: 'r.report', to: 'save.report' },
      ],
    };
    await writeFile(join(ws, 'g.graph.json'), JSON.stringify(doc));
    const started = await call(s, 'run.start', { method: 'POST', input: { graph: doc, path: 'g.graph.json', backend: 'cpu' } });
    const data = started.body.result!.data as { ok: boolean; runId: string; diagnostics: unknown[] };
    expect(data.ok).toBe(true);
    let result: { done: boolean; nodes?: Record<string, { status: string; error?: { code: string; message: string } }> } = { done: false };
    for (let i = 0; i < 200 && !result.done; i++) {
      await new Promise((r) => setTimeout(r, 25));
      result = (await call(s, 'run.result', { input: { runId: data.runId } })).body.result!.data as typeof result;
    }
    expect(result.nodes!.save!.status).toBe('failed');
    expect(result.nodes!.save!.error).toMatchObject({ code: 'FILE_WRITE' });
    expect(result.nodes!.save!.error!.message).toMatch(/symbolic link/);
    expect(await readdir(outside)).toEqual([]);
  });

  it('lists no folder for a client graph (io/LoadFolder fails: the workspace host cannot list)', async () => {
    const doc = {
      format: 'stylegraph.graph',
      formatVersion: 1,
      nodes: { load: { type: 'io/LoadFolder', version: 1, params: { folder: '/etc', size: 8 } } },
      edges: [],
    };
    const started = await call(s, 'run.start', { method: 'POST', input: { graph: doc, backend: 'cpu' } });
    const data = started.body.result!.data as { ok: boolean; runId: string };
    expect(data.ok).toBe(true);
    let result: { done: boolean; nodes?: Record<string, { status: string; error?: { code: string; message: string } }> } = { done: false };
    for (let i = 0; i < 200 && !result.done; i++) {
      await new Promise((r) => setTimeout(r, 25));
      result = (await call(s, 'run.result', { input: { runId: data.runId } })).body.result!.data as typeof result;
    }
    expect(result.nodes!.load!.status).toBe('failed');
    expect(result.nodes!.load!.error!.message).toMatch(/cannot list folders/);
  });
});

describe('regression: a client graph reads no model outside the workspace', () => {
  let s: RunningServer;
  let dir: string;
  beforeAll(async () => {
    dir = await realpath(await mkdtemp(join(tmpdir(), 'sg-files-')));
    await cp(fileURLToPath(new URL('../../../../../models/faces64', import.meta.url)), join(dir, 'faces64'), { recursive: true });
    await writeFile(join(tmpdir(), 'sg-outside.onnx'), 'not a model');
    s = await startServer({ workspace: dir, port: 0 });
  });
  afterAll(() => s.close());

  it('fails inversion/Project whose perceptual network lies outside, before any step', async () => {
    for (const path of ['/etc/passwd', '../sg-outside.onnx']) {
      const doc = {
        format: 'stylegraph.graph',
        formatVersion: 1,
        nodes: {
          model: { type: 'stylegan/LoadGenerator', version: 1, params: { path: 'faces64' } },
          faces: { type: 'faces/RenderFaces', version: 1, params: { seeds: '1', size: 64 } },
          project: { type: 'inversion/Project', version: 1, params: { steps: 2, perceptual: 'onnx', perceptualModel: path } },
        },
        edges: [
          { from: 'model.generator', to: 'project.generator' },
          { from: 'faces.image', to: 'project.target' },
        ],
      };
      const started = await call(s, 'run.start', { method: 'POST', input: { graph: doc, backend: 'cpu' } });
      const data = started.body.result!.data as { ok: boolean; runId?: string; diagnostics?: { message: string }[] };
      if (!data.ok) {
        // Refused when the graph is checked: the path names a file outside the workspace.
        expect(JSON.stringify(data.diagnostics)).toMatch(/outside|workspace|perceptualModel/);
        continue;
      }
      let result: { done: boolean; nodes?: Record<string, { status: string; error?: { code: string; message: string } }> } = { done: false };
      for (let i = 0; i < 400 && !result.done; i++) {
        await new Promise((r) => setTimeout(r, 25));
        result = (await call(s, 'run.result', { input: { runId: data.runId } })).body.result!.data as typeof result;
      }
      expect(result.nodes!.project!.status).toBe('failed');
      expect(result.nodes!.project!.error!.message).toMatch(/outside|workspace/);
    }
  });
});

describe('regression: limits and errors', () => {
  let s: RunningServer;
  let ws: string;
  beforeAll(async () => {
    ws = await realpath(await mkdtemp(join(tmpdir(), 'sg-limit-')));
    s = await startServer({ workspace: ws, port: 0 });
  });
  afterAll(() => s.close());

  it('starts at most 2 of 50 simultaneous runs; the rest get 429 with Retry-After', async () => {
    // Each run reads a named pipe, so a started run waits (without blocking the server) until the test writes to it.
    const fifo = join(ws, 'wait.png');
    execFileSync('mkfifo', [fifo]);
    const waiting = (i: number) => ({
      format: 'stylegraph.graph',
      formatVersion: 1,
      nodes: { img: { type: 'io/LoadImage', version: 1, params: { path: 'wait.png', size: 4 + i } }, s: { type: 'std/Statistic', version: 1, params: { stat: 'mean' } } },
      edges: [{ from: 'img.image', to: 's.tensor' }],
    });
    const replies = await Promise.all(Array.from({ length: 50 }, (_, i) => call(s, 'run.start', { method: 'POST', input: { graph: waiting(i), backend: 'cpu' } })));
    const started = replies.filter((r) => r.status === 200);
    const refused = replies.filter((r) => r.status === 429);
    expect(started).toHaveLength(2);
    expect(refused).toHaveLength(48);
    expect(refused[0]!.headers.get('retry-after')).toMatch(/^\d+$/);
    expect(refused[0]!.body.error!.message).toMatch(/retry in \d+ s/);
    // Release the two waiting runs (they read an empty file and fail); then a slot is free again.
    const ids = started.map((r) => (r.body.result!.data as { runId: string }).runId);
    const done = async () => (await Promise.all(ids.map(async (runId) => ((await call(s, 'run.result', { input: { runId } })).body.result!.data as { done: boolean }).done))).every(Boolean);
    for (let i = 0; i < 400 && !(await done()); i++) {
      // Opening the pipe for writing (without blocking when no run reads it yet) and closing it ends the readers' files.
      const w = await open(fifo, constants.O_WRONLY | constants.O_NONBLOCK).catch(() => undefined);
      await w?.close();
      await new Promise((r) => setTimeout(r, 25));
    }
    const again = await call(s, 'run.start', { method: 'POST', input: { graph: graph({}), backend: 'cpu' } });
    expect(again.status).toBe(200);
  });

  it('answers errors with a code and one line, never a stack trace', async () => {
    const replies = [
      await call(s, 'graph.validate', { input: { nope: 1 } }),
      await call(s, 'files.open', { input: { path: '../../etc/passwd' } }),
      await call(s, 'files.open', { input: { path: 'missing.graph.json' } }),
      await call(s, 'runFiles.read', { input: { path: 'a\0b' } }),
      await call(s, 'run.result', { input: { runId: '00000000-0000-4000-8000-000000000000' } }),
    ];
    for (const r of replies) {
      expect(r.status).toBeGreaterThanOrEqual(400);
      expect(r.status).toBeLessThan(500);
      expect(r.body.error!.data).not.toHaveProperty('stack');
      expect(r.text).not.toMatch(/\s+at \S+ \(|node:internal/);
    }
  });
});
