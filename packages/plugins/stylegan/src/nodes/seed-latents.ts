/** `stylegan/SeedLatents`: z for each seed, exactly `np.random.RandomState(seed).randn(1, zDim)` as NVIDIA's scripts draw it. */
import { defineNode, parseSeedList, seedListParam, tensor, z } from '@stylegraph/core';
import { Generator, Z } from '../kinds.js';

export const SeedLatents = defineNode({
  type: 'stylegan/SeedLatents',
  version: 1,
  title: 'Seed latents',
  category: 'Latents',
  description: 'One z per seed, NumPy-exact (seed N gives the same z as NVIDIA’s generate.py).',
  inputs: { generator: { type: Generator } },
  outputs: { z: { type: Z } },
  params: z.object({ seeds: seedListParam('0-7') }),
  inferShapes: (p) => ({ B: parseSeedList(p.seeds).length }),
  purity: 'pure',
  run: ({ inputs, params, ctx }) => {
    const seeds = parseSeedList(params.seeds);
    const zDim = inputs.generator.dims.zDim;
    const data = new Float32Array(seeds.length * zDim);
    seeds.forEach((s, i) => data.set(ctx.random(s).randn(zDim), i * zDim));
    return { z: tensor('float32', [seeds.length, zDim], data) };
  },
});
