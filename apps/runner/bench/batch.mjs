// Batch jobs on this machine: throughput of 1, 2 and 4 `stylegraph worker` processes on one
// Redis next to one `stylegraph run` of the same graph (the peer, measured in the same run), the
// per-shard overhead (many one-item shards against one shard), and Redis memory per queued shard.
// Usage: node apps/runner/bench/batch.mjs  (BENCH_ITEMS=1000, BENCH_SIZE=125, BENCH_WORKERS=1,2,4)
import { spawn, spawnSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { connectQueue, startLocalRedis } from '@stylegraph/runner';

const bin = fileURLToPath(new URL('../bin/stylegraph.js', import.meta.url));
const graph = fileURLToPath(new URL('../../../examples/dataset.graph.json', import.meta.url));
const items = Number(process.env.BENCH_ITEMS ?? 1000);
const size = Number(process.env.BENCH_SIZE ?? 125);
const counts = (process.env.BENCH_WORKERS ?? '1,2,4').split(',').map(Number);
const dir = await mkdtemp(join(tmpdir(), 'sg-bench-batch-'));
const redis = await startLocalRedis();

const cli = (args) =>
  new Promise((resolve, reject) => {
    const c = spawn(process.execPath, [bin, ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    c.stderr.on('data', (b) => (err += b));
    c.once('exit', (code) => (code === 0 ? resolve(err) : reject(new Error(`stylegraph ${args.join(' ')}: exit ${code}\n${err}`))));
  });
const workers = (n) => Array.from({ length: n }, () => spawn(process.execPath, [bin, 'worker', '--queue', redis.url, '--backend', 'cpu'], { stdio: 'ignore' }));
const stop = (ws) => Promise.all(ws.map((w) => new Promise((r) => (w.kill('SIGTERM'), w.once('exit', r)))));
let job = 0;
/** Seconds from submission to the last shard, with `n` workers already started (their start-up not counted). */
async function batch(n, seeds, shardSize) {
  const ws = workers(n);
  await new Promise((r) => setTimeout(r, 1500)); // let them connect
  const t0 = performance.now();
  await cli(['batch', 'run', graph, '--queue', redis.url, '--backend', 'cpu', '--size', String(shardSize), '--set', `seeds.seeds=${seeds}`, '--out', join(dir, `job-${job++}`)]);
  const s = (performance.now() - t0) / 1000;
  await stop(ws);
  return s;
}

const seeds = `0-${items - 1}`;
const t0 = performance.now();
spawnSync(process.execPath, [bin, 'run', graph, '--backend', 'cpu', '--set', `seeds.seeds=${seeds}`, '--out', join(dir, 'single')], { stdio: 'ignore' });
const single = (performance.now() - t0) / 1000;
console.log(`${items} images of examples/dataset.graph.json (64 px), shards of ${size}, ${cpus().length} CPU cores`);
console.log(`peer  stylegraph run (one process, start-up included): ${single.toFixed(2)} s  ${(items / single).toFixed(1)} images/s`);
let one;
for (const n of counts) {
  const s = await batch(n, seeds, size);
  one ??= s;
  console.log(`batch ${n} worker${n > 1 ? 's' : ' '}: ${s.toFixed(2)} s  ${(items / s).toFixed(1)} images/s  ×${(single / s).toFixed(2)} vs run  ×${(one / s).toFixed(2)} vs 1 worker`);
}

// Per-shard overhead: the same 200 images as 200 one-image shards and as one shard, one worker.
const many = await batch(1, '0-199', 1);
const whole = await batch(1, '0-199', 200);
console.log(`per-shard overhead: ${(((many - whole) / 199) * 1000).toFixed(1)} ms (200 one-image shards ${many.toFixed(2)} s, one shard ${whole.toFixed(2)} s)`);

// Redis memory per queued shard: 10,000 shards queued with no worker.
const r = connectQueue(redis.url);
const used = async () => Number(/used_memory:(\d+)/.exec(await r.info('memory'))[1]);
const m0 = await used();
await cli(['batch', 'run', graph, '--queue', redis.url, '--size', '1', '--set', 'seeds.seeds=0-9999', '--no-wait', '--out', join(dir, 'queued')]);
const m1 = await used();
console.log(`Redis memory per queued shard: ${((m1 - m0) / 10_000).toFixed(0)} bytes (10,000 shards: ${((m1 - m0) / 2 ** 20).toFixed(1)} MiB)`);
r.disconnect();
await redis.stop();
await rm(dir, { recursive: true, force: true });
