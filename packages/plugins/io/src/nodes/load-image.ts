/**
 * `io/LoadImage`: a PNG or JPEG file → Image `[1, 3, H, W]` in −1…1 (the inverse of
 * SaveImage's conversion; alpha is composited over black). `fit: "original"` keeps the file's
 * width and height (non-square allowed); otherwise the image is `size`×`size`, and when the file
 * is not, the fit policy decides: refuse, centre-crop then resize, or stretch. Memory: a file of
 * W×H pixels takes 4·W·H bytes decoded and 12·W·H as the image (a 4000×3000 photo: 48 MB + 144
 * MB); files of more than 8192×8192 pixels are refused before decoding.
 */
import { NodeError, defineNode, tensor, z } from '@stylegraph/core';
import { decodePng, type DecodedImage } from '../png/decode.js';
import { PngError } from '../png/text.js';
import { decodeJpeg } from '../image/jpeg.js';
import { resizeArea } from '../image/resize.js';

/** The window [x0, x0 + cw) × [y0, y0 + ch) of RGBA pixels (row width W) as RGB [3, ch, cw] in −1…1, alpha over black. */
function toChw(rgba: Uint8Array, W: number, x0: number, y0: number, cw: number, ch: number): Float32Array {
  const chw = new Float32Array(3 * ch * cw); // [3, ch, cw]
  for (let y = 0; y < ch; y++) {
    for (let x = 0; x < cw; x++) {
      const o = ((y0 + y) * W + x0 + x) * 4;
      const alpha = rgba[o + 3]! / 255;
      for (let c = 0; c < 3; c++) chw[(c * ch + y) * cw + x] = (rgba[o + c]! * alpha) / 127.5 - 1;
    }
  }
  return chw;
}

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
    fit: z.enum(['error', 'center-crop', 'stretch', 'original']).default('center-crop').describe('What to do when the file is not size×size; "original" keeps the file’s width and height.'),
  }),
  // With "original" the sizes are the file's, known once it is read.
  inferShapes: (p) => (p.fit === 'original' ? {} : { H: p.size, W: p.size }),
  fileParams: ['path'],
  purity: 'pure',
  run: async ({ params, ctx }) => {
    const bytes = await ctx.files.read(params.path);
    let img: DecodedImage;
    try {
      img = /\.png$/i.test(params.path) ? await decodePng(bytes, params.path) : decodeJpeg(bytes, params.path);
    } catch (e) {
      if (e instanceof PngError) throw new NodeError('IMAGE_INVALID', e.message);
      throw e;
    }
    const { width: W, height: H, rgba } = img;
    if (params.fit === 'original') return { image: tensor('float32', [1, 3, H, W], toChw(rgba, W, 0, 0, W, H)) };
    const S = params.size;
    if ((W !== S || H !== S) && params.fit === 'error') {
      throw new NodeError('IMAGE_SIZE', `${params.path} is ${W}×${H}; this graph needs ${S}×${S} (or set fit to center-crop or stretch)`);
    }
    // Crop window (centre square for center-crop, whole image for stretch).
    const side = Math.min(W, H);
    const [x0, y0, cw, ch] = params.fit === 'center-crop' ? [Math.floor((W - side) / 2), Math.floor((H - side) / 2), side, side] : [0, 0, W, H];
    const chw = toChw(rgba, W, x0, y0, cw, ch);
    const data = cw === S && ch === S ? chw : resizeArea(chw, 3, ch, cw, S, S);
    return { image: tensor('float32', [1, 3, S, S], data) };
  },
});
