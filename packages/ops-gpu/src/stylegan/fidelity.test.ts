/**
 * Fidelity against the independent PyTorch float64 reference (tools/sg2ref): mapping with and
 * without classes, truncation, synthesis in each noise mode, feature taps, the discriminator
 * and gradients of the synthesis network. Tolerance: max |error| ≤ 1e-4 · max(1, max |expected|)
 * on cpu (absolute 1e-4 for tensors in −1…1), 1e-3 on webgpu (opt-in, see backend/webgpu.test.ts).
 */
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tensor, type Tensor } from '@stylegraph/core';
import { readFile } from 'node:fs/promises';
import { folderSource } from '../model/node-files.js';
import { loadModel, type LoadedModel } from '../model/load.js';
import { readSafetensors } from '../model/safetensors.js';
import { nodeBackend } from '../backend/node.js';
import type { Compute } from '../compute/compute.js';
import { createNodeCompute } from '../compute/node.js';
import { buildGradient, checkGradients } from '../grad/index.js';
import { StyleGAN2 } from './generator.js';
import { buildSynthesis, noiseInputName } from './synthesis.js';
import { noiseLayers } from './arch.js';
import { truncate } from './truncation.js';
import { relErr } from '../testing/rel-err.js';

const fixtures = (name: string) => fileURLToPath(new URL(`../../fixtures/${name}/`, import.meta.url));


const backends = ['cpu', ...(process.env['STYLEGRAPH_TEST_WEBGPU'] === '1' ? ['webgpu'] : [])];

describe.each(backends.flatMap((b) => ['cfg512', 'small'].map((c) => [c, b] as const)))('fidelity %s on %s', (name, backend) => {
  const tol = backend === 'cpu' ? 1e-4 : 1e-3;
  let model: LoadedModel;
  let cases: Map<string, Tensor<'float32'>>;
  let sg: StyleGAN2;
  let compute: Compute;
  const at = (k: string) => {
    const t = cases.get(k);
    if (!t) throw new Error(`fixture has no ${k}`);
    return t;
  };

  beforeAll(async () => {
    compute = createNodeCompute({ backend });
    model = await loadModel(folderSource(fixtures(name)));
    cases = readSafetensors(new Uint8Array(await readFile(`${fixtures(name)}cases.safetensors`))).tensors as Map<string, Tensor<'float32'>>;
    sg = new StyleGAN2(model, compute);
  });
  afterAll(() => compute.clear());

  it('mapping (and truncation in TypeScript)', async () => {
    const ws = await sg.mapping(at('z'), cases.get('c'));
    expect(relErr(ws, at('w'))).toBeLessThanOrEqual(tol);
    expect(relErr(truncate(at('w'), sg.wAvg, 0.7), at('w_trunc'))).toBeLessThanOrEqual(1e-6);
  });

  it('synthesis in each noise mode, with per-layer noise strength multipliers, and every feature tap', async () => {
    const layers = noiseLayers(model.generator);
    const noiseScale = Array.from(at('noise_scale').data);
    const maps = Object.fromEntries(layers.map((l) => [l.name, at(`noise.${l.name}`)]));
    const tapNames = [...cases.keys()].filter((k) => k.startsWith('tap.')).map((k) => k.slice(4));
    expect(tapNames.length).toBeGreaterThan(layers.length);
    const random = await sg.synthesis(at('ws'), { noise: maps, noiseScale, taps: tapNames });
    expect(relErr(random.img, at('img_random'))).toBeLessThanOrEqual(tol);
    for (const t of tapNames) expect(relErr(random.taps[t]!, at(`tap.${t}`)), t).toBeLessThanOrEqual(tol);
    const cst = await sg.synthesis(at('ws'), { noise: 'const', noiseScale });
    expect(relErr(cst.img, at('img_const'))).toBeLessThanOrEqual(tol);
    const none = await sg.synthesis(at('ws'), { noise: 'none', noiseScale });
    expect(relErr(none.img, at('img_none'))).toBeLessThanOrEqual(tol);
    // The modes really differ, so each comparison above checks something.
    expect(relErr(at('img_const'), at('img_none'))).toBeGreaterThan(1e-2);
  });

  it('discriminator logits and taps', async () => {
    const taps = [...cases.keys()].filter((k) => k.startsWith('dtap.')).map((k) => k.slice(5));
    const d = await sg.discriminate(at('d_img'), cases.get('c'), taps);
    expect(relErr(d.logits, at('d_logits'))).toBeLessThanOrEqual(tol);
    for (const t of taps) expect(relErr(d.taps[t]!, at(`dtap.${t}`)), t).toBeLessThanOrEqual(tol);
  });

  it('gradients of Σ img·R with respect to W+ and every noise map', async () => {
    const g = buildSynthesis(model.generator, model.weights.generator);
    const img = g.outputs.get('img')!;
    const res = model.generator.resolution;
    const R = g.input('R', 'float32', ['B', model.generator.imgChannels, res, res]);
    const loss = g.reduceSum(g.mul(img, R), undefined, false);
    const layers = noiseLayers(model.generator);
    const wrt = ['ws', ...layers.map((l) => noiseInputName(l.name))];
    const session = await compute.session(buildGradient(g, loss, wrt).toModel());
    const feeds: Record<string, Tensor> = { R: at('grad_R'), ws: at('ws'), noise_scale: tensor('float32', at('noise_scale').dims, at('noise_scale').data) };
    for (const l of layers) feeds[noiseInputName(l.name)] = at(`noise.${l.name}`);
    const out = await session.run(feeds);
    expect(relErr(out['grad:ws']!, at('grad_ws'))).toBeLessThanOrEqual(tol);
    for (const l of layers) expect(relErr(out[`grad:${noiseInputName(l.name)}`]!, at(`grad_noise.${l.name}`)), l.name).toBeLessThanOrEqual(tol);
  });
});

describe('synthesis gradients against finite differences', () => {
  it('d(Σ img·R)/d(W+, noise) of the whole cfg512 synthesis network', async () => {
    const model = await loadModel(folderSource(fixtures('cfg512')));
    const cases = readSafetensors(new Uint8Array(await readFile(`${fixtures('cfg512')}cases.safetensors`))).tensors as Map<string, Tensor<'float32'>>;
    const g = buildSynthesis(model.generator, model.weights.generator);
    const res = model.generator.resolution;
    const R = g.input('R', 'float32', ['B', 3, res, res]);
    const loss = g.reduceSum(g.mul(g.outputs.get('img')!, R), undefined, false);
    const layers = noiseLayers(model.generator);
    const feeds: Record<string, Tensor> = { R: cases.get('grad_R')!, ws: cases.get('ws')!, noise_scale: cases.get('noise_scale')! };
    for (const l of layers) feeds[noiseInputName(l.name)] = cases.get(`noise.${l.name}`)!;
    const wrt = ['ws', noiseInputName(layers[0]!.name), noiseInputName(layers.at(-1)!.name)];
    const results = await checkGradients(g, loss, wrt, feeds, nodeBackend('cpu'), { eps: 2e-3, maxElements: 24 });
    for (const r of results) {
      expect(r.checked, r.input).toBeGreaterThan(0);
      expect(r.relError, r.input).toBeLessThan(2e-2);
    }
  });
});
