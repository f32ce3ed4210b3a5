/**
 * `io/LoadFolder`: every PNG/JPEG file directly inside a folder (sorted by name, at most `max`)
 * → one Image batch `[B, 3, size, size]`, each read as io/LoadImage reads it. Other files are
 * skipped; a folder without images is an error naming it.
 */
import { NodeError, defineNode, tensor, z } from '@stylegraph/core';
import { IMAGE_FITS, readImage } from '../image/read-image.js';

const IMAGE = /\.(png|jpe?g)$/i;

export const LoadFolder = defineNode({
  type: 'io/LoadFolder',
  version: 1,
  title: 'Load folder',
  category: 'Image I/O',
  description: 'Reads every PNG or JPEG file in a folder (sorted by name) as one batch of RGB images in −1…1, each resized to `size` by the fit policy.',
  inputs: {},
  outputs: { image: { type: 'Image', shape: ['B', 3, 'H', 'W'] } },
  params: z.object({
    folder: z.string().min(1).describe('Folder of images, relative to the graph.'),
    size: z.number().int().min(4).max(8192).default(64).describe('Output size (square).'),
    fit: z.enum(IMAGE_FITS).default('center-crop').describe('What to do when a file is not size×size; "original" keeps the files’ size (all must agree).'),
    max: z.number().int().min(1).max(100_000).default(100_000).describe('At most this many images (the first by name).'),
  }),
  inferShapes: (p) => (p.fit !== 'original' ? { H: p.size, W: p.size } : {}),
  fileParams: ['folder'],
  purity: 'pure',
  run: async ({ params, ctx }) => {
    if (!ctx.files.list) throw new NodeError('FILE_READ', `io/LoadFolder: this host cannot list folders (give the files to io/LoadImages instead)`);
    const dir = params.folder.replace(/\/+$/, '');
    const names = (await ctx.files.list(dir)).filter((n) => IMAGE.test(n)).slice(0, params.max);
    if (!names.length) throw new NodeError('INPUT_INVALID', `io/LoadFolder: ${params.folder} holds no .png, .jpg or .jpeg files`);
    let out: Float32Array | undefined;
    let dims: [number, number] = [0, 0];
    for (const [b, name] of names.entries()) {
      ctx.throwIfAborted();
      const path = `${dir}/${name}`;
      const { data, H, W } = await readImage(ctx.files, path, params.size, params.fit);
      if (!out) {
        dims = [H, W];
        out = new Float32Array(names.length * data.length); // [B, 3, H, W]
      } else if (H !== dims[0] || W !== dims[1]) {
        throw new NodeError('IMAGE_SIZE', `${path} is ${W}×${H} but ${dir}/${names[0]} is ${dims[1]}×${dims[0]}; a batch needs one size (set fit to center-crop or stretch)`);
      }
      out.set(data, b * data.length);
      ctx.progress((b + 1) / names.length, `${b + 1}/${names.length} images`);
    }
    return { image: tensor('float32', [names.length, 3, dims[0], dims[1]], out!) };
  },
});
