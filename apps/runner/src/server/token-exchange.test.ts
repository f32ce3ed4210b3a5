/**
 * The printed URL's `?token=` is traded for a cookie only when it is the server's token: a
 * wrong, empty or partial token gets 401 and no cookie; the right one gets 303, an HttpOnly
 * SameSite=Strict cookie and the URL without the token; the cookie then authorizes the API.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { request, type IncomingHttpHeaders } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from './http-server.js';

const TOKEN = 'secret-token-for-tests-0123456789';

interface Reply {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

/** A plain HTTP request with exactly these headers (fetch adds its own). */
function send(s: RunningServer, path: string, opts: { method?: string; headers?: Record<string, string>; body?: string } = {}): Promise<Reply> {
  const { port } = new URL(s.origin);
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, method: opts.method ?? 'GET', headers: { host: `127.0.0.1:${port}`, ...opts.headers } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('error', reject);
    req.end(opts.body);
  });
}

const models = '/trpc/files.models';

describe('stylegraph serve: trading ?token= for a cookie', () => {
  let s: RunningServer;
  let dir: string;
  let editor: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'sg-token-'));
    editor = await mkdtemp(join(tmpdir(), 'sg-editor-'));
    await writeFile(join(editor, 'index.html'), '<!doctype html><title>editor</title>');
    // A token can be required on loopback too, when one is given.
    s = await startServer({ workspace: dir, port: 0, host: '127.0.0.1', token: TOKEN, editorDir: editor });
  });
  afterAll(async () => {
    await s.close();
    await rm(dir, { recursive: true, force: true });
    await rm(editor, { recursive: true, force: true });
  });

  it('prints the URL with the given token', () => {
    expect(s.token).toBe(TOKEN);
    expect(s.url).toBe(`${s.origin}/?token=${TOKEN}`);
  });

  it.each([
    ['a wrong token', 'wrong'],
    ['a wrong token of the same length', TOKEN.replace(/.$/, 'X')],
    ['an empty token', ''],
    ['a prefix of the token', TOKEN.slice(0, -1)],
    ['the token with more after it', `${TOKEN}0`],
    ['the token in another case', TOKEN.toUpperCase()],
  ])('answers %s with 401 and no cookie', async (_what, given) => {
    const r = await send(s, `/?token=${encodeURIComponent(given)}`);
    expect(r.status).toBe(401);
    expect(r.headers['set-cookie']).toBeUndefined();
    expect(r.headers.location).toBeUndefined();
    expect(r.body).toMatch(/token is required/);
  });

  it('trades the right token for a cookie and a redirect to the same URL without it', async () => {
    const r = await send(s, `/?token=${TOKEN}`);
    expect(r.status).toBe(303);
    expect(r.headers.location).toBe('/');
    expect(r.headers['set-cookie']).toEqual([`stylegraph_token=${TOKEN}; HttpOnly; SameSite=Strict; Path=/`]);
    const deep = await send(s, `/graphs/x?a=1&token=${TOKEN}&b=2`);
    expect(deep.status).toBe(303);
    expect(deep.headers.location).toBe('/graphs/x?a=1&b=2');
  });

  it('lets the cookie (and only the right cookie) authorize the API and the editor', async () => {
    const r = await send(s, `/?token=${TOKEN}`);
    const cookie = r.headers['set-cookie']![0]!.split(';')[0]!;
    const ok = await send(s, models, { headers: { cookie } });
    expect(ok.status).toBe(200);
    expect(JSON.parse(ok.body)).toHaveProperty('result');
    expect((await send(s, '/', { headers: { cookie } })).status).toBe(200);
    expect((await send(s, models, { headers: { cookie: 'other=1; stylegraph_token=wrong' } })).status).toBe(401);
    expect((await send(s, models, { headers: { cookie: `other=1; ${cookie}` } })).status).toBe(200);
    expect((await send(s, models)).status).toBe(401);
    expect((await send(s, '/')).status).toBe(401);
  });

  it('accepts the token as a bearer header, not as a query parameter of an API call', async () => {
    expect((await send(s, models, { headers: { authorization: `Bearer ${TOKEN}` } })).status).toBe(200);
    expect((await send(s, models, { headers: { authorization: 'Bearer wrong' } })).status).toBe(401);
    // A token in the query of an API GET is traded for a cookie (a redirect), never served.
    const viaQuery = await send(s, `${models}?token=wrong`);
    expect(viaQuery.status).toBe(401);
    expect(viaQuery.headers['set-cookie']).toBeUndefined();
  });

  it('trades only on GET, and not when the request is already authorized', async () => {
    const post = await send(s, `/?token=${TOKEN}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    expect(post.status).toBe(401);
    expect(post.headers['set-cookie']).toBeUndefined();
    const authorized = await send(s, `/?token=${TOKEN}`, { headers: { authorization: `Bearer ${TOKEN}` } });
    expect(authorized.status).toBe(200);
    expect(authorized.headers['set-cookie']).toBeUndefined();
  });

  it('refuses a non-loopback Host name even with the right token', async () => {
    const r = await send(s, `/?token=${TOKEN}`, { headers: { host: 'evil.example' } });
    expect(r.status).toBe(403);
    expect(r.headers['set-cookie']).toBeUndefined();
  });
});
