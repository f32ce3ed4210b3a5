// `npm run bench` (packages/ops-gpu): StyleGAN2, StyleGAN3-T and StyleGAN3-R synthesis images/s
// and peak RSS at 64, 256 and 1024 px, batch 1 and 8, random weights (StyleGAN2 config F:
// channels min(32768/res, 512); StyleGAN3: NVIDIA's -T / -R configs), per available backend,
// next to the PyTorch peer (tools/sg2ref/bench.py, tools/sg3ref/bench.py, run with
// /usr/bin/python3) measured in the same run, as ratios. Every measurement runs in a child
// process of its own, so one configuration's peak memory never counts toward the next.
// Options (env): BENCH_ARCH=stylegan2,stylegan3-t,stylegan3-r BENCH_RES=64,256,1024 BENCH_BATCH=1,8
//                BENCH_SECONDS=5 BENCH_BACKENDS=cpu[,webgpu,cuda]
import { spawnSync } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { tensor } from '@stylegraph/core';
import { StyleGAN2, randomWeights, standardConfig, standardSg3Config } from '@stylegraph/ops-gpu';
import { createNodeCompute } from '@stylegraph/ops-gpu/node';

const list = (v, d) => (v ?? d).split(',').map((s) => s.trim()).filter(Boolean);
const seconds = Number(process.env.BENCH_SECONDS ?? 5);
const threads = availableParallelism();
const peerScript = (arch) => fileURLToPath(new URL(`../../../tools/${arch === 'stylegan2' ? 'sg2ref' : 'sg3ref'}/bench.py`, import.meta.url));
const self = fileURLToPath(import.meta.url);

/** One measurement, in this (child) process: prints one JSON line. */
async function measure(arch, res, batch, backend) {
  const config = arch === 'stylegan2' ? standardConfig({ resolution: res, discriminator: false }) : standardSg3Config({ resolution: res, architecture: arch });
  const weights = randomWeights(config, 0);
  const compute = createNodeCompute({ backend });
  const sg = new StyleGAN2({ generator: config.generator, weights, contentHash: `bench-${arch}-${res}` }, compute);
  const ws = tensor('float32', [batch, config.generator.numWs, 512], Float32Array.from({ length: batch * config.generator.numWs * 512 }, (_, i) => Math.sin(i)));
  const run = { noise: 'const' }; // StyleGAN3 has none and uses its stored transform
  await sg.synthesis(ws, run); // warm-up: builds the model and opens the session
  let n = 0;
  const t0 = performance.now();
  do {
    await sg.synthesis(ws, run);
    n++;
  } while ((performance.now() - t0) / 1000 < seconds || n < 2);
  const dt = (performance.now() - t0) / 1000;
  // maxRSS is in KiB.
  console.log(JSON.stringify({ images_per_s: (n * batch) / dt, seconds_per_run: dt / n, peak_rss_bytes: process.resourceUsage().maxRSS * 1024 }));
}

/** Runs a command that prints a JSON line last; its result, or the error it ended with. */
function child(cmd, args) {
  const r = spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 16 * 2 ** 20 });
  if (r.status !== 0) return { error: (r.stderr || r.error?.message || 'failed').trim().split('\n').pop() };
  try {
    return JSON.parse(r.stdout.trim().split('\n').pop());
  } catch {
    return { error: `no result: ${r.stdout.trim().split('\n').pop() ?? ''}` };
  }
}

const peer = (arch, res, batch) =>
  child('/usr/bin/python3', [peerScript(arch), ...(arch === 'stylegan2' ? [] : ['--arch', arch]), '--resolution', String(res), '--batch', String(batch), '--seconds', String(seconds), '--threads', String(threads)]);
const ours = (arch, res, batch, backend) => child(process.execPath, [self, '--measure', arch, String(res), String(batch), backend]);

const mb = (n) => (n ? `${Math.round(n / 2 ** 20)} MiB` : '-');
const ratio = (a, b, why) => (a && b ? (a / b).toFixed(2) : `n/a${why ? ` (${why})` : ''}`);

async function main() {
  const archs = list(process.env.BENCH_ARCH, 'stylegan2,stylegan3-t,stylegan3-r');
  const resolutions = list(process.env.BENCH_RES, '64,256,1024').map(Number);
  const batches = list(process.env.BENCH_BATCH, '1,8').map(Number);
  const compute = createNodeCompute();
  const backends = [];
  for (const name of list(process.env.BENCH_BACKENDS, 'cpu,cuda')) {
    const ok = await compute.getBackend(name).available();
    if (ok === true) backends.push(name);
    else console.log(`# ${name}: skipped (${ok})`);
  }
  console.log(`# stylegraph synthesis benchmark — ${threads} CPU threads, ${seconds} s per measurement, each in its own process`);
  console.log('arch\tres\tbatch\tbackend\timages/s\ts/run\tpeak RSS\tpytorch img/s\tpytorch peak RSS\tspeed (stylegraph/pytorch)\tRSS (stylegraph/pytorch)');
  const rows = archs.flatMap((arch) => resolutions.flatMap((res) => batches.map((batch) => [arch, res, batch])));
  for (const [arch, res, batch] of rows) {
    const p = peer(arch, res, batch);
    for (const backend of backends) {
      const o = ours(arch, res, batch, backend);
      if (o.error) {
        console.log(`${arch}\t${res}\t${batch}\t${backend}\tfailed: ${o.error}`);
        continue;
      }
      const cells = [arch, res, batch, backend, o.images_per_s.toFixed(3), o.seconds_per_run.toFixed(2), mb(o.peak_rss_bytes)];
      cells.push(p.images_per_s?.toFixed(3) ?? '-', mb(p.peak_rss_bytes), ratio(o.images_per_s, p.images_per_s, p.error), ratio(o.peak_rss_bytes, p.peak_rss_bytes, p.error));
      console.log(cells.join('\t'));
    }
  }
}

const at = process.argv.indexOf('--measure');
if (at >= 0) await measure(process.argv[at + 1], Number(process.argv[at + 2]), Number(process.argv[at + 3]), process.argv[at + 4]);
else await main();
