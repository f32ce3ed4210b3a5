/** `stylegan/RepeatW`: each latent of a batch repeated N times in a row (e.g. to draw several noise maps for one w). */
import { defineNode, tensor, z } from '@stylegraph/core';
import { WPlus } from '../kinds.js';

export const RepeatW = defineNode({
  type: 'stylegan/RepeatW',
  version: 1,
  title: 'Repeat W+',
  category: 'Latents',
  description: 'Repeats every W+ of the batch `count` times (w0, w0, …, w1, w1, …), e.g. to see what the noise alone changes.',
  inputs: { w: { type: WPlus, shape: ['B', 'numWs', 'wDim'] } },
  outputs: { w: { type: WPlus, shape: ['N', 'numWs', 'wDim'] } },
  params: z.object({ count: z.number().int().min(1).max(1024).default(8).describe('Copies of each latent.') }),
  inferShapes: (p, { dims: { B } }) => ({ N: B === undefined ? undefined : B * p.count }),
  purity: 'pure',
  run: ({ inputs, params }) => {
    const [B, numWs, wDim] = inputs.w.dims as [number, number, number];
    const size = numWs * wDim;
    const out = new Float32Array(B * params.count * size);
    for (let b = 0; b < B; b++) {
      const src = inputs.w.data.subarray(b * size, (b + 1) * size);
      for (let i = 0; i < params.count; i++) out.set(src, (b * params.count + i) * size);
    }
    return { w: tensor('float32', [B * params.count, numWs, wDim], out) };
  },
});
