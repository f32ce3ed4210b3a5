/**
 * The editor's static files: content types, caching of hashed assets, the security headers on
 * every page, index.html for other paths, nothing outside the folder, HEAD, other methods, and
 * the message when the editor is not built.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, request, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { staticHandler } from './static-files.js';

let dir: string;
let secretDir: string;
const servers: Server[] = [];

/** A server answering every request with `staticHandler(folder)` on the URL's path (undecoded). */
async function serve(folder: string | undefined): Promise<number> {
  const handler = staticHandler(folder);
  const server = createServer((req, res) => void handler(req, res, (req.url ?? '/').split('?')[0]!));
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return (server.address() as AddressInfo).port;
}

function get(port: number, path: string, method = 'GET'): Promise<{ status: number; headers: IncomingHttpHeaders; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ agent: false, host: '127.0.0.1', port, path, method }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('error', reject);
    req.end();
  });
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sg-static-'));
  secretDir = `${dir}-secret`;
  await mkdir(secretDir, { recursive: true });
  await writeFile(join(secretDir, 'secret.txt'), 'secret');
  await mkdir(join(dir, 'assets'), { recursive: true });
  await writeFile(join(dir, 'index.html'), '<!doctype html><title>i</title>');
  const files: Record<string, string> = {
    'assets/app-1234.js': 'js',
    'assets/app.mjs': 'mjs',
    'assets/s.css': 'css',
    'data.json': '{}',
    'logo.svg': '<svg/>',
    'p.png': 'png',
    'favicon.ico': 'ico',
    'assets/ort.wasm': 'wasm',
    'f.woff2': 'font',
    'notes.xyz': 'other',
    'assets/page.html': '<p>',
    'assets/plugin-worker-Ab_1.js': 'worker',
  };
  for (const [name, body] of Object.entries(files)) await writeFile(join(dir, name), body);
});
afterAll(async () => {
  await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
  await rm(dir, { recursive: true, force: true });
  await rm(secretDir, { recursive: true, force: true });
});

describe('staticHandler', () => {
  it.each([
    ['/assets/app-1234.js', 'text/javascript; charset=utf-8', 'js'],
    ['/assets/app.mjs', 'text/javascript; charset=utf-8', 'mjs'],
    ['/assets/s.css', 'text/css; charset=utf-8', 'css'],
    ['/data.json', 'application/json', '{}'],
    ['/logo.svg', 'image/svg+xml', '<svg/>'],
    ['/p.png', 'image/png', 'png'],
    ['/favicon.ico', 'image/x-icon', 'ico'],
    ['/assets/ort.wasm', 'application/wasm', 'wasm'],
    ['/f.woff2', 'font/woff2', 'font'],
    ['/notes.xyz', 'application/octet-stream', 'other'],
    ['/assets/page.html', 'text/html; charset=utf-8', '<p>'],
  ])('serves %s as %s', async (path, type, body) => {
    const r = await get(await serve(dir), path);
    expect(r.status).toBe(200);
    expect(r.headers['content-type']).toBe(type);
    expect(r.body).toBe(body);
    expect(r.headers['content-length']).toBe(String(Buffer.byteLength(body)));
  });

  it('sends the security headers, and caches only files under /assets/ for good', async () => {
    const port = await serve(dir);
    const asset = await get(port, '/assets/app-1234.js');
    expect(asset.headers).toMatchObject({
      'cache-control': 'public, max-age=31536000, immutable',
      'x-content-type-options': 'nosniff',
      'x-frame-options': 'DENY',
      'content-security-policy': "frame-ancestors 'none'",
      'cross-origin-opener-policy': 'same-origin',
      'cross-origin-embedder-policy': 'require-corp',
    });
    expect((await get(port, '/data.json')).headers['cache-control']).toBe('no-cache');
    // index.html for a path under /assets/ that is not a file is not cached for good.
    const fallback = await get(port, '/assets/missing.js');
    expect(fallback.body).toBe('<!doctype html><title>i</title>');
    expect(fallback.headers['cache-control']).toBe('no-cache');
    expect(fallback.headers['content-type']).toBe('text/html; charset=utf-8');
  });

  it('serves the plugin Worker with a policy that allows scripts from here and nothing else', async () => {
    const port = await serve(dir);
    const worker = await get(port, '/assets/plugin-worker-Ab_1.js');
    expect(worker.body).toBe('worker');
    expect(worker.headers['content-security-policy']).toBe("default-src 'none'; script-src 'self'");
    expect((await get(port, '/assets/app-1234.js')).headers['content-security-policy']).toBe("frame-ancestors 'none'");
  });

  it('answers other paths with index.html, and never a file outside the folder', async () => {
    const port = await serve(dir);
    for (const path of ['/', '/graphs/x', '/assets', '/%2e%2e/' + secretDir.split('/').at(-1) + '/secret.txt', '/../x', '/a%00b', '/%E0%A4%A', '/index.html']) {
      const r = await get(port, path);
      expect(r.status, path).toBe(200);
      expect(r.body, path).toBe('<!doctype html><title>i</title>');
    }
  });

  it('answers HEAD without a body and other methods with 405', async () => {
    const port = await serve(dir);
    const head = await get(port, '/data.json', 'HEAD');
    expect(head.status).toBe(200);
    expect(head.body).toBe('');
    expect(head.headers['content-length']).toBe('2');
    const post = await get(port, '/data.json', 'POST');
    expect(post.status).toBe(405);
    expect(post.headers.allow).toBe('GET, HEAD');
    expect(post.body).toBe('');
    expect((await get(port, '/', 'DELETE')).status).toBe(405);
  });

  it('says how to build the editor when there is none', async () => {
    const message = 'The editor is not built: run `npm run build` (or `npm run setup`) in the stylegraph repository.\n';
    for (const folder of [undefined, secretDir]) {
      const r = await get(await serve(folder), '/');
      expect(r.status).toBe(503);
      expect(r.headers['content-type']).toBe('text/plain; charset=utf-8');
      expect(r.body).toBe(message);
    }
  });
});
