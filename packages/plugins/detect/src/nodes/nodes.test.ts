import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { cpuServices, memoryFiles, runNode, tensor } from '@stylegraph/plugin-testing';
import { Decode, Embed } from '@stylegraph/plugin-watermark';
import watermarkPlugin from '@stylegraph/plugin-watermark';
import plugin, { Discriminator, OnnxClassifier, Synthetic, TrainSpectral, Verdict } from '../index.js';
import { parseCard } from '../core/card.js';
import { thresholdAtFpr } from '../core/metrics.js';
import { REPO_ROOT, fixtureGenerated, fixtureImages, fixtureReal } from '../testing/fixture.js';
import { toyImages } from '../testing/toy.js';
import { fromRgb8 } from '../core/augment.js';

const bytes = (p: string) => new Uint8Array(readFileSync(`${REPO_ROOT}${p}`));
const DETECTORS = ['residual.card.json', 'residual.onnx', 'spectral.card.json', 'spectral.onnx', 'faces64-discriminator.card.json'];
const MODEL = ['config.json', 'generator.safetensors', 'discriminator.safetensors'];
const repoFiles = () =>
  memoryFiles(
    Object.fromEntries([...DETECTORS.map((f) => [`models/detectors/${f}`, bytes(`models/detectors/${f}`)]), ...MODEL.map((f) => [`models/faces64/${f}`, bytes(`models/faces64/${f}`)])]),
  );
const files = repoFiles();
const services = await cpuServices();
const env = { services, files };
const batch = (b: { dims: readonly number[]; data: Float32Array }) => tensor('float32', [...b.dims], b.data);
const close = (a: unknown, b: number, tol: number) => expect(Math.abs(Number(a) - b)).toBeLessThan(tol);

/** 24 real images from the four fixture renders: each shifted by 0…5 px (circularly). */
function manyReal() {
  const n = 3 * 64 * 64;
  const data = new Float32Array(24 * n);
  for (let k = 0; k < 24; k++) {
    const src = fixtureReal.data.subarray((k % 4) * n, (k % 4 + 1) * n);
    const s = Math.floor(k / 4);
    for (let c = 0; c < 3; c++) for (let y = 0; y < 64; y++) for (let x = 0; x < 64; x++) data[k * n + (c * 64 + y) * 64 + x] = src[(c * 64 + y) * 64 + ((x + s) % 64)]!;
  }
  return tensor('float32', [24, 3, 64, 64], data);
}

describe('detect/Synthetic', () => {
  it.each(['residual', 'spectral'] as const)('%s: the same scores as the PyTorch / NumPy reference on images of any size', async (name) => {
    for (const f of fixtureImages) {
      const { report } = await runNode(plugin, Synthetic, { ...env, inputs: { image: tensor('float32', [1, 3, f.H, f.W], f.data) }, params: { detector: `models/detectors/${name}.card.json` } });
      close(report.score, name === 'residual' ? f.residualScore : f.spectralScore, 2e-3);
      expect(report.detector).toBe(name);
    }
  });

  it('a batch report per image, the count, and the flag at the FPR fixed on real images', async () => {
    const gen = await runNode(plugin, Synthetic, { ...env, inputs: { image: batch(fixtureGenerated) }, params: { detector: 'models/detectors/residual.card.json' } });
    const real = await runNode(plugin, Synthetic, { ...env, inputs: { image: batch(fixtureReal) }, params: { detector: 'models/detectors/residual.card.json', prefix: 'real.' } });
    fixtureGenerated.residualScores.forEach((s, b) => close(gen.report[`score.${b}`], s, 2e-3));
    expect(gen.report.images).toBe(4);
    expect(gen.report.synthetic).toBe(4);
    expect(real.report['real.synthetic']).toBe(0);
    for (let b = 0; b < 4; b++) {
      expect(gen.report[`probability.${b}`] as number).toBeGreaterThan(0.9);
      expect(real.report[`real.probability.${b}`] as number).toBeLessThan(0.5);
      expect(gen.report[`pValue.${b}`] as number).toBeLessThan(0.01);
    }
    const card = parseCard(readFileSync(`${REPO_ROOT}models/detectors/residual.card.json`, 'utf8'), 'residual.card.json');
    expect(gen.report.threshold).toBe(thresholdAtFpr(card.calibration.realScores, 0.01));
  });

  it('each card’s threshold table is the thresholds of its real calibration scores, and its ECE meets the goal', () => {
    for (const f of ['residual', 'spectral', 'faces64-discriminator']) {
      const goal = f !== 'faces64-discriminator'; // the discriminator's ECE is reported, not a goal
      const card = parseCard(readFileSync(`${REPO_ROOT}models/detectors/${f}.card.json`, 'utf8'), f);
      expect(card.thresholds.map((t) => t.fpr)).toEqual([0.001, 0.01, 0.05]);
      for (const t of card.thresholds) expect(t.threshold).toBe(thresholdAtFpr(card.calibration.realScores, t.fpr));
      if (goal) expect((card.metrics as { ece: number }).ece).toBeLessThanOrEqual(0.03);
    }
  });

  it('refuses a card that is not one, naming the file and field; a grey image; a discriminator card', async () => {
    const bad = memoryFiles({ 'x.card.json': '{"format":"stylegraph.detector","formatVersion":1}', 'y.card.json': 'nope' });
    const img = batch(fixtureReal);
    await expect(runNode(plugin, Synthetic, { inputs: { image: img }, params: { detector: 'x.card.json' }, services, files: bad })).rejects.toThrow(/x\.card\.json: not a detector card: name/);
    await expect(runNode(plugin, Synthetic, { inputs: { image: img }, params: { detector: 'y.card.json' }, services, files: bad })).rejects.toThrow(/y\.card\.json: not JSON/);
    await expect(runNode(plugin, Synthetic, { ...env, inputs: { image: tensor('float32', [1, 1, 64, 64], new Float32Array(4096)) }, params: { detector: 'models/detectors/residual.card.json' } })).rejects.toMatchObject({ code: 'SHAPE_MISMATCH' });
    await expect(runNode(plugin, Synthetic, { ...env, inputs: { image: img }, params: { detector: 'models/detectors/faces64-discriminator.card.json' } })).rejects.toThrow(/use it with detect\/Discriminator/);
  });
});

describe('detect/Discriminator', () => {
  it('scores each image independently of the rest of its batch (minibatch-std groups of copies) and tells generated from real', async () => {
    const p = { path: 'models/faces64', card: 'models/detectors/faces64-discriminator.card.json' };
    const both = tensor('float32', [8, 3, 64, 64], Float32Array.from([...fixtureReal.data, ...fixtureGenerated.data]));
    const { report } = await runNode(plugin, Discriminator, { ...env, inputs: { image: both }, params: p });
    const alone = await runNode(plugin, Discriminator, { ...env, inputs: { image: tensor('float32', [1, 3, 64, 64], fixtureGenerated.data.slice(0, 3 * 4096)) }, params: p });
    close(alone.report.score, report['score.4'] as number, 1e-4);
    const mean = (a: number, b: number) => [...Array(b - a).keys()].reduce((s, i) => s + (report[`score.${a + i}`] as number), 0) / (b - a);
    expect(mean(4, 8)).toBeGreaterThan(mean(0, 4));
    expect(report.detector).toBe('faces64-discriminator');
  });

  it('refuses a card made for other weights, and calibrates on connected real images instead', async () => {
    const card = JSON.parse(readFileSync(`${REPO_ROOT}models/detectors/faces64-discriminator.card.json`, 'utf8'));
    const other = repoFiles();
    other.files.set('other.card.json', new TextEncoder().encode(JSON.stringify({ ...card, modelHash: '0'.repeat(64) })));
    const img = batch(fixtureGenerated);
    await expect(runNode(plugin, Discriminator, { inputs: { image: img }, params: { path: 'models/faces64', card: 'other.card.json' }, services, files: other })).rejects.toThrow(/calibrates another model/);
    const { report } = await runNode(plugin, Discriminator, { ...env, inputs: { image: img, real: manyReal() }, params: { path: 'models/faces64' } });
    expect(report['pValue.0'] as number).toBeGreaterThan(0);
    expect(report['probability.0']).toBeUndefined(); // no generated images: no Platt fit
    await expect(runNode(plugin, Discriminator, { ...env, inputs: { image: img }, params: { path: 'models/faces64' } })).rejects.toThrow(/connect "real"/);
  });
});

describe('detect/OnnxClassifier', () => {
  it('runs a user ONNX classifier with the declared size, normalization and column (here: the residual CNN)', async () => {
    const files2 = repoFiles();
    const p = { model: 'models/detectors/residual.onnx', size: 64, mean: [0.5, 0.5, 0.5] as [number, number, number], std: [0.5, 0.5, 0.5] as [number, number, number] };
    const { report } = await runNode(plugin, OnnxClassifier, { inputs: { image: batch(fixtureGenerated), real: manyReal() }, params: p, services, files: files2 });
    fixtureGenerated.residualScores.forEach((s, b) => close(report[`score.${b}`], s, 2e-3));
    expect(report.synthetic).toBe(4);
    const neg = await runNode(plugin, OnnxClassifier, { inputs: { image: batch(fixtureGenerated), real: manyReal() }, params: { ...p, positive: 'real' }, services, files: files2 });
    close(neg.report['score.0'], -fixtureGenerated.residualScores[0]!, 2e-3);
    await expect(runNode(plugin, OnnxClassifier, { inputs: { image: batch(fixtureGenerated), real: manyReal() }, params: { ...p, index: 3 }, services, files: files2 })).rejects.toThrow(/1 column\(s\); index 3 is out of range/);
    files2.files.set('junk.onnx', new Uint8Array([1, 2, 3]));
    await expect(runNode(plugin, OnnxClassifier, { inputs: { image: batch(fixtureGenerated), real: manyReal() }, params: { ...p, model: 'junk.onnx' }, services, files: files2 })).rejects.toThrow(/junk\.onnx: not an ONNX model/);
  });
});

describe('detect/Verdict', () => {
  it('marked → watermarked (key, p, payload); unmarked generated → likely generated; real → no evidence', async () => {
    const key = { key: 'verdict test key' };
    const gen = batch(fixtureGenerated);
    const { image: marked } = await runNode(watermarkPlugin, Embed, { inputs: { image: gen }, params: { ...key, payload: 'abc' } });
    const quantized = tensor('float32', [...marked.dims], marked.data.map((v) => Math.round((v + 1) * 127.5) / 127.5 - 1));
    const images = tensor('float32', [12, 3, 64, 64], Float32Array.from([...quantized.data, ...gen.data, ...fixtureReal.data])); // marked, unmarked, real
    const wm = await runNode(watermarkPlugin, Decode, { inputs: { image: images }, params: { ...key, payloadBits: 12 } });
    const res = await runNode(plugin, Synthetic, { ...env, inputs: { image: images }, params: { detector: 'models/detectors/residual.card.json' } });
    const spec = await runNode(plugin, Synthetic, { ...env, inputs: { image: images }, params: { detector: 'models/detectors/spectral.card.json' } });
    const { report } = await runNode(plugin, Verdict, { ...env, inputs: { watermark: wm.report, passive: res.report, passive2: spec.report }, params: { keyName: 'K1' } });
    expect(report.images).toBe(12);
    for (let b = 0; b < 4; b++) {
      expect(report[`verdict.${b}`]).toBe('watermarked');
      expect(report[`statement.${b}`]).toMatch(/^watermarked with key K1 \(p = .*, payload abc\)$/);
      expect(report[`pValue.${b}`] as number).toBeLessThan(1e-6);
      expect(report[`verdict.${b + 4}`]).toBe('generated');
      expect(report[`statement.${b + 4}`]).toMatch(/^likely generated \(p = [0-9.e-]+, detector (residual|spectral)\)$/);
      expect(report[`verdict.${b + 8}`]).toBe('no evidence');
      expect(report[`statement.${b + 8}`]).toMatch(/^no evidence \(watermark p = .*; best detector p = .*\)$/);
    }
    expect([report.watermarked, report.generated, report.noEvidence]).toEqual([4, 4, 4]);
    // Two detectors: the smallest p-value is doubled (Bonferroni).
    expect(report['pValue.4']).toBeCloseTo(2 * Math.min(res.report['pValue.4'] as number, spec.report['pValue.4'] as number), 12);
  });

  it('one image gives plain keys; mismatched batches and foreign reports are refused', async () => {
    const one = await runNode(plugin, Synthetic, { ...env, inputs: { image: tensor('float32', [1, 3, 64, 64], fixtureReal.data.slice(0, 3 * 4096)) }, params: { detector: 'models/detectors/residual.card.json' } });
    const { report } = await runNode(plugin, Verdict, { ...env, inputs: { passive: one.report }, params: {} });
    expect(report.verdict).toBe('no evidence');
    const four = await runNode(plugin, Synthetic, { ...env, inputs: { image: batch(fixtureReal) }, params: { detector: 'models/detectors/residual.card.json' } });
    await expect(runNode(plugin, Verdict, { ...env, inputs: { passive: one.report, passive2: four.report }, params: {} })).rejects.toThrow(/"passive2" describes 4 image\(s\) but "passive" describes 1/);
    await expect(runNode(plugin, Verdict, { ...env, inputs: { watermark: { psnr: 40 } }, params: {} })).rejects.toThrow(/"watermark" has no "detected"/);
    await expect(runNode(plugin, Verdict, { ...env, inputs: {}, params: {} })).rejects.toThrow(/connect a watermark report/);
  });
});

describe('detect/TrainSpectral', () => {
  it('trains on two folders’ worth of images, writes an ONNX model + card that detect/Synthetic then uses', async () => {
    let seed = 1;
    const make = (count: number, artefact: boolean) => {
      const imgs = toyImages(count, artefact, seed++);
      const d = new Float32Array(count * 3 * 4096); // [count, 3, 64, 64]
      imgs.forEach((rgb, k) => d.set(fromRgb8(rgb, 64, 64).data, k * 3 * 4096));
      return tensor('float32', [count, 3, 64, 64], d);
    };
    const out = memoryFiles();
    const { report } = await runNode(plugin, TrainSpectral, { inputs: { real: make(100, false), generated: make(100, true) }, params: { out: 'mine', name: 'toy', views: 1, augment: false }, services, files: out });
    expect(report.ap as number).toBeGreaterThan(0.95);
    expect([report.trainReal, report.trainGenerated]).toEqual([80, 80]);
    const card = parseCard(new TextDecoder().decode(out.files.get('mine.card.json')!), 'mine.card.json');
    expect(card.name).toBe('toy');
    const held = await runNode(plugin, Synthetic, { inputs: { image: make(4, true) }, params: { detector: 'mine.card.json' }, services, files: out });
    const heldReal = await runNode(plugin, Synthetic, { inputs: { image: make(4, false) }, params: { detector: 'mine.card.json' }, services, files: out });
    expect(held.report.synthetic as number).toBeGreaterThanOrEqual(3);
    expect(heldReal.report.synthetic as number).toBeLessThanOrEqual(1);
    await expect(runNode(plugin, TrainSpectral, { inputs: { real: make(10, false), generated: make(100, true) }, params: {}, services, files: out })).rejects.toThrow(/at least 100 images of each kind/);
  });

  it('post-processes the training views through the attack pipeline when asked', async () => {
    const img = batch(fixtureReal);
    const reals = tensor('float32', [100, 3, 64, 64], Float32Array.from({ length: 100 * 3 * 4096 }, (_, i) => img.data[i % img.data.length]!));
    const gens = tensor('float32', [100, 3, 64, 64], Float32Array.from({ length: 100 * 3 * 4096 }, (_, i) => fixtureGenerated.data[i % fixtureGenerated.data.length]!));
    const out = memoryFiles();
    const { report } = await runNode(plugin, TrainSpectral, { inputs: { real: reals, generated: gens }, params: { views: 1, augment: true, seed: 3 }, services, files: out });
    expect(report.card).toBe('spectral-detector.card.json');
    expect(Number.isFinite(report.threshold1)).toBe(true);
  });
});
