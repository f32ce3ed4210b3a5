/**
 * `stylegan/LatentEdit`: w + α·n for a direction n read from a `.npy` file (`[wDim]` for every
 * layer, or `[numWs, wDim]`), optionally on a layer range; several α give a batch per latent.
 */
import { NodeError, NpyError, defineNode, readNpy, tensor, z } from '@stylegraph/core';
import { mixLayers } from './style-mix.js';
import { WPlus } from '../kinds.js';

export const LatentEdit = defineNode({
  type: 'stylegan/LatentEdit',
  version: 1,
  title: 'Latent edit',
  category: 'Latents',
  description: 'Moves W+ along a direction: w + α·n for each α (output batch = B × number of α, latent-major).',
  inputs: { w: { type: WPlus, shape: ['B', 'numWs', 'wDim'] } },
  outputs: { w: { type: WPlus, shape: ['E', 'numWs', 'wDim'] } },
  params: z.object({
    direction: z.string().regex(/\.npy$/, 'a .npy file').describe('Direction file, [wDim] or [numWs, wDim].'),
    alphas: z.array(z.number().min(-1000).max(1000)).min(1).max(1000).default([1]).describe('Step sizes α.'),
    layers: z.string().optional().describe('Only these ws, e.g. "0-7" or "coarse" (default all).').meta({ widget: 'layers', layers: 'ws' }),
  }),
  inferShapes: (p, { dims: { B } }) => ({ E: B === undefined ? undefined : B * p.alphas.length }),
  fileParams: ['direction'],
  purity: 'pure',
  run: async ({ inputs, params, ctx }) => {
    const [B, numWs, wDim] = inputs.w.dims as [number, number, number];
    let n;
    try {
      n = readNpy(await ctx.files.read(params.direction), params.direction);
    } catch (e) {
      if (e instanceof NpyError) throw new NodeError('DIRECTION_FILE', e.message);
      throw e;
    }
    const perLayer = n.dims.length === 2 && n.dims[0] === numWs && n.dims[1] === wDim;
    if (!perLayer && !(n.dims.length === 1 && n.dims[0] === wDim)) {
      throw new NodeError('DIRECTION_SHAPE', `${params.direction} has shape [${n.dims.join(', ')}]; this generator needs [${wDim}] or [${numWs}, ${wDim}]`);
    }
    const dir = Float32Array.from(n.data as ArrayLike<number>);
    const use = new Set(params.layers ? mixLayers(params.layers, numWs) : Array.from({ length: numWs }, (_, i) => i));
    const A = params.alphas.length;
    const out = new Float32Array(B * A * numWs * wDim);
    for (let b = 0; b < B; b++) {
      for (let a = 0; a < A; a++) {
        const o = (b * A + a) * numWs * wDim;
        out.set(inputs.w.data.subarray(b * numWs * wDim, (b + 1) * numWs * wDim), o);
        for (const l of use) for (let k = 0; k < wDim; k++) out[o + l * wDim + k]! += params.alphas[a]! * dir[(perLayer ? l * wDim : 0) + k]!;
      }
    }
    return { w: tensor('float32', [B * A, numWs, wDim], out) };
  },
});
