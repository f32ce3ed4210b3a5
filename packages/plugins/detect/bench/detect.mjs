#!/usr/bin/env node
// Detection benchmark of @stylegraph/plugin-detect on held-out data (bench/data.mjs): per
// detector and post-processing, AP and TPR at FPR 1 % / 0.1 % (the threshold taken from that
// row's own real images) and at the card's 1 % threshold (fixed on real calibration images
// only: what detect/Synthetic flags), the calibration error; the unseen generators; and
// images/s on one core next to the same networks in PyTorch / NumPy (tools/detect/speed.py),
// measured in this run. Prints Markdown to stdout, progress to stderr.
//
// Usage: node bench/detect.mjs [--n 2000] [--d 500] [--json out.json]
//   --n  images per class (default 2000)
//   --d  images per class for the discriminator, which is slower (default 500)
// Needs the packages built (npm run build) and, for the speed peer, /usr/bin/python3 with torch.
import { readFileSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { createNodeCompute, folderSource } from '@stylegraph/ops-gpu/node';
import { loadModel } from '@stylegraph/ops-gpu';
import { applyAttacks } from '@stylegraph/plugin-attacks';
import { averagePrecision, cardCalibration, discriminatorScorer, expectedCalibrationError, fromRgb8, loadCardDetector, parseCard, scoreEach, sigmoid, thresholdAtFpr, tprAtFpr } from '@stylegraph/plugin-detect';
import { REPO, SETS, loadSet } from './data.mjs';

const { values: args } = parseArgs({ options: { n: { type: 'string', default: '2000' }, d: { type: 'string', default: '500' }, json: { type: 'string' } } });
const N = Number(args.n);
const ND = Number(args.d);
const log = (m) => process.stderr.write(`${m}\n`);
const pct = (v) => (100 * v).toFixed(2);

const POST = [
  ['clean', []],
  ['JPEG 90', [{ attack: 'jpeg', quality: 90 }]],
  ['JPEG 75', [{ attack: 'jpeg', quality: 75 }]],
  ['JPEG 50', [{ attack: 'jpeg', quality: 50 }]],
  ['resize ×0.5 (32 px)', [{ attack: 'resize', scale: 0.5 }]],
  ['resize ×0.5 → ×2', [{ attack: 'resize', scale: 0.5 }, { attack: 'resize', scale: 2 }]],
  ['resize ×2 (128 px)', [{ attack: 'resize', scale: 2 }]],
  ['blur σ 1', [{ attack: 'blur', sigma: 1 }]],
];

const post = async (images, specs) => (specs.length ? Promise.all(images.map((im) => applyAttacks(im.rgb, im.width, im.height, specs))) : images);

const files = { read: async (p) => new Uint8Array(readFileSync(join(REPO, p))) };
const compute = createNodeCompute().withBackend('cpu');

async function detectors() {
  const out = [];
  for (const name of ['residual', 'spectral']) {
    const path = `models/detectors/${name}.card.json`;
    const det = await loadCardDetector(files, path, compute, { threads: 1 });
    out.push({ name, card: det.card, cal: cardCalibration(det.card), scoreTiles: det.scoreTiles, score: (imgs) => score(imgs, det.scoreTiles), limit: N });
  }
  const model = await loadModel(folderSource(join(REPO, 'models/faces64')));
  const dcard = parseCard(readFileSync(join(REPO, 'models/detectors/faces64-discriminator.card.json'), 'utf8'), 'faces64-discriminator.card.json');
  const dScorer = discriminatorScorer(model, compute);
  out.push({ name: 'discriminator', card: dcard, cal: cardCalibration(dcard), score: (imgs) => score(imgs, dScorer), limit: ND });
  return out;
}

/** Scores of 8-bit images {rgb, width, height} of any sizes. */
const score = (images, scoreTiles) => scoreEach(images.map((im) => fromRgb8(im.rgb, im.width, im.height)), scoreTiles);

function row(det, real, gen) {
  const t1 = thresholdAtFpr(det.cal.realScores, 0.01);
  const above = (xs) => xs.filter((s) => s > t1).length / xs.length;
  const scores = [...real, ...gen];
  const labels = [...real.map(() => 0), ...gen.map(() => 1)];
  return {
    ap: averagePrecision(scores, labels),
    tpr1: tprAtFpr(real, gen, 0.01),
    tpr01: tprAtFpr(real, gen, 0.001),
    cardFpr: above([...real]),
    cardTpr: above([...gen]),
    probs: scores.map((s) => sigmoid(det.cal.platt.a * s + det.cal.platt.b)),
    labels,
  };
}

async function main() {
  const t0 = Date.now();
  const sets = {};
  for (const name of Object.keys(SETS)) sets[name] = loadSet(name, N, log);
  const dets = await detectors();
  const results = { n: N, nDiscriminator: ND, sets: Object.fromEntries(Object.entries(sets).map(([k, v]) => [k, { what: v.what, images: v.images.length }])), detectors: {} };
  const lines = [];
  const p = (s = '') => lines.push(s);
  p(`## Detection benchmark (held-out: ${N} real renders vs ${N} samples per row; discriminator ${ND} per class)`);
  p();
  p('TPR@1 % / @0.1 %: threshold from the row’s own real images. Card 1 %: the threshold fixed on real calibration images (what detect/Synthetic flags at fpr 0.01) — its FPR on this row and TPR.');
  for (const det of dets) {
    const n = det.limit;
    log(`${det.name}: post-processing rows`);
    const r = { rows: {}, unseen: {} };
    const probs = [];
    const labels = [];
    p();
    p(`### ${det.name} (${det.card.name} ${det.card.version})`);
    p();
    p('| post-processing | AP % | TPR@1 % | TPR@0.1 % | card 1 %: FPR % | card 1 %: TPR % |');
    p('|---|---|---|---|---|---|');
    for (const [name, specs] of POST) {
      const real = await det.score(await post(sets.real.images.slice(0, n), specs));
      const gen = await det.score(await post(sets.faces64.images.slice(0, n), specs));
      const x = row(det, real, gen);
      probs.push(...x.probs);
      labels.push(...x.labels);
      r.rows[name] = { ap: x.ap, tpr1: x.tpr1, tpr01: x.tpr01, cardFpr: x.cardFpr, cardTpr: x.cardTpr };
      p(`| ${name} | ${pct(x.ap)} | ${pct(x.tpr1)} | ${pct(x.tpr01)} | ${pct(x.cardFpr)} | ${pct(x.cardTpr)} |`);
    }
    r.ece = expectedCalibrationError(probs, labels);
    r.eceClean = expectedCalibrationError(probs.slice(0, 2 * n), labels.slice(0, 2 * n));
    p();
    p(`Calibration error (ECE, 15 bins) of the card's Platt fit: ${r.ece.toFixed(4)} over all rows pooled, ${r.eceClean.toFixed(4)} clean.`);
    p();
    p('| generated by (trained on faces64 ψ = 1 and 0.7 only) | clean: AP % | clean: TPR@1 % | clean: card 1 % TPR % | JPEG 75: card 1 % TPR % |');
    p('|---|---|---|---|---|');
    const realClean = await det.score(sets.real.images.slice(0, n));
    const realJ75 = await det.score(await post(sets.real.images.slice(0, n), [{ attack: 'jpeg', quality: 75 }]));
    for (const g of ['faces64', 'faces64 ψ0.7', 'faces64-continued', 'small-nonoise']) {
      const imgs = sets[g].images.slice(0, n);
      const x = row(det, realClean, await det.score(imgs));
      const j = row(det, realJ75, await det.score(await post(imgs, [{ attack: 'jpeg', quality: 75 }])));
      r.unseen[g] = { ap: x.ap, tpr1: x.tpr1, cardTpr: x.cardTpr, cardTprJpeg75: j.cardTpr };
      p(`| ${g}: ${SETS[g].what} | ${pct(x.ap)} | ${pct(x.tpr1)} | ${pct(x.cardTpr)} | ${pct(j.cardTpr)} |`);
    }
    results.detectors[det.name] = r;
  }

  // Speed on one core, 64 px, next to the same networks in PyTorch / NumPy.
  log('speed');
  p();
  p('### Speed (64 px images, one core)');
  p();
  const imgs = sets.real.images.slice(0, Math.min(N, 2000));
  const speed = {};
  const planar = imgs.map((im) => fromRgb8(im.rgb, im.width, im.height));
  for (const det of dets.slice(0, 2)) {
    await scoreEach(planar.slice(0, 500), det.scoreTiles); // warm-up (JIT, sessions)
    const t = performance.now();
    await scoreEach(planar, det.scoreTiles);
    speed[det.name] = imgs.length / ((performance.now() - t) / 1000);
  }
  const py = spawnSync('/usr/bin/python3', [join(REPO, 'tools/detect/speed.py'), '--n', String(imgs.length)], { encoding: 'utf8', env: { ...process.env, OMP_NUM_THREADS: '1' } });
  const peer = py.status === 0 ? JSON.parse(py.stdout) : null;
  p('| detector | stylegraph img/s | peer img/s | ratio |');
  p('|---|---|---|---|');
  for (const [k, v] of Object.entries(speed)) {
    const pv = peer?.[k];
    p(`| ${k} | ${v.toFixed(0)} | ${pv ? `${pv.toFixed(0)} (${peer.what[k]})` : `— (${py.status === 0 ? 'missing' : 'tools/detect/speed.py did not run'})`} | ${pv ? (v / pv).toFixed(2) : '—'} |`);
  }
  results.speed = { stylegraph: speed, peer };
  p();
  p(`Benchmark wall time ${((Date.now() - t0) / 1000).toFixed(0)} s.`);
  process.stdout.write(`${lines.join('\n')}\n`);
  if (args.json) writeFileSync(args.json, JSON.stringify(results, null, 2));
}

main().catch((e) => {
  process.stderr.write(`bench/detect.mjs: ${e.message}\n`);
  process.exit(1);
});
