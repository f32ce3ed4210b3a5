/**
 * The HTTP server of `stylegraph serve`: the tRPC API under `/trpc/` (requests limited in
 * size), the browser code of loaded plugins under `/plugins/` and the built editor everywhere
 * else, behind the checks in auth.ts.
 */
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { createHTTPHandler } from '@trpc/server/adapters/standalone';
import type { Compute } from '@stylegraph/ops-gpu';
import { closePlugins, discoverPlugins, loadRegistry, type LoadedPlugin } from '../host/plugins.js';
import { TOKEN_COOKIE, isLoopback, refusal, sameToken } from './auth.js';
import { appRouter } from './router.js';
import { PLUGIN_ROUTE, browserPlugin, pluginFilesHandler, type BrowserPlugin } from './plugin-files.js';
import { editorImportMap } from './module-specifiers.js';
import { RunManager } from './runs.js';
import { connect, queueUrl, shardQueue } from '../batch/connection.js';
import { serverCompute } from './server-compute.js';
import { RETRY_AFTER_S } from './routes/run.js';
import { staticHandler } from './static-files.js';
import { Workspace } from './workspace.js';

/** Largest request body the API accepts by default (a PNG to read a graph from fits). */
export const DEFAULT_MAX_BODY_BYTES = 32 * 1024 * 1024;

export interface ServeOptions {
  readonly workspace: string;
  readonly port?: number;
  readonly host?: string;
  /** Required token; generated when the host is not loopback and none is given. */
  readonly token?: string;
  /** Folder of the built editor (default: apps/editor/dist beside this package). */
  readonly editorDir?: string;
  readonly maxBodyBytes?: number;
  readonly plugins?: readonly string[];
  /** Third-party plugins to run inside the server's process instead of isolated (`--trust`). */
  readonly trust?: readonly string[];
  /** Print the stack of unexpected errors to stderr (clients never see stacks). */
  readonly debug?: boolean;
  /** The compute runs use (default: a Node compute made on the first run). */
  readonly compute?: Compute;
  /** The Redis of batch jobs (`--queue redis://…`): the editor may then submit graphs as batch jobs. */
  readonly queue?: string;
}

export interface RunningServer {
  readonly server: Server;
  /** The URL to open (with the token when one is required). */
  readonly url: string;
  readonly origin: string;
  readonly token?: string;
  readonly workspace: Workspace;
  close(): Promise<void>;
}

export function defaultEditorDir(): string | undefined {
  const dir = fileURLToPath(new URL('../../../editor/dist/', import.meta.url));
  return existsSync(dir) ? dir : undefined;
}

export async function startServer(opts: ServeOptions): Promise<RunningServer> {
  const host = opts.host ?? '127.0.0.1';
  const loopbackOnly = isLoopback(host);
  const token = opts.token ?? (loopbackOnly ? undefined : randomBytes(24).toString('base64url'));
  const maxBodySize = opts.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  const workspace = new Workspace(opts.workspace);
  const runs = new RunManager();
  const compute = serverCompute(opts.compute);
  // Every plugin is loaded now; nothing a client sends makes the server import a module.
  const loaded: LoadedPlugin[] = [];
  const registry = await loadRegistry({ extra: opts.plugins ?? [], extraFromDir: process.cwd(), required: await discoverPlugins(workspace.root), fromDir: workspace.root,
    loaded: (p) => loaded.push(p),
    trust: new Set(opts.trust ?? []),
    workspace: workspace.root,
    warn: (m) => console.error(`stylegraph serve: warning: ${m}`),
  });
  const browserPlugins = (await Promise.all(loaded.map(browserPlugin))).filter((p): p is BrowserPlugin => p !== undefined);
  const batchRedis = opts.queue === undefined ? undefined : connect(queueUrl(opts.queue), { commandTimeoutMs: 5000 });
  const batch = batchRedis && { redis: batchRedis, queue: shardQueue(batchRedis) };
  const trpc = createHTTPHandler({
    router: appRouter,
    basePath: '/trpc/',
    maxBodySize,
    allowMethodOverride: true,
    createContext: () => ({ workspace, runs, registry, compute, browserPlugins, ...(batch && { batch }) }),
    onError: ({ error, path }) => {
      if (error.code === 'INTERNAL_SERVER_ERROR') console.error(`stylegraph serve: ${path ?? '?'}: ${opts.debug ? (error.cause?.stack ?? error.stack) : `${error.cause?.message ?? error.message} (--debug shows the stack)`}`);
    },
    // A client told "too many runs" learns when to try again.
    responseMeta: ({ errors }) => (errors.some((e) => e.code === 'TOO_MANY_REQUESTS') ? { headers: new Headers({ 'retry-after': String(RETRY_AFTER_S) }) } : {}),
  });
  const editorDir = opts.editorDir ?? defaultEditorDir();
  const serveEditor = staticHandler(editorDir);
  const servePlugins = pluginFilesHandler(browserPlugins, await editorImportMap(editorDir));

  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const refused = refusal(req, url.pathname, { ...(token !== undefined && { token }), loopbackOnly });
    // Opening the printed URL trades the token in the query for a cookie.
    const given = url.searchParams.get('token');
    if (refused?.status === 401 && token !== undefined && given !== null && req.method === 'GET' && sameToken(given, token)) {
      url.searchParams.delete('token');
      res.writeHead(303, {
        'set-cookie': `${TOKEN_COOKIE}=${encodeURIComponent(token)}; HttpOnly; SameSite=Strict; Path=/`,
        location: `${url.pathname}${url.search}`,
      });
      res.end();
      return;
    }
    if (refused) {
      res.writeHead(refused.status, { 'content-type': 'text/plain; charset=utf-8' }).end(`${refused.message}\n`);
      return;
    }
    const length = Number(req.headers['content-length'] ?? 0);
    if (length > maxBodySize) {
      res.writeHead(413, { 'content-type': 'text/plain; charset=utf-8', connection: 'close' }).end(`request body larger than ${maxBodySize} bytes\n`);
      req.destroy();
      return;
    }
    if (url.pathname.startsWith('/trpc/')) {
      trpc(req, res);
      return;
    }
    (url.pathname.startsWith(PLUGIN_ROUTE) ? servePlugins : serveEditor)(req, res, url.pathname).catch((e: unknown) => {
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' });
      res.end(`${e instanceof Error ? e.message : String(e)}\n`);
    });
  });
  // Bound request time for headers; run event streams stay open as long as the run.
  server.headersTimeout = 30_000;
  server.requestTimeout = 0;

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 5178, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  // A wildcard address is opened as localhost; an IPv6 address goes in brackets.
  const shownHost = host === '0.0.0.0' || host === '::' ? 'localhost' : host.includes(':') ? `[${host}]` : host;
  const origin = `http://${shownHost}:${port}`;
  return {
    server,
    origin,
    url: token === undefined ? `${origin}/` : `${origin}/?token=${token}`,
    ...(token !== undefined && { token }),
    workspace,
    close: async () => {
      runs.cancelAll();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await compute.close();
      await batch?.queue.close().catch(() => undefined);
      batchRedis?.disconnect();
      closePlugins(registry);
    },
  };
}
