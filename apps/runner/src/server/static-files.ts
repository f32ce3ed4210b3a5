/** Serves the built editor: files from one folder, `index.html` for any other GET path. */
import { readFile, stat } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname, join, normalize } from 'node:path';
import { within } from '../host/safe-write.js';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.wasm': 'application/wasm',
  '.woff2': 'font/woff2',
};

async function fileAt(dir: string, urlPath: string): Promise<string | undefined> {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return undefined;
  }
  if (decoded.includes('\0')) return undefined;
  const full = join(dir, normalize(decoded));
  if (!within(dir, full)) return undefined;
  const s = await stat(full).catch(() => undefined);
  return s?.isFile() ? full : undefined;
}

/** The Worker isolated plugins run in, in the browser (editor/src/browser/plugin-worker.ts). */
const PLUGIN_WORKER = /^\/assets\/plugin-worker-[A-Za-z0-9_-]+\.js$/;
/**
 * What that Worker may do: load scripts from this server (core, the plugin's modules) and
 * nothing else — no requests (fetch, WebSocket, EventSource: its files come through the page),
 * no Workers of its own, no WebAssembly.
 */
export const PLUGIN_WORKER_POLICY = "default-src 'none'; script-src 'self'";

export function staticHandler(dir: string | undefined) {
  return async (req: IncomingMessage, res: ServerResponse, pathname: string): Promise<void> => {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD' }).end();
      return;
    }
    const index = dir && (await fileAt(dir, 'index.html'));
    if (!dir || !index) {
      res.writeHead(503, { 'content-type': 'text/plain; charset=utf-8' }).end('The editor is not built: run `npm run build` (or `npm run setup`) in the stylegraph repository.\n');
      return;
    }
    const file = (await fileAt(dir, pathname)) ?? index;
    const body = await readFile(file);
    const immutable = file !== index && pathname.startsWith('/assets/');
    res.writeHead(200, {
      'content-type': TYPES[extname(file)] ?? 'application/octet-stream',
      'content-length': body.length,
      'cache-control': immutable ? 'public, max-age=31536000, immutable' : 'no-cache',
      'x-content-type-options': 'nosniff',
      // No other site may frame the editor (clickjacking).
      'x-frame-options': 'DENY',
      'content-security-policy': PLUGIN_WORKER.test(pathname) ? PLUGIN_WORKER_POLICY : "frame-ancestors 'none'",
      // Cross-origin isolation lets onnxruntime-web use WebAssembly threads.
      'cross-origin-opener-policy': 'same-origin',
      'cross-origin-embedder-policy': 'require-corp',
    });
    res.end(req.method === 'HEAD' ? undefined : body);
  };
}
