/**
 * Reading an image file for io/LoadImage and io/LoadImages. Memory: a file of W×H pixels takes
 * 4·W·H bytes decoded and 12·W·H as the image (a 4000×3000 photo: 48 MB + 144 MB); files of more
 * than 8192×8192 pixels are refused before decoding.
 */
import { NodeError, type FileAccess } from '@stylegraph/core';
import { decodePng, type DecodedImage } from '../png/decode.js';
import { PngError } from '../png/text.js';
import { decodeJpeg } from './jpeg.js';
import { resizeArea } from './resize.js';

export const IMAGE_FITS = ['error', 'center-crop', 'stretch', 'original'] as const;
export type ImageFit = (typeof IMAGE_FITS)[number];

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

/**
 * Reads one PNG or JPEG file as RGB `[3, H, W]` in −1…1 (alpha over black): the file's own size with
 * fit "original", else `size`×`size` by the fit policy (refuse, centre-crop then resize, stretch).
 */
export async function readImage(files: FileAccess, path: string, size: number, fit: ImageFit): Promise<{ data: Float32Array; H: number; W: number }> {
  const bytes = await files.read(path);
  let img: DecodedImage;
  try {
    img = /\.png$/i.test(path) ? await decodePng(bytes, path) : decodeJpeg(bytes, path);
  } catch (e) {
    if (e instanceof PngError) throw new NodeError('IMAGE_INVALID', e.message);
    throw e;
  }
  const { width: W, height: H, rgba } = img;
  if (fit === 'original') return { data: toChw(rgba, W, 0, 0, W, H), H, W };
  const S = size;
  if ((W !== S || H !== S) && fit === 'error') {
    throw new NodeError('IMAGE_SIZE', `${path} is ${W}×${H}; this graph needs ${S}×${S} (or set fit to center-crop or stretch)`);
  }
  // Crop window (centre square for center-crop, whole image for stretch).
  const side = Math.min(W, H);
  const [x0, y0, cw, ch] = fit === 'center-crop' ? [Math.floor((W - side) / 2), Math.floor((H - side) / 2), side, side] : [0, 0, W, H];
  const chw = toChw(rgba, W, x0, y0, cw, ch);
  return { data: cw === S && ch === S ? chw : resizeArea(chw, 3, ch, cw, S, S), H: S, W: S };
}
