#!/usr/bin/env node
// Inversion benchmark of @stylegraph/plugin-inversion on the bundled faces64 model, one CPU
// thread. Targets (never used for tuning or training):
//   renders — faces/RenderFaces seeds 70100…70100+n−1 (the GAN trained on seeds 0–29999, the
//             encoder on renders 0–9999; the projector settings were tuned on seeds 70000–70003);
//   samples — the model's own images, z of seeds 600000…600000+n−1, random noise.
// Modes: the projector with NVIDIA's schedule in W, W+ and W→W+ (1000 steps); the tuned
// projector (W→W+, lr 0.5, noise penalty 1e3); the encoder alone; encoder → W+ projector (lr 1,
// no w noise) for 250 and 500 steps, and the same 250 steps from w_avg as a control. Per mode: mean PSNR, the face-features perceptual distance, the latent's
// distance from w_avg in w_std, seconds per step and per image — and the PyTorch peer of the
// same loop (tools/inversion/projector.py) measured in this run. Markdown to stdout.
//
// Usage: node bench/inversion.mjs [--n 16] [--steps 1000] [--no-peer] [--only <part of a mode's name>] [--json out.json]
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { RandomState, tensor, writeNpy } from '@stylegraph/core';
import { loadModel, StyleGAN2 } from '@stylegraph/ops-gpu';
import { createNodeCompute, folderSource } from '@stylegraph/ops-gpu/node';
import { renderFace, sampleAttributes } from '@stylegraph/plugin-faces';
import { latentReport, NVIDIA_SCHEDULE, project, psnrOf, wStats } from '@stylegraph/plugin-inversion';

const REPO = new URL('../../../../', import.meta.url).pathname;
const { values: args } = parseArgs({ options: { n: { type: 'string', default: '16' }, steps: { type: 'string', default: '1000' }, 'no-peer': { type: 'boolean', default: false }, only: { type: 'string' }, json: { type: 'string' } } });
const N = Number(args.n);
const STEPS = Number(args.steps);
const log = (m) => process.stderr.write(`${m}\n`);
const mean = (xs) => xs.reduce((a, b) => a + b, 0) / xs.length;

const model = await loadModel(folderSource(join(REPO, 'models/faces64')));
const compute = createNodeCompute({ backend: 'cpu' });
const sg = new StyleGAN2(model, compute);
const stats = await wStats(sg);
const { numWs, wDim } = model.generator;
const S = 3 * 64 * 64;

function renders(n, seed0) {
  const d = new Float32Array(n * S);
  for (let i = 0; i < n; i++) d.set(renderFace(sampleAttributes(seed0 + i), 64, ((seed0 + i) ^ 0x5eed) >>> 0), i * S);
  return tensor('float32', [n, 3, 64, 64], d);
}
async function samples(n, seed0) {
  const z = new Float32Array(n * 128);
  for (let i = 0; i < n; i++) z.set(new RandomState(seed0 + i).randn(128), i * 128);
  const ws = await sg.mapping(tensor('float32', [n, 128], z));
  return (await sg.synthesis(ws, { noise: 'random', noiseSeed: seed0 })).img;
}
const TARGETS = { renders: renders(N, 70100), samples: await samples(N, 600000) };

const ff = await compute.session(readFileSync(join(REPO, 'models/metrics/face-features.onnx')), { threads: 1 });
async function perceptual(img, target) {
  const a = (await ff.run({ image: img }, ['features'])).features.data;
  const b = (await ff.run({ image: target }, ['features'])).features.data;
  let s = 0;
  for (let i = 0; i < a.length; i++) s += (a[i] - b[i]) ** 2;
  return s / a.length;
}
function psnrs(img, target) {
  const n = target.dims[0];
  return Array.from({ length: n }, (_, b) => {
    let s = 0;
    for (let j = b * S; j < (b + 1) * S; j++) s += (img[j] - target.data[j]) ** 2;
    return psnrOf(s / S);
  });
}

const enc = model.encoder ? await compute.session(model.encoder.bytes, { threads: 1 }) : undefined;
async function encode(target) {
  const t0 = performance.now();
  const { ws } = await enc.run({ image: target }, ['ws']);
  return { ws: ws.data, seconds: (performance.now() - t0) / 1000 };
}

const NVIDIA_W = { pixel: 1, multiscale: 0, perceptual: 0, noiseReg: 1e5 };
/** Tuned on renders 70000–70003 (not benchmarked): lr and noise penalty; from the encoder, lr 1 and no w noise. */
const TUNED = { lr: 0.5, noiseReg: 1e3 };
const FROM_ENCODER = { lr: 1, noiseReg: 1e3, wNoise: 0 };
const Q = STEPS / 4;
const MODES = [
  { name: 'projector, NVIDIA schedule, W', space: 'W', steps: STEPS },
  { name: 'projector, NVIDIA schedule, W+', space: 'W+', steps: STEPS, peer: true },
  { name: 'projector, NVIDIA schedule, W→W+', space: 'W→W+', steps: STEPS },
  { name: 'projector, tuned, W→W+', space: 'W→W+', steps: STEPS, ...TUNED, peer: true },
  { name: 'encoder alone', encoder: true },
  { name: `projector from w_avg, W+, ${Q} steps (control)`, space: 'W+', steps: Q, ...FROM_ENCODER },
  { name: `encoder → projector W+, ${Q} steps`, space: 'W+', steps: Q, ...FROM_ENCODER, init: true, peer: true },
  { name: `encoder → projector W+, ${STEPS / 2} steps`, space: 'W+', steps: STEPS / 2, ...FROM_ENCODER, init: true },
];

const OUT = join(REPO, 'runs/bench-inversion');
mkdirSync(OUT, { recursive: true });
const rows = [];
for (const [kind, target] of Object.entries(TARGETS)) {
  writeFileSync(join(OUT, `${kind}.npy`), writeNpy(target));
  let encoded;
  for (const m of MODES) {
    if ((m.encoder || m.init) && !enc) continue;
    if (args.only && !m.name.includes(args.only)) continue;
    log(`${kind}: ${m.name} …`);
    let ws, img, seconds, steps = 0;
    if (m.encoder) {
      encoded ??= await encode(target);
      ws = encoded.ws;
      img = (await sg.synthesis(tensor('float32', [N, numWs, wDim], ws))).img.data;
      seconds = encoded.seconds;
    } else {
      if (m.init) {
        encoded ??= await encode(target);
        writeFileSync(join(OUT, `${kind}-init.npy`), writeNpy(tensor('float32', [N, numWs, wDim], encoded.ws)));
      }
      const r = await project(model, compute, target, {
        space: m.space,
        steps: m.steps,
        schedule: { ...NVIDIA_SCHEDULE, ...(m.lr && { lr: m.lr }), ...(m.wNoise !== undefined && { noiseFactor: m.wNoise }) },
        weights: { ...NVIDIA_W, ...(m.noiseReg && { noiseReg: m.noiseReg }) },
        stats,
        seed: 0,
        threads: 1,
        ...(m.init && { init: encoded.ws }),
      });
      ({ ws, img, seconds, steps } = { ws: r.ws, img: r.img, seconds: r.seconds + (m.init ? encoded.seconds : 0), steps: r.steps });
    }
    const p = psnrs(img, target);
    const row = {
      kind, mode: m.name, psnr: mean(p), psnrMin: Math.min(...p),
      perceptual: await perceptual(tensor('float32', target.dims, img), target),
      wDistance: latentReport(ws, N, numWs, wDim, stats).wDistance,
      secondsPerStep: steps ? (seconds / steps) : null, secondsPerImage: seconds / N,
    };
    if (m.peer && !args['no-peer']) {
      const a = ['tools/inversion/projector.py', '--model', 'models/faces64', '--targets', join(OUT, `${kind}.npy`), '--space', m.space, '--steps', String(m.steps), '--threads', '1',
        ...(m.lr ? ['--lr', String(m.lr)] : []), ...(m.noiseReg ? ['--noise-reg', String(m.noiseReg)] : []), ...(m.wNoise !== undefined ? ['--w-noise', String(m.wNoise)] : []),
        ...(m.init ? ['--init', join(OUT, `${kind}-init.npy`)] : [])];
      const res = spawnSync('/usr/bin/python3', a, { cwd: REPO, encoding: 'utf8', env: { ...process.env, OMP_NUM_THREADS: '1', OMP_WAIT_POLICY: 'PASSIVE' } });
      if (res.status !== 0) throw new Error(`peer failed: ${res.stderr}`);
      const peer = JSON.parse(res.stdout.trim().split('\n').at(-1));
      row.peer = { psnr: peer.psnr, secondsPerStep: peer.secondsPerStep, secondsPerImage: peer.secondsPerImage };
    }
    log(`  ${JSON.stringify(row)}`);
    rows.push(row);
  }
}

// Batch-1 step time (NVIDIA's projector runs one image at a time): 50 steps, ours and the peer.
const one = tensor('float32', [1, 3, 64, 64], TARGETS.renders.data.slice(0, S));
const single = await project(model, compute, one, { space: 'W+', steps: 50, schedule: NVIDIA_SCHEDULE, weights: NVIDIA_W, stats, seed: 0, threads: 1 });
let peerSingle = null;
if (!args['no-peer']) {
  writeFileSync(join(OUT, 'one.npy'), writeNpy(one));
  const res = spawnSync('/usr/bin/python3', ['tools/inversion/projector.py', '--model', 'models/faces64', '--targets', join(OUT, 'one.npy'), '--space', 'W+', '--steps', '50', '--threads', '1'], { cwd: REPO, encoding: 'utf8', env: { ...process.env, OMP_NUM_THREADS: '1' } });
  peerSingle = JSON.parse(res.stdout.trim().split('\n').at(-1)).secondsPerStep;
}

const f = (v, d = 2) => (v === null || v === undefined ? '–' : v.toFixed(d));
console.log(`Inversion benchmark — faces64, ${N} targets per kind, one CPU thread, all targets of a kind in one batch\n`);
console.log('| targets | mode | PSNR dB (mean / min) | face-features dist. | ‖w − w_avg‖ / w_std | s / step | s / image | peer PSNR | peer s / step | peer s / image |');
console.log('|---|---|---|---|---|---|---|---|---|---|');
for (const r of rows) {
  console.log(`| ${r.kind} | ${r.mode} | ${f(r.psnr)} / ${f(r.psnrMin)} | ${f(r.perceptual, 3)} | ${f(r.wDistance)} | ${f(r.secondsPerStep, 4)} | ${f(r.secondsPerImage, 3)} | ${f(r.peer?.psnr)} | ${f(r.peer?.secondsPerStep, 4)} | ${f(r.peer?.secondsPerImage, 3)} |`);
}
console.log(`\nOne target at a time (batch 1, W+): ${f(single.seconds / single.steps * 1000, 1)} ms / step here, ${peerSingle === null ? '–' : f(peerSingle * 1000, 1)} ms / step in the PyTorch peer (ratio ${peerSingle ? f((single.seconds / single.steps) / peerSingle, 2) : '–'}).`);
if (args.json) writeFileSync(args.json, JSON.stringify({ rows, single: single.seconds / single.steps, peerSingle }, null, 1));
