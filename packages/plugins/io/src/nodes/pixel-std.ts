/**
 * `io/PixelStd`: per-pixel standard deviation over a batch (averaged over colour channels), as
 * in the StyleGAN paper's noise figure: shows where stochastic variation lives. With a group
 * size, one map per run of consecutive images (e.g. per latent after `stylegan/RepeatW`).
 */
import { NodeError, defineNode, tensor, z } from '@stylegraph/core';

export const PixelStd = defineNode({
  type: 'io/PixelStd',
  version: 1,
  title: 'Per-pixel std',
  category: 'Image',
  description: 'Std over the batch (or over each group of consecutive images) at each pixel, mean over channels; scaled so the largest std is white.',
  inputs: { image: { type: 'Image', shape: ['N', 'C', 'H', 'W'] } },
  outputs: { image: { type: 'Image', shape: ['G', 1, 'H', 'W'] } },
  params: z.object({
    normalize: z.boolean().default(true).describe('Map 0…max std (over all groups) to −1…1 (else 0…1 std to −1…1).'),
    groupSize: z.number().int().min(0).max(65536).default(0).describe('Images per std map (consecutive); 0 = the whole batch.'),
  }),
  // One map per group; a batch that does not split into groups fails when run.
  inferShapes: (p, { dims: { N } }) => ({ G: p.groupSize === 0 ? 1 : N !== undefined && N % p.groupSize === 0 ? N / p.groupSize : undefined }),
  purity: 'pure',
  run: ({ inputs, params }) => {
    const [B, C, H, W] = inputs.image.dims as [number, number, number, number];
    const N = params.groupSize || B;
    if (N < 2) throw new NodeError('BATCH_TOO_SMALL', 'a standard deviation needs at least 2 images');
    if (B % N !== 0) throw new NodeError('BATCH_NOT_DIVISIBLE', `${B} images do not split into groups of ${N}`);
    const G = B / N;
    const n = H * W;
    const std = new Float32Array(G * n); // [G, 1, H, W]
    const x = inputs.image.data;
    for (let g = 0; g < G; g++) {
      for (let c = 0; c < C; c++) {
        for (let i = 0; i < n; i++) {
          let mean = 0;
          for (let b = g * N; b < (g + 1) * N; b++) mean += x[(b * C + c) * n + i]!;
          mean /= N;
          let acc = 0;
          for (let b = g * N; b < (g + 1) * N; b++) acc += (x[(b * C + c) * n + i]! - mean) ** 2;
          std[g * n + i]! += Math.sqrt(acc / N) / C;
        }
      }
    }
    let max = 1;
    if (params.normalize) {
      max = 1e-12;
      for (const s of std) if (s > max) max = s;
    }
    return { image: tensor('float32', [G, 1, H, W], std.map((s) => Math.min(1, (s / max) * 2 - 1))) };
  },
});
