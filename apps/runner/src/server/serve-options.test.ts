/**
 * startServer's options and edges: the URL it prints for each kind of host, the body size limit
 * at its boundary, the refusal responses, a port already in use, and close().
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { request, type IncomingHttpHeaders } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_MAX_BODY_BYTES, startServer, type RunningServer } from './http-server.js';

interface Reply {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

function send(port: string, path: string, opts: { method?: string; headers?: Record<string, string>; body?: string; host?: string } = {}): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request({ agent: false, host: opts.host ?? '127.0.0.1', port, path, method: opts.method ?? 'GET', headers: { host: `localhost:${port}`, ...opts.headers } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('error', reject);
    req.end(opts.body);
  });
}

let dir: string;
let editor: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sg-opts-'));
  editor = await mkdtemp(join(tmpdir(), 'sg-opts-editor-'));
  await writeFile(join(editor, 'index.html'), '<!doctype html>');
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
  await rm(editor, { recursive: true, force: true });
});

describe('startServer', () => {
  it('prints the plain URL on loopback without a token', async () => {
    const s = await startServer({ workspace: dir, port: 0, editorDir: editor });
    try {
      expect(s.origin).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect(s.url).toBe(`${s.origin}/`);
      expect('token' in s).toBe(false);
      expect(s.workspace.root).toBeTruthy();
    } finally {
      await s.close();
    }
  });

  it.each([
    ['0.0.0.0', 'localhost'],
    ['::', 'localhost'],
    ['::1', '[::1]'],
    ['localhost', 'localhost'],
  ])('bound to %s, prints the host as %s', async (host, shown) => {
    const s = await startServer({ workspace: dir, port: 0, host, editorDir: editor, ...(host === '0.0.0.0' || host === '::' ? {} : { token: 'given-token' }) });
    try {
      const port = new URL(s.origin).port;
      expect(s.origin).toBe(`http://${shown}:${port}`);
      expect(s.url).toBe(`${s.origin}/?token=${s.token}`);
      expect(s.token).toMatch(host === '0.0.0.0' || host === '::' ? /^[\w-]{32}$/ : /^given-token$/);
    } finally {
      await s.close();
    }
  });

  it('refuses to start on a port in use, with the listen error', async () => {
    const a = await startServer({ workspace: dir, port: 0, editorDir: editor });
    try {
      await expect(startServer({ workspace: dir, port: Number(new URL(a.origin).port), editorDir: editor })).rejects.toMatchObject({ code: 'EADDRINUSE' });
    } finally {
      await a.close();
    }
  });

  it('stops accepting connections on close', async () => {
    const s = await startServer({ workspace: dir, port: 0, editorDir: editor });
    const port = new URL(s.origin).port;
    expect((await send(port, '/')).status).toBe(200);
    await s.close();
    await expect(send(port, '/')).rejects.toMatchObject({ code: 'ECONNREFUSED' });
  });

  it('limits request bodies to 32 MiB by default', () => {
    expect(DEFAULT_MAX_BODY_BYTES).toBe(32 * 2 ** 20);
  });
});

describe('startServer: responses', () => {
  let s: RunningServer;
  let port: string;
  beforeAll(async () => {
    s = await startServer({ workspace: dir, port: 0, maxBodyBytes: 100, editorDir: editor, token: 'body-token' });
    port = new URL(s.origin).port;
  });
  afterAll(() => s.close());
  const auth = { authorization: 'Bearer body-token', 'content-type': 'application/json' };

  it('accepts a declared body of exactly the limit and refuses one byte more, as text', async () => {
    const at = await send(port, '/trpc/graph.validate', { method: 'POST', headers: { ...auth, 'content-length': '100' }, body: 'x'.repeat(100) });
    expect(at.status).not.toBe(413);
    const over = await send(port, '/trpc/graph.validate', { method: 'POST', headers: { ...auth, 'content-length': '101' }, body: 'x'.repeat(101) });
    expect(over.status).toBe(413);
    expect(over.headers['content-type']).toBe('text/plain; charset=utf-8');
    expect(over.headers.connection).toBe('close');
    expect(over.body).toBe('request body larger than 100 bytes\n');
  });

  it('answers refusals as one line of text with their status', async () => {
    const r = await send(port, '/trpc/files.models');
    expect(r.status).toBe(401);
    expect(r.headers['content-type']).toBe('text/plain; charset=utf-8');
    expect(r.body).toBe('a token is required: open the URL that `stylegraph serve` printed, or send Authorization: Bearer <token>\n');
    const host = await send(port, '/', { headers: { host: 'evil.example' } });
    expect(host.status).toBe(403);
    expect(host.body).toBe('host evil.example is not a loopback name; open the server as localhost or 127.0.0.1\n');
  });

  it('serves the editor and the API once authorized', async () => {
    const page = await send(port, '/anything', { headers: auth });
    expect(page.status).toBe(200);
    expect(page.body).toBe('<!doctype html>');
    expect((await send(port, '/trpc/files.models', { headers: auth })).status).toBe(200);
  });
});
