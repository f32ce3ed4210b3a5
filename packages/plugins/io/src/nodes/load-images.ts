/**
 * `io/LoadImages`: a list of PNG/JPEG files → one Image batch `[B, 3, size, size]`, image b from
 * `paths[b]` (each read as io/LoadImage reads it). A list is an item axis: `stylegraph batch`
 * shards a folder of photos by narrowing `paths`.
 */
import { NodeError, defineNode, tensor, z } from '@stylegraph/core';
import { IMAGE_FITS, readImage } from '../image/read-image.js';

export const LoadImages = defineNode({
  type: 'io/LoadImages',
  version: 1,
  title: 'Load images',
  category: 'Image I/O',
  description: 'Reads a list of PNG or JPEG files as one batch of RGB images in −1…1, each resized to `size` by the fit policy.',
  inputs: {},
  outputs: { image: { type: 'Image', shape: ['B', 3, 'H', 'W'] } },
  params: z.object({
    paths: z
      .array(z.string().regex(/\.(png|jpe?g)$/i, 'a .png, .jpg or .jpeg file'))
      .min(1)
      .max(100_000)
      .describe('Image files, relative to the graph; image b of the batch is paths[b].'),
    size: z.number().int().min(4).max(8192).default(256).describe('Output size (square); with fit "original" every file must have the same size.'),
    fit: z.enum(IMAGE_FITS).default('center-crop').describe('What to do when a file is not size×size; "original" keeps the files’ size (all must agree).'),
  }),
  inferShapes: (p) => ({ B: p.paths.length, ...(p.fit !== 'original' && { H: p.size, W: p.size }) }),
  fileParams: ['paths'],
  purity: 'pure',
  run: async ({ params, ctx }) => {
    let out: Float32Array | undefined;
    let dims: [number, number] = [0, 0];
    for (const [b, path] of params.paths.entries()) {
      ctx.throwIfAborted();
      const { data, H, W } = await readImage(ctx.files, path, params.size, params.fit);
      if (!out) {
        dims = [H, W];
        out = new Float32Array(params.paths.length * data.length); // [B, 3, H, W]
      } else if (H !== dims[0] || W !== dims[1]) {
        throw new NodeError('IMAGE_SIZE', `${path} is ${W}×${H} but ${params.paths[0]} is ${dims[1]}×${dims[0]}; a batch needs one size (set fit to center-crop or stretch)`);
      }
      out.set(data, b * data.length);
      ctx.progress((b + 1) / params.paths.length, `${b + 1}/${params.paths.length} images`);
    }
    return { image: tensor('float32', [params.paths.length, 3, dims[0], dims[1]], out!) };
  },
});
