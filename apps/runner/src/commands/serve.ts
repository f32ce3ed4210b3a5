/**
 * `stylegraph serve`: the editor and its API for one workspace folder. Prints the URL to open
 * and runs until interrupted.
 */
import { resolve } from 'node:path';
import { UsageError } from '../graph-file.js';
import { startServer } from '../server/http-server.js';
import { redact } from '../batch/connection.js';

export interface ServeCommandOptions {
  readonly port: string;
  readonly host: string;
  readonly workspace?: string;
  readonly token?: string;
  readonly plugin?: readonly string[];
  readonly trust?: readonly string[];
  readonly debug?: boolean;
  readonly queue?: string;
}

export async function serveCommand(opts: ServeCommandOptions, io: { out: (s: string) => void; err: (s: string) => void; signal?: AbortSignal }): Promise<number> {
  const port = Number(opts.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(`--port ${opts.port}: expected a port number 0–65535`);
  if (opts.token !== undefined && opts.token.length < 16) throw new UsageError('--token: use at least 16 characters');
  const workspace = resolve(opts.workspace ?? '.');
  const running = await startServer({ workspace, port, host: opts.host, ...(opts.token !== undefined && { token: opts.token }), plugins: opts.plugin ?? [], trust: opts.trust ?? [], debug: opts.debug === true, ...(opts.queue !== undefined && { queue: opts.queue }) }).catch((e: NodeJS.ErrnoException) => {
    if (e.code === 'EADDRINUSE') throw new UsageError(`port ${port} on ${opts.host} is in use; pick another with --port`);
    if (e.code === 'EADDRNOTAVAIL' || e.code === 'ENOTFOUND') throw new UsageError(`--host ${opts.host}: not an address of this machine`);
    throw e;
  });
  io.out(`stylegraph editor for ${workspace}`);
  io.out(`open ${running.url}`);
  if (opts.queue !== undefined) io.out(`batch jobs go to ${redact(opts.queue)}`);
  if (running.token !== undefined) io.err('bound to a non-loopback address: every request needs the token in that URL');
  await new Promise<void>((done) => {
    if (!io.signal) return;
    if (io.signal.aborted) done();
    io.signal.addEventListener('abort', () => done(), { once: true });
  });
  await running.close();
  return 0;
}
