/**
 * `io/LoadImage`: a PNG or JPEG file → Image `[1, 3, H, W]` in −1…1 (the inverse of
 * SaveImage's conversion; alpha is composited over black). `fit: "original"` keeps the file's
 * width and height (non-square allowed); otherwise the image is `size`×`size`, and when the file
 * is not, the fit policy decides: refuse, centre-crop then resize, or stretch. Memory: a file of
 * W×H pixels takes 4·W·H bytes decoded and 12·W·H as the image (a 4000×3000 photo: 48 MB + 144
 * MB); files of more than 8192×8192 pixels are refused before decoding.
 */
import { defineNode, tensor, z } from '@stylegraph/core';
import { IMAGE_FITS, readImage } from '../image/read-image.js';

export const LoadImage = defineNode({
  type: 'io/LoadImage',
  version: 1,
  title: 'Load image',
  category: 'Image I/O',
  description: 'Reads a PNG or JPEG as an RGB image in −1…1, resized to `size` by the fit policy.',
  inputs: {},
  outputs: { image: { type: 'Image', shape: [1, 3, 'H', 'W'] } },
  params: z.object({
    path: z.string().regex(/\.(png|jpe?g)$/i, 'a .png, .jpg or .jpeg file').describe('Image file, relative to the graph.'),
    size: z.number().int().min(4).max(8192).default(256).describe('Output size (square), e.g. the generator’s resolution; unused with fit "original".'),
    fit: z.enum(IMAGE_FITS).default('center-crop').describe('What to do when the file is not size×size; "original" keeps the file’s width and height.'),
  }),
  // With "original" the sizes are the file's, known once it is read.
  inferShapes: (p) => (p.fit === 'original' ? {} : { H: p.size, W: p.size }),
  fileParams: ['path'],
  purity: 'pure',
  run: async ({ params, ctx }) => {
    const { data, H, W } = await readImage(ctx.files, params.path, params.size, params.fit);
    return { image: tensor('float32', [1, 3, H, W], data) };
  },
});
