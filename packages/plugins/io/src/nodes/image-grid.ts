/** `io/ImageGrid`: a batch of images tiled into one image, row-major. */
import { defineNode, tensor, z } from '@stylegraph/core';

export const ImageGrid = defineNode({
  type: 'io/ImageGrid',
  version: 1,
  title: 'Image grid',
  category: 'Image I/O',
  description: 'Tiles B images into one, `cols` per row (0 = as square as possible); empty cells are black.',
  inputs: { image: { type: 'Image', shape: ['N', 'C', 'H', 'W'] } },
  outputs: { image: { type: 'Image', shape: [1, 'C', 'GH', 'GW'] } },
  params: z.object({
    cols: z.number().int().min(0).max(1024).default(0).describe('Images per row; 0 picks ⌈√B⌉.'),
    padding: z.number().int().min(0).max(64).default(0).describe('Pixels between cells.'),
  }),
  purity: 'pure',
  run: ({ inputs, params }) => {
    const [B, C, H, W] = inputs.image.dims as [number, number, number, number];
    const cols = params.cols || Math.ceil(Math.sqrt(B));
    const rows = Math.ceil(B / cols);
    const p = params.padding;
    const GH = rows * H + (rows - 1) * p;
    const GW = cols * W + (cols - 1) * p;
    const out = new Float32Array(C * GH * GW).fill(-1);
    for (let b = 0; b < B; b++) {
      const y0 = Math.floor(b / cols) * (H + p);
      const x0 = (b % cols) * (W + p);
      for (let c = 0; c < C; c++) {
        for (let y = 0; y < H; y++) {
          const src = ((b * C + c) * H + y) * W;
          out.set(inputs.image.data.subarray(src, src + W), (c * GH + y0 + y) * GW + x0);
        }
      }
    }
    return { image: tensor('float32', [1, C, GH, GW], out) };
  },
});
