/** `stylegan/MeanW`: w_avg recomputed as the mean of mapping(z) over N seeded samples. */
import { defineNode, tensor, z } from '@stylegraph/core';
import { runtime } from '../generator-value.js';
import { Generator, WPlus } from '../kinds.js';

export const MeanW = defineNode({
  type: 'stylegan/MeanW',
  version: 1,
  title: 'Mean w',
  category: 'Latents',
  description: 'The average w of N random z (NumPy-exact normals from one seed), broadcast to W+ [1, numWs, wDim].',
  inputs: { generator: { type: Generator } },
  outputs: { w: { type: WPlus, shape: [1, 'numWs', 'wDim'] } },
  params: z.object({
    samples: z.number().int().min(1).max(1_000_000).default(10_000).describe('Number of z samples.'),
    seed: z.number().int().min(0).max(0xffffffff).default(0).describe('Seed of the z stream.').meta({ widget: 'seed' }),
    classIndex: z.number().int().min(0).optional().describe('Class for conditional models.'),
  }),
  purity: 'pure',
  run: async ({ inputs, params, ctx }) => {
    const sg = runtime(inputs.generator, ctx);
    const { zDim, cDim, numWs, wDim } = inputs.generator.dims;
    const rng = ctx.random(params.seed);
    const sum = new Float64Array(wDim);
    const chunk = 256;
    for (let done = 0; done < params.samples; done += chunk) {
      ctx.throwIfAborted();
      const n = Math.min(chunk, params.samples - done);
      const zs = tensor('float32', [n, zDim], Float32Array.from(rng.randn(n * zDim)));
      let c;
      if (cDim > 0) {
        const data = new Float32Array(n * cDim);
        for (let i = 0; i < n; i++) data[i * cDim + (params.classIndex ?? 0)] = 1;
        c = tensor('float32', [n, cDim], data);
      }
      const ws = await sg.mapping(zs, c); // [n, numWs, wDim], every layer equal
      for (let i = 0; i < n; i++) for (let k = 0; k < wDim; k++) sum[k]! += ws.data[i * numWs * wDim + k]!;
      ctx.progress((done + n) / params.samples);
    }
    const out = new Float32Array(numWs * wDim);
    for (let l = 0; l < numWs; l++) for (let k = 0; k < wDim; k++) out[l * wDim + k] = sum[k]! / params.samples;
    return { w: tensor('float32', [1, numWs, wDim], out) };
  },
});
