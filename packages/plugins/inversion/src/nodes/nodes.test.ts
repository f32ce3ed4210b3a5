/**
 * The nodes on the bundled faces64 model: Project recovers the model's own samples (known w)
 * to ≥ 40 dB within the default steps; its w + noise outputs re-render its image exactly through
 * stylegan/Synthesis; cancelling keeps the best so far; Encode runs the folder's encoder; bad
 * inputs are refused by name.
 */
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { RandomState, tensor, type Tensor } from '@stylegraph/core';
import { loadModel, StyleGAN2, type LoadedModel } from '@stylegraph/ops-gpu';
import { createNodeCompute, folderSource } from '@stylegraph/ops-gpu/node';
import { cpuServices, runNode } from '@stylegraph/plugin-testing';
import { generatorValue, styleganPlugin, Synthesis, type StyleGANGenerator } from '@stylegraph/plugin-stylegan';
import { Encode, inversionPlugin, Project } from '../index.js';
import { psnrOf } from '../core/project.js';

const root = (p: string) => fileURLToPath(new URL(`../../../../../${p}`, import.meta.url));
const services = await cpuServices();

function psnr(a: Float32Array, b: ArrayLike<number>, B: number): number[] {
  const n = a.length / B;
  return Array.from({ length: B }, (_, i) => {
    let s = 0;
    for (let j = i * n; j < (i + 1) * n; j++) s += (a[j]! - b[j]!) ** 2;
    return psnrOf(s / n);
  });
}

describe('inversion nodes on faces64', () => {
  let model: LoadedModel;
  let gen: StyleGANGenerator;
  let samples: Tensor<'float32'>;
  beforeAll(async () => {
    model = await loadModel(folderSource(root('models/faces64')));
    gen = generatorValue(model, { path: 'models/faces64' });
    const sg = new StyleGAN2(model, createNodeCompute({ backend: 'cpu' }));
    const z = tensor('float32', [1, 128], Float32Array.from(new RandomState(500000).randn(128)));
    samples = (await sg.synthesis(await sg.mapping(z), { noise: 'random', noiseSeed: 9 })).img;
  });

  it('recovers own samples (known w) to ≥ 40 dB within the default 1000 steps; w + noise re-render the image', async () => {
    const out = await runNode(inversionPlugin, Project, { inputs: { generator: gen, target: samples }, params: { stopPsnr: 40 }, services });
    const report = out.report as Record<string, number | string>;
    expect(report.stopped).toBe('target');
    expect(report.steps).toBeLessThanOrEqual(1000);
    for (const p of psnr(out.image.data, samples.data, 1)) expect(p).toBeGreaterThanOrEqual(40);
    expect(report.psnr).toBeGreaterThanOrEqual(40);
    expect(report.wDistance).toBeGreaterThan(0.2);
    expect(report.wDistance).toBeLessThan(3);
    const again = await runNode(styleganPlugin, Synthesis, { inputs: { generator: gen, w: out.w, noise: out.noise }, services });
    expect(psnr(again.image.data, out.image.data, 1)[0]).toBeGreaterThan(80);
  });

  it('a cancelled projection returns the best latents so far', async () => {
    const ctl = new AbortController();
    let steps = 0;
    const out = await runNode(inversionPlugin, Project, {
      inputs: { generator: gen, target: samples },
      params: { steps: 500, space: 'W+' },
      services,
      signal: ctl.signal,
      onEvent: (e) => {
        if (e.type === 'node-progress' && e.node !== undefined && ++steps === 30) ctl.abort();
      },
    });
    const report = out.report as Record<string, unknown>;
    expect(report.stopped).toBe('cancelled');
    expect(report.steps).toBe(30);
    expect(out.w.dims).toEqual([1, 10, 128]);
    expect(Number(report.psnr)).toBeGreaterThan(15);
    expect(psnr(out.image.data, samples.data, 1)[0]).toBeCloseTo(Number(report.psnr), 3);
  });

  it('refuses an init of the wrong shape and a missing perceptual model by name', async () => {
    const init = tensor('float32', [2, 10, 128], new Float32Array(2560));
    await expect(runNode(inversionPlugin, Project, { inputs: { generator: gen, target: samples, init }, params: { steps: 2 }, services })).rejects.toThrow(/port "init".*disagrees on B: 2 ≠ 1/);
    await expect(runNode(inversionPlugin, Project, { inputs: { generator: gen, target: samples }, params: { steps: 2, perceptual: 'onnx' }, services })).rejects.toThrow(/perceptualModel/);
  });

  it('Encode: W+ of the right shape from the folder’s encoder, or a clear error without one', async () => {
    if (!model.encoder) {
      await expect(runNode(inversionPlugin, Encode, { inputs: { generator: gen, image: samples }, services })).rejects.toThrow(/no encoder/);
      return;
    }
    const { w } = await runNode(inversionPlugin, Encode, { inputs: { generator: gen, image: samples }, services });
    expect(w.dims).toEqual([1, 10, 128]);
    const { image } = await runNode(styleganPlugin, Synthesis, { inputs: { generator: gen, w }, services });
    for (const p of psnr(image.data, samples.data, 1)) expect(p).toBeGreaterThan(20);
    const bare = generatorValue({ ...model, encoder: undefined } as LoadedModel);
    await expect(runNode(inversionPlugin, Encode, { inputs: { generator: bare, image: samples }, services })).rejects.toThrow(/no encoder/);
  });
});
