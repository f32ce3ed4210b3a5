/** `stylegan/Truncation`: w' = w_avg + ψ·(w − w_avg) on the first `cutoff` ws (all by default). */
import { NodeError, defineNode, z } from '@stylegraph/core';
import { truncate } from '@stylegraph/ops-gpu';
import { generatorWAvg } from '../generator-value.js';
import { Generator, WPlus } from '../kinds.js';

export const Truncation = defineNode({
  type: 'stylegan/Truncation',
  version: 1,
  title: 'Truncation',
  category: 'Latents',
  description: 'Pulls W+ toward the generator’s w_avg: ψ = 1 leaves it, 0 gives the average face, negative ψ the “anti-face”.',
  inputs: { generator: { type: Generator }, w: { type: WPlus } },
  outputs: { w: { type: WPlus } },
  params: z.object({
    psi: z.number().min(-2).max(2).default(0.7).describe('Truncation ψ.'),
    cutoff: z.number().int().min(0).nullable().default(null).describe('Truncate only ws [0, cutoff); null = all.'),
  }),
  purity: 'pure',
  run: ({ inputs, params }) => {
    const numWs = inputs.generator.dims.numWs;
    if (params.cutoff !== null && params.cutoff > numWs) throw new NodeError('CUTOFF_OUT_OF_RANGE', `cutoff ${params.cutoff} is beyond this generator’s ${numWs} ws`);
    return { w: truncate(inputs.w, generatorWAvg(inputs.generator), params.psi, params.cutoff ?? undefined) };
  },
});
