// `npm run bench` (packages/ops-gpu): StyleGAN2 synthesis images/s at 64, 256 and 1024 px,
// batch 1 and 8, random config-F weights (channels min(32768/res, 512)), per available backend,
// next to the PyTorch peer (tools/sg2ref/bench.py) measured in the same run, as a ratio.
// Options (env): BENCH_RES=64,256,1024 BENCH_BATCH=1,8 BENCH_SECONDS=5 BENCH_BACKENDS=cpu[,webgpu,cuda]
import { spawnSync } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { tensor } from '@stylegraph/core';
import { StyleGAN2, getBackend, randomWeights, standardConfig } from '@stylegraph/ops-gpu';
import { registerNodeBackends } from '@stylegraph/ops-gpu/node';

const list = (v, d) => (v ?? d).split(',').map((s) => s.trim()).filter(Boolean);
const resolutions = list(process.env.BENCH_RES, '64,256,1024').map(Number);
const batches = list(process.env.BENCH_BATCH, '1,8').map(Number);
const seconds = Number(process.env.BENCH_SECONDS ?? 5);
const threads = availableParallelism();
const peerScript = fileURLToPath(new URL('../../../tools/sg2ref/bench.py', import.meta.url));

registerNodeBackends();
const backends = [];
for (const name of list(process.env.BENCH_BACKENDS, 'cpu,cuda')) {
  const ok = await getBackend(name).available();
  if (ok === true) backends.push(name);
  else console.log(`# ${name}: skipped (${ok})`);
}

function peer(res, batch) {
  const r = spawnSync('/usr/bin/python3', [peerScript, '--resolution', String(res), '--batch', String(batch), '--seconds', String(seconds), '--threads', String(threads)], { encoding: 'utf8' });
  if (r.status !== 0) return { error: (r.stderr || r.error?.message || 'failed').trim().split('\n').pop() };
  return JSON.parse(r.stdout.trim().split('\n').pop());
}

const mb = (n) => `${Math.round(n / 2 ** 20)} MiB`;
console.log(`# stylegraph synthesis benchmark — ${threads} CPU threads, ${seconds} s per measurement`);
console.log('res\tbatch\tbackend\timages/s\ts/run\tpeak RSS\tpytorch img/s\tratio (stylegraph/pytorch)');
for (const res of resolutions) {
  const config = standardConfig({ resolution: res, discriminator: false });
  const weights = randomWeights(config, 0);
  for (const batch of batches) {
    const p = peer(res, batch);
    for (const backend of backends) {
      const sg = new StyleGAN2({ generator: config.generator, weights, contentHash: `bench-${res}` }, backend);
      const ws = tensor('float32', [batch, config.generator.numWs, 512], Float32Array.from({ length: batch * config.generator.numWs * 512 }, (_, i) => Math.sin(i)));
      await sg.synthesis(ws, { noise: 'const' }); // warm-up: builds the model and opens the session
      let n = 0;
      const t0 = performance.now();
      do {
        await sg.synthesis(ws, { noise: 'const' });
        n++;
      } while ((performance.now() - t0) / 1000 < seconds || n < 2);
      const dt = (performance.now() - t0) / 1000;
      const ips = (n * batch) / dt;
      const peerIps = p.images_per_s;
      const ratio = peerIps ? (ips / peerIps).toFixed(2) : `n/a (${p.error})`;
      console.log(`${res}\t${batch}\t${backend}\t${ips.toFixed(3)}\t${(dt / n).toFixed(2)}\t${mb(process.resourceUsage().maxRSS * 1024)}\t${peerIps?.toFixed(3) ?? '-'}\t${ratio}`);
    }
  }
}
