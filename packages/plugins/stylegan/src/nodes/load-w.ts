/**
 * `stylegan/LoadW`: W+ from a NumPy file — `.npy` `[numWs, wDim]` or `[B, numWs, wDim]`, or the
 * `projected_w.npz` NVIDIA's projector writes (array "w") — checked against the generator.
 */
import { NodeError, NpyError, ZipError, defineNode, readNpy, readStoredZip, tensor, z } from '@stylegraph/core';
import { Generator, WPlus } from '../kinds.js';

export const LoadW = defineNode({
  type: 'stylegan/LoadW',
  version: 1,
  title: 'Load W+',
  category: 'Latents',
  description: 'Reads W+ from .npy or NVIDIA’s projected_w.npz (e.g. a projection made with NVIDIA’s projector.py).',
  inputs: { generator: { type: Generator } },
  outputs: { w: { type: WPlus } },
  params: z.object({
    path: z.string().regex(/\.(npy|npz)$/, 'a .npy or .npz file').describe('File relative to the graph.'),
    key: z.string().default('w').describe('Array name inside an .npz.'),
  }),
  fileParams: ['path'],
  purity: 'pure',
  run: async ({ inputs, params, ctx }) => {
    const bytes = await ctx.files.read(params.path);
    let t;
    try {
      if (params.path.endsWith('.npz')) {
        const entries = readStoredZip(bytes, params.path);
        const entry = entries.get(`${params.key}.npy`);
        if (!entry) throw new NodeError('W_FILE', `${params.path} has no array "${params.key}" (arrays: ${[...entries.keys()].map((k) => k.replace(/\.npy$/, '')).join(', ')})`);
        t = readNpy(entry, `${params.path}:${params.key}`);
      } else t = readNpy(bytes, params.path);
    } catch (e) {
      if (e instanceof NpyError || e instanceof ZipError) throw new NodeError('W_FILE', e.message);
      throw e;
    }
    const { numWs, wDim } = inputs.generator.dims;
    const dims = t.dims.length === 2 ? [1, ...t.dims] : t.dims;
    if (dims.length !== 3 || dims[1] !== numWs || dims[2] !== wDim || (t.dtype !== 'float32' && t.dtype !== 'float64')) {
      throw new NodeError('W_SHAPE', `${params.path} holds ${t.dtype} [${t.dims.join(', ')}]; this generator needs float [B, ${numWs}, ${wDim}] or [${numWs}, ${wDim}]`);
    }
    return { w: tensor('float32', dims, Float32Array.from(t.data as ArrayLike<number>)) };
  },
});
