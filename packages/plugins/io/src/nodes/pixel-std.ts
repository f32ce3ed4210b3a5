/**
 * `io/PixelStd`: per-pixel standard deviation over a batch (averaged over colour channels), as
 * in the StyleGAN paper's noise figure: shows where stochastic variation lives.
 */
import { NodeError, defineNode, tensor, z } from '@stylegraph/core';

export const PixelStd = defineNode({
  type: 'io/PixelStd',
  version: 1,
  title: 'Per-pixel std',
  category: 'Image',
  description: 'Std over the batch at each pixel, mean over channels; scaled so the largest std is white.',
  inputs: { image: { type: 'Image', shape: ['N', 'C', 'H', 'W'] } },
  outputs: { image: { type: 'Image', shape: [1, 1, 'H', 'W'] } },
  params: z.object({ normalize: z.boolean().default(true).describe('Map 0…max std to −1…1 (else 0…1 std to −1…1).') }),
  purity: 'pure',
  run: ({ inputs, params }) => {
    const [B, C, H, W] = inputs.image.dims as [number, number, number, number];
    if (B < 2) throw new NodeError('BATCH_TOO_SMALL', 'a standard deviation needs at least 2 images');
    const n = H * W;
    const std = new Float32Array(n);
    const x = inputs.image.data;
    for (let c = 0; c < C; c++) {
      for (let i = 0; i < n; i++) {
        let mean = 0;
        for (let b = 0; b < B; b++) mean += x[(b * C + c) * n + i]!;
        mean /= B;
        let acc = 0;
        for (let b = 0; b < B; b++) acc += (x[(b * C + c) * n + i]! - mean) ** 2;
        std[i]! += Math.sqrt(acc / B) / C;
      }
    }
    const max = params.normalize ? Math.max(...std, 1e-12) : 1;
    return { image: tensor('float32', [1, 1, H, W], std.map((s) => Math.min(1, (s / max) * 2 - 1))) };
  },
});
