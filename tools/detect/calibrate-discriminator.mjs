#!/usr/bin/env node
// Calibrates models/faces64's discriminator as a detector (detect/Discriminator) on the same
// calibration split as tools/detect/train_detectors.py — real renders of seeds 60000–60999,
// samples of seeds 210000–210749 (ψ = 1) and 303000–303249 (ψ = 0.7), half clean and half
// through the same post-processing — and writes models/detectors/faces64-discriminator.card.json
// (Platt fit, real scores, threshold table; ECE and AP on the check split 61000–61999 /
// 210750–211499 + 303250–303499).
//
//   node tools/detect/calibrate-discriminator.mjs runs/real/images.npy runs/fake-psi1/images.npy runs/fake-psi07/images.npy
// (the three sets of train_detectors.py's header; needs npm run build)
import { readFileSync, writeFileSync } from 'node:fs';
import { readNpy } from '@stylegraph/core';
import { createNodeCompute, folderSource } from '@stylegraph/ops-gpu/node';
import { loadModel } from '@stylegraph/ops-gpu';
import { Xoshiro128ss } from '@stylegraph/plugin-attacks';
import { averagePrecision, calibrate, discriminatorScorer, expectedCalibrationError, postProcess, scoreEach, sigmoid, thresholdAtFpr } from '@stylegraph/plugin-detect';

const [realPath, fakePath, f07Path] = process.argv.slice(2);
if (!f07Path) {
  process.stderr.write('usage: calibrate-discriminator.mjs REAL.npy FAKE_PSI1.npy FAKE_PSI07.npy\n');
  process.exit(2);
}
const repo = new URL('../../', import.meta.url).pathname;
const load = (p) => readNpy(new Uint8Array(readFileSync(p)));
const [real, fake, f07] = [load(realPath), load(fakePath), load(f07Path)];
const per = 3 * 64 * 64;
const slice = (t, a, b) => Array.from({ length: b - a }, (_, i) => ({ data: t.data.subarray((a + i) * per, (a + i + 1) * per), H: 64, W: 64 }));
const quantize = (img) => ({ ...img, data: img.data.map((v) => Math.min(255, Math.max(0, Math.floor((v + 1) * 127.5 + 0.5))) / 127.5 - 1) });

const model = await loadModel(folderSource(`${repo}models/faces64`));
const scoreTiles = discriminatorScorer(model, createNodeCompute().withBackend('cpu'));
const rng = new Xoshiro128ss(7);
async function scores(images) {
  const seen = [];
  for (const [k, img] of images.entries()) seen.push(k % 2 === 1 ? await postProcess(quantize(img), () => rng.uniform()) : quantize(img));
  process.stderr.write(`scoring ${images.length} images\n`);
  return Array.from(await scoreEach(seen, scoreTiles));
}
const calR = await scores(slice(real, 10000, 11000));
const calF = await scores([...slice(fake, 10000, 10750), ...slice(f07, 3000, 3250)]);
const chkR = await scores(slice(real, 11000, 12000));
const chkF = await scores([...slice(fake, 10750, 11500), ...slice(f07, 3250, 3500)]);
const cal = calibrate(calR, calF);
const { a, b } = cal.platt;
const s = [...chkR, ...chkF];
const y = [...chkR.map(() => 0), ...chkF.map(() => 1)];
const card = {
  format: 'stylegraph.detector',
  formatVersion: 1,
  name: 'faces64-discriminator',
  version: '1.0.0',
  kind: 'discriminator',
  model: model.config.name,
  modelHash: model.contentHash,
  tile: 64,
  score: '−logit of the discriminator, the mean over 64 px tiles, each tile in a minibatch-std group of copies of itself',
  calibration: { method: 'platt', a, b, fittedOn: '1000 real (seeds 60000–60999) + 1000 generated (210000–210749 ψ = 1, 303000–303249 ψ = 0.7) calibration images, half clean, half post-processed', realScores: Array.from(cal.realScores) },
  thresholds: [0.001, 0.01, 0.05].map((fpr) => ({ fpr, threshold: thresholdAtFpr(cal.realScores, fpr) })),
  metrics: { ece: expectedCalibrationError(s.map((v) => sigmoid(a * v + b)), y), ap: averagePrecision(s, y), testImages: { real: chkR.length, generated: chkF.length }, on: 'the check set (real 61000–61999, generated 210750–211499 and 303250–303499), half clean, half post-processed; the benchmark (npm run bench) has the full held-out table' },
};
writeFileSync(`${repo}models/detectors/faces64-discriminator.card.json`, `${JSON.stringify(card, null, 2)}\n`);
process.stderr.write(`wrote models/detectors/faces64-discriminator.card.json: ${JSON.stringify(card.metrics)}\n`);
