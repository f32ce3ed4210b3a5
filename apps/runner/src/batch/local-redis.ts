/**
 * A Redis server for this machine only: Debian's `redis-server` on a free loopback port, its data
 * in a temporary folder (kept on disk with `persist`, so it survives a restart), stopped with the
 * command that started it.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { UsageError } from '../graph-file.js';

export interface LocalRedis {
  readonly url: string;
  readonly port: number;
  readonly dir: string;
  /** Stops the server (SIGKILL with `crash`: no final save) and, unless `keepData`, removes its folder. */
  stop(opts?: { crash?: boolean; keepData?: boolean }): Promise<void>;
  /** Starts it again on the same port with the same data folder (after a SIGKILL with `crash`). */
  restart(opts?: { crash?: boolean }): Promise<void>;
}

const freePort = () =>
  new Promise<number>((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });

async function answers(url: string, timeoutMs: number): Promise<boolean> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    const r = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
    r.on('error', () => {});
    try {
      await r.connect();
      if ((await r.ping()) === 'PONG') return true;
    } catch {
      // not up yet
    } finally {
      r.disconnect();
    }
    await new Promise((res) => setTimeout(res, 50));
  }
  return false;
}

export const REDIS_SERVER = process.env.STYLEGRAPH_REDIS_SERVER ?? 'redis-server';

export async function startLocalRedis(opts: { persist?: boolean; port?: number } = {}): Promise<LocalRedis> {
  const dir = await mkdtemp(join(tmpdir(), 'stylegraph-redis-'));
  const port = opts.port ?? (await freePort());
  const url = `redis://127.0.0.1:${port}`;
  const args = ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '', '--appendonly', opts.persist ? 'yes' : 'no', '--appendfsync', 'always', '--protected-mode', 'yes'];
  let child: ChildProcess | undefined;
  const launch = async () => {
    const c = spawn(REDIS_SERVER, args, { stdio: 'ignore' });
    let failed: Error | undefined;
    c.once('error', (e) => {
      failed = e;
    });
    child = c;
    if (!(await answers(url, 10_000)) || failed) {
      c.kill('SIGKILL');
      const missing = (failed as NodeJS.ErrnoException | undefined)?.code === 'ENOENT';
      throw new UsageError(missing ? `${REDIS_SERVER} is not installed; run npm run setup (or: apt-get install redis-server), or pass --queue redis://host:6379` : `${REDIS_SERVER} did not start on port ${port}`);
    }
  };
  const exited = (c: ChildProcess) => new Promise<void>((res) => (c.exitCode !== null || c.signalCode !== null ? res() : c.once('exit', () => res())));
  const halt = async (crash: boolean) => {
    const c = child;
    if (!c) return;
    c.kill(crash ? 'SIGKILL' : 'SIGTERM');
    await exited(c);
    child = undefined;
  };
  await launch();
  return {
    url,
    port,
    dir,
    stop: async ({ crash = false, keepData = false } = {}) => {
      await halt(crash);
      if (!keepData) await rm(dir, { recursive: true, force: true });
    },
    restart: async ({ crash = false } = {}) => {
      await halt(crash);
      await launch();
    },
  };
}
