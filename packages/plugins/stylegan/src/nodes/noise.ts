/** `stylegan/Noise`: the per-layer noise inputs — stored (const), seeded random, or none — and their strengths. */
import { NodeError, defineNode, z } from '@stylegraph/core';
import { noiseLayers } from '@stylegraph/ops-gpu';
import type { StyleGANGenerator } from '../generator-value.js';

export interface NoiseSpec {
  readonly mode: 'const' | 'random' | 'none';
  readonly seed: number;
  /** One multiplier per conv layer. */
  readonly scale: readonly number[];
}

export const Noise = defineNode({
  type: 'stylegan/Noise',
  version: 1,
  title: 'Noise',
  category: 'StyleGAN',
  description: 'Noise for synthesis: const (the model’s stored maps), random (seeded, NumPy-exact normals) or none, with global and per-layer strength multipliers.',
  inputs: { generator: { type: 'Generator' } },
  outputs: { noise: { type: 'Noise' } },
  params: z.object({
    mode: z.enum(['const', 'random', 'none']).default('const').describe('Which noise maps.'),
    seed: z.number().int().min(0).max(0xffffffff).default(0).describe('Seed of random maps.'),
    strength: z.number().min(0).max(100).default(1).describe('Multiplier on every layer’s learned noise strength.'),
    layerStrength: z.array(z.number().min(0).max(100)).optional().describe('Per conv layer multipliers (b4.conv1, b8.conv0, b8.conv1, …).'),
  }),
  purity: 'seeded',
  run: ({ inputs, params }) => {
    const layers = noiseLayers((inputs.generator as StyleGANGenerator).model.config.generator);
    const per = params.layerStrength ?? layers.map(() => 1);
    if (per.length !== layers.length) throw new NodeError('LAYERS_INVALID', `layerStrength needs ${layers.length} values (one per conv layer), got ${per.length}`);
    const noise: NoiseSpec = { mode: params.mode, seed: params.seed, scale: per.map((s) => s * params.strength) };
    return { noise };
  },
});
