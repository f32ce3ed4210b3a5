// Writes models/sg3t-demo64: a random-weight StyleGAN3-T generator (64 px, NVIDIA's layer
// schedule with 14 layers, 32 channels, magnitude EMAs calibrated on 16 samples) for the StyleGAN3 example graphs and tests. Its images
// are textures, not faces: it shows what the architecture does (equivariance under input
// translation and rotation), not what a trained model draws. Deterministic (seed 3).
//   node tools/models/make-sg3-demo.mjs   (after npm run build)
import { existsSync, readFileSync } from 'node:fs';
import { RandomState, tensor } from '@stylegraph/core';
import { StyleGAN2, randomWeights, sg3TapNames, standardSg3Config } from '@stylegraph/ops-gpu';
import { createNodeCompute, saveModel } from '@stylegraph/ops-gpu/node';

/**
 * Sets every layer's magnitude_ema to the mean square of its input over 16 samples, layer by
 * layer, as NVIDIA's training tracks it — so activations keep unit scale through the random
 * network — and scales ToRGB to images of standard deviation 0.5.
 */
async function calibrate(generator) {
  const g = config.generator;
  const compute = createNodeCompute({ backend: 'cpu' });
  const model = (n) => ({ config, generator: g, discriminator: null, weights: { generator }, contentHash: `calibrate-${n}` });
  const z = tensor('float32', [16, g.zDim], Float32Array.from(new RandomState(0).randn(16 * g.zDim)));
  const w = await new StyleGAN2(model('m'), compute).mapping(z);
  const ws = tensor('float32', [16, g.numWs, g.wDim], Float32Array.from({ length: 16 * g.numWs * g.wDim }, (_, i) => w.data[Math.floor(i / (g.numWs * g.wDim)) * g.wDim + (i % g.wDim)]));
  const names = sg3TapNames(g);
  for (let i = 1; i < names.length; i++) {
    const { taps } = await new StyleGAN2(model(i), compute).synthesis(ws, { taps: [names[i - 1]] });
    const x = taps[names[i - 1]].data;
    const ms = x.reduce((a, v) => a + v * v, 0) / x.length;
    generator.set(`synthesis.${names[i]}.magnitude_ema`, tensor('float32', [], Float32Array.of(ms)));
  }
  // ToRGB: images of standard deviation 0.5 (mostly inside −1…1).
  const { img } = await new StyleGAN2(model('rgb'), compute).synthesis(ws);
  const mean = img.data.reduce((a, v) => a + v, 0) / img.data.length;
  const std = Math.sqrt(img.data.reduce((a, v) => a + (v - mean) ** 2, 0) / img.data.length);
  const key = `synthesis.${names.at(-1)}.weight`;
  const t = generator.get(key);
  generator.set(key, tensor('float32', t.dims, Float32Array.from(t.data, (v) => (v * 0.5) / std)));
}

const config = {
  ...standardSg3Config({ resolution: 64, zDim: 64, wDim: 64, synthesis: { channelBase: 2048, channelMax: 32 }, name: 'sg3t-demo64' }),
  description: 'Random-weight StyleGAN3-T demo (untrained): textures that pan and rotate with the input transform.',
  license: 'CC0-1.0',
};
const { generator } = randomWeights(config, 3);
await calibrate(generator);
const dir = new URL('../../models/sg3t-demo64/', import.meta.url).pathname;
// The folder is replaced as a whole: keep its hand-written card.
const card = existsSync(`${dir}MODEL.md`) ? readFileSync(`${dir}MODEL.md`, 'utf8') : undefined;
await saveModel(dir, { config, generator, ...(card && { extra: { 'MODEL.md': card } }) });
console.log('wrote models/sg3t-demo64');
