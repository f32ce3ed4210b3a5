// The cost of isolation: per-call latency and throughput of a node moving a [8, 3, 256, 256]
// float32 tensor (6.3 MB in, 6.3 MB out) when its plugin runs isolated in its own process,
// next to the same node trusted in-process, measured in the same run.
// Usage: node apps/runner/bench/isolation.mjs  (BENCH_SECONDS=3, BENCH_DIMS=8,3,256,256)
import { fileURLToPath } from 'node:url';
import { tensor } from '@stylegraph/core';
import { closeIsolatedPlugins, loadRegistry } from '@stylegraph/runner';

const PLUGIN = fileURLToPath(new URL('../../../test/fixtures/plugin-hostile/', import.meta.url));
const seconds = Number(process.env.BENCH_SECONDS ?? 3);
const dims = (process.env.BENCH_DIMS ?? '8,3,256,256').split(',').map(Number);

const x = tensor('float32', dims);
for (let i = 0; i < x.data.length; i++) x.data[i] = Math.sin(i);
const ctx = {
  nodeId: 'bench',
  services: {},
  signal: new AbortController().signal,
  files: { read: async () => new Uint8Array(), exists: async () => false, write: async (p) => p },
  log: { debug() {}, info() {}, warn() {} },
  random: () => { throw new Error('unused'); },
  progress() {},
  show() {},
  throwIfAborted() {},
};

async function measure(label, trust) {
  const registry = await loadRegistry({ fromDir: process.cwd(), extra: [PLUGIN], ...(trust && { trust: new Set(['stylegraph-plugin-hostile']) }) });
  const def = registry.node('hostile/Scale').def;
  const call = () => def.run({ inputs: { x }, params: { factor: 2 }, ctx });
  const first = await call();
  const last = x.data.length - 1;
  if (first.y.data[last] !== Math.fround(Math.fround(Math.sin(last)) * 2)) throw new Error(`${label}: wrong result`);
  for (let i = 0; i < 3; i++) await call(); // warm-up
  const times = [];
  const t0 = performance.now();
  while (performance.now() - t0 < seconds * 1000) {
    const t = performance.now();
    await call();
    times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  const median = times[Math.floor(times.length / 2)];
  return { label, calls: times.length, median, p90: times[Math.floor(times.length * 0.9)], perSecond: times.length / ((performance.now() - t0) / 1000) };
}

const inProcess = await measure('in-process (--trust)', true);
const isolated = await measure('isolated', false);
closeIsolatedPlugins();
const mb = (x.data.byteLength * 2) / 2 ** 20;
console.log(`isolation overhead: hostile/Scale on float32 [${dims.join(', ')}] (${(mb / 2).toFixed(1)} MiB in + out), ${seconds} s each`);
console.log('mode                   calls   median ms   p90 ms   calls/s   MiB/s moved');
for (const r of [inProcess, isolated]) {
  console.log(`${r.label.padEnd(22)} ${String(r.calls).padStart(5)} ${r.median.toFixed(2).padStart(11)} ${r.p90.toFixed(2).padStart(8)} ${r.perSecond.toFixed(1).padStart(9)} ${(r.perSecond * mb).toFixed(0).padStart(13)}`);
}
console.log(`ratio isolated / in-process (median latency): ${(isolated.median / inProcess.median).toFixed(2)}×; added per call: ${(isolated.median - inProcess.median).toFixed(2)} ms`);
