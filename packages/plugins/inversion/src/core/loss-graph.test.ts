/**
 * Gradients of the whole projector loss — pixel, multi-scale, the noise penalty and a
 * perceptual term from an imported ONNX network (face-features; the model's discriminator) —
 * against central finite differences along a direction per input (⟨∇L, v⟩ vs
 * (L(x + εv) − L(x − εv)) / 2ε, which averages over the many ReLU/clamp kinks that spoil
 * element-wise differences), w.r.t. W+ and the coarsest and finest noise maps.
 */
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { RandomState, tensor, type Tensor } from '@stylegraph/core';
import { buildDiscriminator, buildGradient, loadModel, noiseLayers, StyleGAN2, type LoadedModel } from '@stylegraph/ops-gpu';
import { createNodeCompute, folderSource, nodeBackend } from '@stylegraph/ops-gpu/node';
import { buildProjectionLoss, type FeatureNet } from './loss-graph.js';

const root = (p: string) => fileURLToPath(new URL(`../../../../../${p}`, import.meta.url));

describe('projector loss gradients vs finite differences', () => {
  let model: LoadedModel;
  let feeds: Record<string, Tensor>;
  beforeAll(async () => {
    model = await loadModel(folderSource(root('models/faces64')));
    const { numWs, wDim } = model.generator;
    const r = new RandomState(5);
    const f = (n: number, s: number) => Float32Array.from(r.randn(n), (v) => v * s);
    const layers = noiseLayers(model.generator);
    feeds = {
      ws: tensor('float32', [1, numWs, wDim], f(numWs * wDim, 0.8)),
      target: tensor('float32', [1, 3, 64, 64], Float32Array.from(r.randn(3 * 64 * 64), Math.tanh)),
      noise_scale: tensor('float32', [layers.length], new Float32Array(layers.length).fill(1)),
    };
    for (const l of layers) feeds[`noise.${l.name}`] = tensor('float32', [1, 1, l.res, l.res], f(l.res * l.res, 1));
    // A target near the reconstruction keeps the loss small, so float32 resolves its differences.
    const maps = Object.fromEntries(layers.map((l) => [l.name, feeds[`noise.${l.name}`] as Tensor<'float32'>]));
    const { img } = await new StyleGAN2(model, createNodeCompute({ backend: 'cpu' })).synthesis(feeds.ws as Tensor<'float32'>, { noise: maps });
    feeds.target = tensor('float32', img.dims, img.data.map((v) => v + 0.1 * r.randn(1)[0]!));
  });

  const check = async (features: FeatureNet | undefined, perceptual: number) => {
    // Small weights keep the float32 loss in a range where differences of 2ε resolve.
    const p = buildProjectionLoss(model.generator, model.weights.generator, { pixel: 1e-4, multiscale: 1e-4, perceptual, noiseReg: 1 }, features);
    const layers = noiseLayers(model.generator);
    const wrt = ['ws', `noise.${layers[0]!.name}`, `noise.${layers.at(-1)!.name}`];
    const cpu = nodeBackend('cpu');
    const fwd = p.graph.clone();
    fwd.clearOutputs();
    fwd.output('loss', fwd.value(p.loss.id));
    const fs = await cpu.createSession(fwd.toModel());
    const gs = await cpu.createSession(buildGradient(p.graph, p.loss, wrt).toModel());
    const grads = await gs.run(feeds);
    const lossAt = async (f: Record<string, Tensor>) => Number((await fs.run(f)).loss!.data[0]);
    for (const name of wrt) {
      const x = feeds[name]!.data as Float32Array;
      // Along the analytic gradient (scaled to unit RMS): the largest change, so float32 resolves it;
      // a gradient that is wrong in any direction gives ⟨∇L, g⟩ ≠ ‖g‖².
      const g0 = grads[`grad:${name}`]!.data as Float32Array;
      const rms = Math.sqrt(g0.reduce((a, b) => a + b * b, 0) / g0.length);
      const v = g0.map((gi) => gi / rms);
      const eps = 3e-4;
      const shifted = (s: number) => ({ ...feeds, [name]: tensor('float32', feeds[name]!.dims, x.map((xi, i) => xi + s * eps * v[i]!)) });
      const numeric = ((await lossAt(shifted(1))) - (await lossAt(shifted(-1)))) / (2 * eps);
      const g = grads[`grad:${name}`]!.data as Float32Array;
      let analytic = 0;
      for (let i = 0; i < g.length; i++) analytic += g[i]! * v[i]!;
      expect(Math.abs(analytic), name).toBeGreaterThan(1e-4);
      expect(Math.abs(numeric - analytic) / Math.abs(analytic), `${name}: ${numeric} vs ${analytic}`).toBeLessThan(5e-2);
    }
  };

  it('pixel, multi-scale and the noise penalty', async () => {
    await check(undefined, 0);
  });

  it('with the face-features network as the perceptual term', async () => {
    const bytes = new Uint8Array(await readFile(root('models/metrics/face-features.onnx')));
    await check({ bytes, input: 'image', outputs: ['features'], label: 'face-features' }, 0.05);
  });

  it('with the discriminator’s block features as the perceptual term', async () => {
    const bytes = buildDiscriminator(model.discriminator!, model.weights.discriminator!, { batch: 1, taps: ['b32', 'b16', 'b8'] }).toModel();
    await check({ bytes, input: 'img', outputs: ['tap:b32', 'tap:b16', 'tap:b8'], label: 'discriminator' }, 0.05);
  });
});
