/**
 * Small PNG previews of Image values (for editors and servers): up to `maxImages` images of a
 * batch side by side, each scaled down with area resampling to fit `size` pixels.
 */
import { isTensor, type Tensor } from '@stylegraph/core';
import { encodePng } from '../png/encode.js';
import { toUint8 } from '../nodes/save-image.js';
import { resizeArea } from './resize.js';

/** A float32 `[B, C, H, W]` tensor with 1, 3 or 4 channels and no empty dimension. */
export const isImageTensor = (v: unknown): v is Tensor<'float32'> =>
  isTensor(v) && v.dtype === 'float32' && v.dims.length === 4 && [1, 3, 4].includes(v.dims[1]!) && v.dims[0]! > 0 && v.dims[2]! > 0 && v.dims[3]! > 0;

/** `[B, C, H, W]` → PNG bytes of the first images in a row, scaled to fit `size`. */
export async function imagePreview(img: Tensor<'float32'>, size = 128, maxImages = 4): Promise<Uint8Array> {
  const [B, C, H, W] = img.dims as [number, number, number, number];
  const n = Math.min(B, maxImages);
  const scale = Math.min(1, size / Math.max(H, W));
  const h = Math.max(1, Math.round(H * scale));
  const w = Math.max(1, Math.round(W * scale));
  const grid = new Float32Array(C * h * (w * n)); // [C, h, w·n]
  for (let b = 0; b < n; b++) {
    const one = img.data.subarray(b * C * H * W, (b + 1) * C * H * W);
    const small = scale === 1 ? one : resizeArea(one, C, H, W, h, w); // [C, h, w]
    for (let c = 0; c < C; c++) {
      for (let y = 0; y < h; y++) grid.set(small.subarray((c * h + y) * w, (c * h + y + 1) * w), (c * h + y) * w * n + b * w);
    }
  }
  const pixels = toUint8({ dtype: 'float32', dims: [1, C, h, w * n], data: grid }, 0);
  return encodePng(pixels, w * n, h, C as 1 | 3 | 4);
}
