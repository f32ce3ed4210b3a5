/**
 * `stylegan/LoadGenerator`: a model folder (config.json + safetensors), or a checkpoint file —
 * an NVIDIA StyleGAN2-ADA or StyleGAN3 `.pkl` (read without executing it), a torch.save state dict or
 * safetensors. The executor caches the result by the files' content hashes, so a checkpoint
 * is converted once per session.
 */
import { defineNode, z } from '@stylegraph/core';
import { Generator } from '../kinds.js';
import { openGenerator } from '../open-generator.js';

export const LoadGenerator = defineNode({
  type: 'stylegan/LoadGenerator',
  version: 1,
  title: 'Load generator',
  category: 'StyleGAN',
  description: 'Loads a stylegraph model folder or an NVIDIA StyleGAN2-ADA / StyleGAN3 .pkl or state-dict checkpoint.',
  inputs: {},
  outputs: { generator: { type: Generator } },
  params: z.object({
    path: z.string().min(1).describe('Model folder or checkpoint file, relative to the graph file.'),
    convClamp: z.number().positive().nullable().optional().describe('conv_clamp for state-dict checkpoints (they do not record it).'),
  }),
  fileParams: ['path'],
  purity: 'pure',
  run: async ({ params, ctx }) => ({
    generator: await openGenerator(ctx.files, { path: params.path, ...(params.convClamp !== undefined && { convClamp: params.convClamp }) }, (f, m) => ctx.progress(f, m)),
  }),
});
