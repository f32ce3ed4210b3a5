/** `stylegan/Noise`: the per-layer noise inputs — stored (const), seeded random, or none — and their strengths. */
import { NodeError, defineNode, z, type Tensor } from '@stylegraph/core';
import { layerChoices, type LayerLayout } from '@stylegraph/ops-gpu';
import { generatorLayout } from '../generator-value.js';
import { selectLayers } from './layers.js';
import { Generator, Noise as NoiseKind } from '../kinds.js';

export interface NoiseSpec {
  /** 'maps': the explicit per-image maps in `maps` (e.g. a projection's optimized noise). */
  readonly mode: 'const' | 'random' | 'none' | 'maps';
  readonly seed: number;
  /** One multiplier per conv layer. */
  readonly scale: readonly number[];
  /** For mode 'maps': per noise layer (`b8.conv0` …) float32 `[B, 1, r, r]`. */
  readonly maps?: Readonly<Record<string, Tensor<'float32'>>>;
}

/** Noise-layer indices selected by "0-3,7" or the layout's groups (coarse, middle, fine); a group may select none. */
export function noiseLayerSet(spec: string, layout: LayerLayout): Set<number> {
  return new Set(selectLayers(spec, layerChoices(layout, 'noise'), { allowEmptyGroups: true }));
}

export const Noise = defineNode({
  type: 'stylegan/Noise',
  version: 1,
  title: 'Noise',
  category: 'StyleGAN',
  description: 'Noise for synthesis: const (the model’s stored maps), random (seeded, NumPy-exact normals) or none, with global and per-layer strength multipliers.',
  inputs: { generator: { type: Generator } },
  outputs: { noise: { type: NoiseKind } },
  params: z.object({
    mode: z.enum(['const', 'random', 'none']).default('const').describe('Which noise maps.'),
    seed: z.number().int().min(0).max(0xffffffff).default(0).describe('Seed of random maps.').meta({ widget: 'seed' }),
    strength: z.number().min(0).max(100).default(1).describe('Multiplier on every layer’s learned noise strength.'),
    layerStrength: z.array(z.number().min(0).max(100)).optional().describe('Per conv layer multipliers (b4.conv1, b8.conv0, b8.conv1, …).'),
    layers: z
      .string()
      .min(1)
      .nullable()
      .default(null)
      .describe('Conv layers that get noise, the others none: indices like "0-3" (0 = b4.conv1, 1 = b8.conv0, …) or coarse (4–8 px) / middle (16–32 px) / fine (64 px and up); null = all.')
      .meta({ widget: 'layers', layers: 'noise' }),
  }),
  purity: 'pure',
  run: ({ inputs, params }) => {
    const layout = generatorLayout(inputs.generator);
    const layers = layout.noise;
    const per = params.layerStrength ?? layers.map(() => 1);
    if (per.length !== layers.length) throw new NodeError('LAYERS_INVALID', `layerStrength needs ${layers.length} values (one per conv layer), got ${per.length}`);
    const on = params.layers === null ? null : noiseLayerSet(params.layers, layout);
    const noise: NoiseSpec = { mode: params.mode, seed: params.seed, scale: per.map((s, i) => (on && !on.has(i) ? 0 : s * params.strength)) };
    return { noise };
  },
});
