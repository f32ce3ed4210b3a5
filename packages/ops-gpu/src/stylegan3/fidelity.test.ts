/**
 * StyleGAN3 fidelity against the independent PyTorch float64 reference (tools/sg3ref): the
 * -T fixture (with a layer driven into the clamp) and the -R fixture (radial filters, 1×1
 * convs, classes): mapping, the image and every layer's tap with the stored identity transform
 * and with per-image translate/rotate transforms, d(Σ img·R)/d(W+, transform) against the reference's
 * autograd, d/dW+ against finite differences, the derived layer geometry and the filter design.
 * Tolerance: max |error| ≤ 1e-4 · max(1, max |expected|).
 */
import { fileURLToPath } from 'node:url';
import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Tensor } from '@stylegraph/core';
import { folderSource } from '../model/node-files.js';
import { loadModel, type LoadedModel } from '../model/load.js';
import { readSafetensors } from '../model/safetensors.js';
import { nodeBackend } from '../backend/node.js';
import type { Compute } from '../compute/compute.js';
import { createNodeCompute } from '../compute/node.js';
import { buildGradient, checkGradients } from '../grad/index.js';
import { StyleGAN2 } from '../stylegan/generator.js';
import { buildSynthesis } from '../stylegan/synthesis.js';
import { isStyleGAN3 } from '../stylegan/arch.js';
import { sg3Schedule } from './schedule.js';
import { designLowpass } from './filters.js';
import { relErr } from '../testing/rel-err.js';

const fixtures = (name: string) => fileURLToPath(new URL(`../../fixtures/${name}/`, import.meta.url));


describe.each(['sg3t', 'sg3r'])('StyleGAN3 fidelity %s', (name) => {
  const tol = 1e-4;
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
    compute = createNodeCompute({ backend: 'cpu' });
    model = await loadModel(folderSource(fixtures(name)));
    cases = readSafetensors(new Uint8Array(await readFile(`${fixtures(name)}cases.safetensors`))).tensors as Map<string, Tensor<'float32'>>;
    sg = new StyleGAN2(model, compute);
  });
  afterAll(() => compute.clear());

  it('is a StyleGAN3 config whose recorded layer geometry the schedule reproduces', () => {
    const g = model.generator;
    if (!isStyleGAN3(g)) throw new Error('not StyleGAN3');
    expect(g.architecture).toBe(name === 'sg3t' ? 'stylegan3-t' : 'stylegan3-r');
    // loadModel already refused any mismatch; the schedule must also reach the resolution.
    expect(sg3Schedule(g.resolution, g.imgChannels, g.synthesis, g.architecture).layers.at(-1)!.outSize).toBe(g.resolution);
  });

  it('designs the same low-pass filters as SciPy (stored in the weights)', () => {
    const g = model.generator;
    if (!isStyleGAN3(g)) throw new Error('not StyleGAN3');
    let checked = 0;
    for (const l of sg3Schedule(g.resolution, g.imgChannels, g.synthesis, g.architecture).layers) {
      const tmp = Math.max(l.inSamplingRate, l.outSamplingRate) * (l.toRgb ? 1 : g.synthesis.lreluUpsampling);
      const up = model.weights.generator.get(`synthesis.${l.name}.up_filter`);
      const down = model.weights.generator.get(`synthesis.${l.name}.down_filter`);
      if (up) expect(relErr({ ...up, data: designLowpass(l.upTaps, l.inCutoff, 2 * l.inHalfWidth, tmp, false) } as Tensor, up)).toBeLessThan(1e-6);
      if (down) expect(relErr({ ...down, data: designLowpass(l.downTaps, l.outCutoff, 2 * l.outHalfWidth, tmp, l.downRadial) } as Tensor, down)).toBeLessThan(1e-6);
      checked += (up ? 1 : 0) + (down ? 1 : 0);
    }
    expect(checked).toBeGreaterThan(8);
  });

  it('mapping', async () => {
    const ws = await sg.mapping(at('z'), cases.get('c'));
    expect(relErr(ws, at('w'))).toBeLessThanOrEqual(tol);
  });

  it('synthesis and every layer tap, with the stored transform and with translate/rotate transforms', async () => {
    const taps = [...cases.keys()].filter((k) => k.startsWith('tap.')).map((k) => k.slice(4));
    expect(taps.length).toBe(model.generator.numWs); // input + every layer
    const plain = await sg.synthesis(at('ws'), { taps });
    expect(relErr(plain.img, at('img'))).toBeLessThanOrEqual(tol);
    for (const t of taps) expect(relErr(plain.taps[t]!, at(`tap.${t}`)), t).toBeLessThanOrEqual(tol);
    const moved = await sg.synthesis(at('ws'), { taps, transform: at('transform') });
    expect(relErr(moved.img, at('img_tf'))).toBeLessThanOrEqual(tol);
    for (const t of taps) expect(relErr(moved.taps[t]!, at(`tap_tf.${t}`)), t).toBeLessThanOrEqual(tol);
    // The transform really changes the image, so both comparisons check something.
    expect(relErr(at('img'), at('img_tf'))).toBeGreaterThan(1e-3);
  });

  it('gradients of Σ img·R with respect to W+ and the transform match the reference autograd', async () => {
    const g = buildSynthesis(model.generator, model.weights.generator);
    const res = model.generator.resolution;
    const R = g.input('R', 'float32', ['B', 3, res, res]);
    const loss = g.reduceSum(g.mul(g.outputs.get('img')!, R), undefined, false);
    const session = await compute.session(buildGradient(g, loss, ['ws', 'transform']).toModel());
    const out = await session.run({ R: at('grad_R'), ws: at('ws'), transform: at('transform') });
    expect(relErr(out['grad:ws']!, at('grad_ws'))).toBeLessThanOrEqual(tol);
    expect(relErr(out['grad:transform']!, at('grad_transform'))).toBeLessThanOrEqual(tol);
  });
});

describe('StyleGAN3 synthesis gradients against finite differences', () => {
  it('d(Σ img·R)/dW+ of the whole -R network', async () => {
    const model = await loadModel(folderSource(fixtures('sg3r')));
    const cases = readSafetensors(new Uint8Array(await readFile(`${fixtures('sg3r')}cases.safetensors`))).tensors as Map<string, Tensor<'float32'>>;
    const g = buildSynthesis(model.generator, model.weights.generator);
    const R = g.input('R', 'float32', ['B', 3, 32, 32]);
    const loss = g.reduceSum(g.mul(g.outputs.get('img')!, R), undefined, false);
    const feeds = { R: cases.get('grad_R')!, ws: cases.get('ws')!, transform: cases.get('transform')! };
    const results = await checkGradients(g, loss, ['ws'], feeds, nodeBackend('cpu'), { eps: 2e-3, maxElements: 24 });
    for (const r of results) {
      expect(r.checked, r.input).toBeGreaterThan(0);
      expect(r.relError, r.input).toBeLessThan(2e-2);
    }
  });
});
