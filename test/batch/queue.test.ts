/**
 * Batch jobs on a real Redis (Debian's redis-server on loopback, with persistence), run by
 * `stylegraph worker` processes as a user starts them: outputs byte-identical to one run, a
 * worker killed mid-shard, Redis restarted mid-job, a failing shard, resubmission and the cache.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { copyFile, mkdir, mkdtemp, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { connectQueue, findBatch, shardRecords, startLocalRedis, type LocalRedis, type ShardRecord } from '@stylegraph/runner';
import { repoRoot } from '../cli/run-cli.js';

const bin = join(repoRoot, 'apps/runner/bin/stylegraph.js');
const DATASET = join(repoRoot, 'examples/dataset.graph.json');

interface Done {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** The CLI, in the background: resolves when it exits. */
function cli(args: readonly string[], cwd = repoRoot): Promise<Done> & { child: ChildProcess } {
  const child = spawn(process.execPath, [bin, ...args], { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (b: Buffer) => (stdout += b.toString()));
  child.stderr!.on('data', (b: Buffer) => (stderr += b.toString()));
  const done = new Promise<Done>((resolve) => child.once('exit', (code) => resolve({ code, stdout, stderr }))) as Promise<Done> & { child: ChildProcess };
  done.child = child;
  return done;
}

const runOnce = (args: readonly string[]) => spawnSync(process.execPath, [bin, ...args], { cwd: repoRoot, encoding: 'utf8', timeout: 120_000 });

let redis: LocalRedis;
let dir: string;
let workers: ChildProcess[] = [];
const startWorkers = (n: number, extra: readonly string[] = []) => {
  const started = Array.from({ length: n }, () => cli(['worker', '--queue', redis.url, '--backend', 'cpu', '--stall-ms', '1500', ...extra]).child);
  workers.push(...started);
  return started;
};

const listing = async (d: string) => (await readdir(d)).sort();
async function expectSameFiles(a: string, b: string, count: number) {
  const names = await listing(a);
  expect(names).toHaveLength(count);
  expect(await listing(b)).toEqual(names); // nothing missing, nothing extra, no temporary file left
  for (const n of names) expect(Buffer.compare(await readFile(join(a, n)), await readFile(join(b, n))), n).toBe(0);
}

async function records(out: string): Promise<ShardRecord[]> {
  const r = connectQueue(redis.url);
  try {
    const ids = await r.keys('stylegraph:batch:*:done');
    const all = await Promise.all(ids.map((k) => shardRecords(r, k.split(':')[2]!)));
    const job = await Promise.all(ids.map((k) => findBatch(r, k.split(':')[2]!)));
    return all.filter((_, i) => job[i]?.job.out === out).flat();
  } finally {
    r.disconnect();
  }
}

beforeAll(async () => {
  redis = await startLocalRedis({ persist: true });
  dir = await mkdtemp(join(tmpdir(), 'sg-batch-'));
  // The single-machine runs the shards are compared with.
  expect(runOnce(['run', DATASET, '--out', join(dir, 'single-2000'), '--backend', 'cpu']).status).toBe(0);
  expect(runOnce(['run', DATASET, '--out', join(dir, 'single-600'), '--backend', 'cpu', '--set', 'seeds.seeds=0-599']).status).toBe(0);
}, 120_000);
afterEach(async () => {
  for (const w of workers) w.kill('SIGKILL');
  workers = [];
});
afterAll(async () => {
  await redis?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('stylegraph batch on Redis', () => {
  it('refuses what would lose work or overwrite files, before queuing anything', async () => {
    const noWait = runOnce(['batch', 'run', DATASET, '--local', '2', '--no-wait']);
    expect(noWait.status).toBe(2);
    expect(noWait.stderr).toMatch(/--local workers stop when the command returns: --no-wait needs --queue/);
    const stall = runOnce(['batch', 'run', DATASET, '--local', '1', '--stall-ms', '100']);
    expect(stall.status).toBe(2);
    expect(stall.stderr).toMatch(/--stall-ms 100: at least 500/);
    const worker = runOnce(['worker', '--queue', 'redis://127.0.0.1:1']);
    expect(worker.status).toBe(2);
    expect(worker.stderr).toMatch(/cannot reach the queue at redis:\/\/127\.0\.0\.1:1/);
    const secret = runOnce(['batch', 'status', 'x', '--queue', 'redis://:hunter2@127.0.0.1:1']);
    expect(secret.stderr).not.toContain('hunter2');
  }, 60_000);

  it('runs 2,000 seeds in 16 shards over 3 workers: every image once, byte for byte the single run’s', async () => {
    startWorkers(3);
    const out = join(dir, 'batch-2000');
    const r = await cli(['batch', 'run', DATASET, '--queue', redis.url, '--size', '125', '--out', out, '--backend', 'cpu']);
    expect(r.stderr).toMatch(/16 shards, 2000 items/);
    expect(r.stderr).toMatch(/done: 16\/16 shards \(2000 items/);
    expect(r.code).toBe(0);
    await expectSameFiles(join(dir, 'single-2000'), out, 2000);
    const shards = await records(out);
    expect(shards.map((s) => s.shard).sort((a, b) => a - b)).toEqual(Array.from({ length: 16 }, (_, i) => i));
    expect(new Set(shards.map((s) => s.worker)).size).toBeGreaterThan(1);
    expect(shards.every((s) => s.backend.startsWith('cpu') && s.versions['@stylegraph/plugin-stylegan'] === '0.1.0')).toBe(true);
    // Each file is recorded once, with the hash of what is on disk.
    const files = shards.flatMap((s) => s.files);
    expect(new Set(files.map((f) => f.path)).size).toBe(2000);
  }, 120_000);

  it('finishes when a worker is killed (SIGKILL) in the middle of a shard: nothing missing, duplicated or partial', async () => {
    const [victim] = startWorkers(2);
    let said = '';
    victim!.stderr!.on('data', (b: Buffer) => (said += b.toString()));
    const out = join(dir, 'killed');
    const job = cli(['batch', 'run', DATASET, '--queue', redis.url, '--size', '100', '--out', out, '--backend', 'cpu', '--set', 'seeds.seeds=0-599']);
    // Once the victim has finished a shard it takes the next one at once: kill it at a random moment of that one.
    for (let i = 0; i < 800 && !/shard \d+ of/.test(said); i++) await new Promise((r) => setTimeout(r, 25));
    await new Promise((r) => setTimeout(r, 20 + Math.random() * 150));
    expect(job.child.exitCode, 'the job was still running').toBeNull();
    const finishedByVictim = (said.match(/shard \d+ of/g) ?? []).length;
    victim!.kill('SIGKILL');
    const r = await job;
    expect(r.code, r.stderr).toBe(0);
    await expectSameFiles(join(dir, 'single-600'), out, 600);
    // Every shard is recorded once; the victim's are only those it finished before it died.
    const shards = await records(out);
    expect(shards.map((s) => s.shard).sort()).toEqual([0, 1, 2, 3, 4, 5]);
    expect(shards.filter((s) => s.worker.endsWith(`:${victim!.pid}`))).toHaveLength(finishedByVictim);
  }, 120_000);

  it('finishes when Redis crashes (SIGKILL) and restarts in the middle of a job (its data persisted)', async () => {
    startWorkers(2);
    const out = join(dir, 'restarted');
    const job = cli(['batch', 'run', DATASET, '--queue', redis.url, '--size', '50', '--out', out, '--backend', 'cpu', '--set', 'seeds.seeds=0-599']);
    for (let i = 0; i < 400 && (await readdir(out).catch(() => [])).length < 100; i++) await new Promise((r) => setTimeout(r, 25));
    expect(job.child.exitCode, 'the job was still running').toBeNull();
    await redis.restart({ crash: true });
    const r = await job;
    expect(r.code, r.stderr).toBe(0);
    await expectSameFiles(join(dir, 'single-600'), out, 600);
  }, 120_000);

  it('reports a shard that keeps failing (a bad image in the folder) with its error; the other shards complete', async () => {
    startWorkers(1);
    const pics = join(dir, 'pics');
    await rm(pics, { recursive: true, force: true });
    await mkdir(pics);
    const png = join(repoRoot, 'test/golden/examples/generate/generate.png');
    for (const n of ['a', 'b', 'c', 'd', 'f']) await copyFile(png, join(pics, `${n}.png`));
    await writeFile(join(pics, 'e.png'), (await readFile(png)).subarray(0, 200));
    const graph = {
      format: 'stylegraph.graph',
      formatVersion: 1,
      plugins: { '@stylegraph/plugin-io': '^0.1.0' },
      nodes: {
        load: { type: 'io/LoadImages', version: 1, params: { paths: ['a.png', 'b.png', 'c.png', 'd.png', 'e.png', 'f.png'], size: 32 } },
        save: { type: 'io/SaveImage', version: 1, params: { path: 'small-{index}.png' } },
      },
      edges: [{ from: 'load.image', to: 'save.image' }],
    };
    await writeFile(join(pics, 'shrink.graph.json'), JSON.stringify(graph));
    const out = join(pics, 'out');
    const r = await cli(['batch', 'run', join(pics, 'shrink.graph.json'), '--queue', redis.url, '--shard', 'load.paths', '--size', '2', '--attempts', '2', '--out', out]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/stylegraph: shard 2: node "load" \(io\/LoadImages\) failed: IMAGE_INVALID: .*e\.png/);
    expect(r.stderr).toMatch(/failed: 2\/3 shards .*; 1 failed/);
    expect(await listing(out)).toEqual(['small-0.png', 'small-1.png', 'small-2.png', 'small-3.png']);
    const status = runOnce(['batch', 'status', r.stderr.match(/job (\S+) \(/)![1]!, '--queue', redis.url]);
    expect(status.status).toBe(1);
    expect(status.stdout).toMatch(/2\/3 shards done, 1 failed, 0 pending/);
    expect(status.stdout).toMatch(/failed shard 2: .*IMAGE_INVALID/);
    // Submitted again, the failed shard gets its tries again (and fails again); the done ones are not redone.
    const again = await cli(['batch', 'run', join(pics, 'shrink.graph.json'), '--queue', redis.url, '--shard', 'load.paths', '--size', '2', '--attempts', '2', '--out', out]);
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/queued 0, retried 1; 2 already done/);
    expect(again.stderr).toMatch(/stylegraph: shard 2: node "load" \(io\/LoadImages\) failed: IMAGE_INVALID/);
  }, 120_000);

  it('does no work for the same job again; a job that changes one param re-runs only the nodes it reaches', async () => {
    const cache = join(dir, 'cache');
    startWorkers(2, ['--cache', cache]);
    const out = join(dir, 'cached');
    const args = ['batch', 'run', DATASET, '--queue', redis.url, '--size', '25', '--out', out, '--backend', 'cpu', '--set', 'seeds.seeds=0-99'];
    expect((await cli(args)).code).toBe(0);
    const before = await stat(join(out, 'seed-00042.png'));
    const again = await cli(args);
    expect(again.code).toBe(0);
    expect(again.stderr).toMatch(/queued 0; 4 already done/);
    expect((await stat(join(out, 'seed-00042.png'))).mtimeMs).toBe(before.mtimeMs);

    const renamed = await cli([...args, '--set', 'save.path=face-{index:03}.png']);
    expect(renamed.code).toBe(0);
    expect((await listing(out)).filter((f) => f.startsWith('face-'))).toHaveLength(100);
    const shards = await records(out);
    const second = shards.filter((s) => s.files[0]!.path.startsWith('face-'));
    expect(second).toHaveLength(4);
    // Model, seeds, mapping, truncation and synthesis came from the shared cache; only the save ran.
    expect(second.map((s) => s.counts)).toEqual(Array.from({ length: 4 }, () => ({ ran: 1, cached: 5 })));
  }, 120_000);
});
