/**
 * `stylegan/StyleMix`: the style-mixing grid of NVIDIA's style_mixing.py — for every row
 * latent and every column latent, the row's W+ with the chosen layers taken from the column.
 * Output batch is rows × cols, row-major. In `pairs` mode row i mixes with column i (or with
 * the one column), so several sources chain: mix(a, b, coarse) → mix(·, c, fine).
 */
import { NodeError, defineNode, tensor, z } from '@stylegraph/core';
import { layerChoices, type LayerLayout } from '@stylegraph/ops-gpu';
import { selectLayers, wsChoices } from './layers.js';
import { Generator, WPlus } from '../kinds.js';
import { generatorLayout } from '../generator-value.js';

/**
 * The ws of a `numWs`-row W+ that `spec` selects: ranges, or the layout's groups (coarse = ws
 * of 4–8 px, …), which may not be empty. The layout is the generator's when given, else the
 * StyleGAN2 one with `numWs` ws.
 */
export function mixLayers(spec: string, numWs: number, layout?: LayerLayout): number[] {
  if (layout && layout.numWs !== numWs) throw new NodeError('SHAPE_MISMATCH', `W+ has ${numWs} ws but the generator has ${layout.numWs}`);
  return selectLayers(spec, layout ? layerChoices(layout, 'ws') : wsChoices(numWs));
}

export const StyleMix = defineNode({
  type: 'stylegan/StyleMix',
  version: 1,
  title: 'Style mix',
  category: 'Latents',
  description:
    'Rows × columns of W+ where the chosen layers come from the column latent (coarse = pose and shape, fine = colours). Connect the generator so coarse / middle / fine follow its layout (needed for StyleGAN3; without one they are StyleGAN2’s for that many ws).',
  inputs: {
    generator: { type: Generator, optional: true },
    rows: { type: WPlus, shape: ['R', 'numWs', 'wDim'] },
    cols: { type: WPlus, shape: ['K', 'numWs', 'wDim'] },
  },
  outputs: { w: { type: WPlus, shape: ['B', 'numWs', 'wDim'] } },
  params: z.object({
    layers: z.string().min(1).default('0-6').describe('Layers taken from the column: ranges like "0-6", or coarse / middle / fine.').meta({ widget: 'layers', layers: 'ws' }),
    mode: z.enum(['grid', 'pairs']).default('grid').describe('grid: every row with every column (rows × cols); pairs: row i with column i, or every row with a single column.'),
  }),
  // grid: R·K latents; pairs: one per row.
  inferShapes: (p, { dims: { R, K } }) => ({ B: R === undefined ? undefined : p.mode === 'pairs' ? R : K === undefined ? undefined : R * K }),
  purity: 'pure',
  run: ({ inputs, params }) => {
    const [R, numWs, wDim] = inputs.rows.dims as [number, number, number];
    const K = inputs.cols.dims[0]!;
    const take = new Set(mixLayers(params.layers, numWs, inputs.generator && generatorLayout(inputs.generator)));
    if (params.mode === 'pairs' && K !== R && K !== 1) throw new NodeError('BATCH_MISMATCH', `pairs mode needs as many columns as rows (or one column): ${R} rows, ${K} columns`);
    // [r, k] pairs in output order.
    const pairs: Array<[number, number]> = [];
    for (let r = 0; r < R; r++) {
      if (params.mode === 'pairs') pairs.push([r, K === 1 ? 0 : r]);
      else for (let k = 0; k < K; k++) pairs.push([r, k]);
    }
    const out = new Float32Array(pairs.length * numWs * wDim);
    pairs.forEach(([r, k], b) => {
      for (let l = 0; l < numWs; l++) {
        const src = take.has(l) ? inputs.cols.data.subarray((k * numWs + l) * wDim, (k * numWs + l + 1) * wDim) : inputs.rows.data.subarray((r * numWs + l) * wDim, (r * numWs + l + 1) * wDim);
        out.set(src, (b * numWs + l) * wDim);
      }
    });
    return { w: tensor('float32', [pairs.length, numWs, wDim], out) };
  },
});
