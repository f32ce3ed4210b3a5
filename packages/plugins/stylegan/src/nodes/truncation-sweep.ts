/**
 * `stylegan/TruncationSweep`: every latent at `steps` evenly spaced ψ from `from` to `to` —
 * the truncation figure of the StyleGAN papers. Output is [B·steps], one row of ψ per latent.
 */
import { NodeError, defineNode, tensor, z } from '@stylegraph/core';
import { truncate } from '@stylegraph/ops-gpu';
import { generatorWAvg } from '../generator-value.js';
import { Generator, WPlus } from '../kinds.js';

/** `steps` values from `from` to `to` inclusive. */
export const psiValues = (from: number, to: number, steps: number): number[] =>
  Array.from({ length: steps }, (_, i) => (steps === 1 ? from : from + ((to - from) * i) / (steps - 1)));

export const TruncationSweep = defineNode({
  type: 'stylegan/TruncationSweep',
  version: 1,
  title: 'Truncation sweep',
  category: 'Latents',
  description: 'Each latent truncated at several ψ (a row per latent): ψ = 1 leaves it, 0 is the average face, −1 the “anti-face”.',
  inputs: {
    generator: { type: Generator },
    w: { type: WPlus, shape: ['B', 'numWs', 'wDim'] },
  },
  outputs: { w: { type: WPlus, shape: ['S', 'numWs', 'wDim'] } },
  params: z.object({
    from: z.number().min(-2).max(2).default(-1).describe('First ψ.'),
    to: z.number().min(-2).max(2).default(1).describe('Last ψ.'),
    steps: z.number().int().min(1).max(64).default(9).describe('How many ψ values, evenly spaced.'),
    cutoff: z.number().int().min(0).nullable().default(null).describe('Truncate only ws [0, cutoff); null = all.'),
  }),
  inferShapes: (p, { dims: { B } }) => ({ S: B === undefined ? undefined : B * p.steps }),
  purity: 'pure',
  run: ({ inputs, params }) => {
    const [B, numWs, wDim] = inputs.w.dims as [number, number, number];
    if (params.cutoff !== null && params.cutoff > numWs) throw new NodeError('CUTOFF_OUT_OF_RANGE', `cutoff ${params.cutoff} is beyond this generator’s ${numWs} ws`);
    const wAvg = generatorWAvg(inputs.generator);
    const psis = psiValues(params.from, params.to, params.steps);
    const size = numWs * wDim;
    const out = new Float32Array(B * psis.length * size);
    for (let b = 0; b < B; b++) {
      const one = tensor('float32', [1, numWs, wDim], inputs.w.data.slice(b * size, (b + 1) * size));
      psis.forEach((psi, i) => out.set(truncate(one, wAvg, psi, params.cutoff ?? undefined).data, (b * psis.length + i) * size));
    }
    return { w: tensor('float32', [B * psis.length, numWs, wDim], out) };
  },
});
