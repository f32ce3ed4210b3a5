/**
 * Between the core Image kind (float32 `[B, 3, H, W]` in −1…1) and 8-bit RGB images: the
 * bytes io/SaveImage writes (x·127.5 + 128 truncated, clipped — round((x + 1)·127.5)), and
 * back as v/127.5 − 1, so a saved, attacked and reloaded image is the attacked one exactly.
 */
import { NodeError, tensor, type Tensor } from '@stylegraph/core';
import { rgbImage, type RgbImage } from './rgb-image.js';

/** The image's `[B, C, H, W]`; a NodeError SHAPE_MISMATCH naming `nodeType` unless it is RGB. */
export function rgbDims(nodeType: string, image: Tensor): [number, number, number, number] {
  const dims = image.dims;
  if (dims.length !== 4 || dims[1] !== 3) {
    throw new NodeError('SHAPE_MISMATCH', `${nodeType} needs an RGB image [B, 3, H, W], not [${dims.join(', ')}]`, { node: nodeType, dims: [...dims] });
  }
  return dims as [number, number, number, number];
}

/** Batch item b of `[B, 3, H, W]` floats → its 8-bit RGB image. */
export function itemToRgb(image: Tensor<'float32'>, b: number): RgbImage {
  const [, , H, W] = image.dims as [number, number, number, number];
  const plane = H * W;
  const base = b * 3 * plane;
  const rgb = new Uint8Array(plane * 3); // [H, W, 3]
  for (let c = 0; c < 3; c++) {
    for (let i = 0; i < plane; i++) {
      const v = image.data[base + c * plane + i]! * 127.5 + 128;
      rgb[i * 3 + c] = v <= 0 ? 0 : v >= 255 ? 255 : Math.trunc(v);
    }
  }
  return rgbImage(W, H, rgb);
}

/** Equally sized 8-bit images → Image `[B, 3, H, W]` in −1…1. */
export function rgbToImage(items: readonly RgbImage[], empty: { width: number; height: number }): Tensor<'float32'> {
  const { width: W, height: H } = items[0] ?? empty;
  const plane = H * W;
  const out = new Float32Array(items.length * 3 * plane); // [B, 3, H, W]
  items.forEach((item, b) => {
    if (item.width !== W || item.height !== H) throw new Error(`batch items differ in size: ${item.width}×${item.height} and ${W}×${H}`);
    const base = b * 3 * plane;
    for (let i = 0; i < plane; i++) {
      for (let c = 0; c < 3; c++) out[base + c * plane + i] = item.rgb[i * 3 + c]! / 127.5 - 1;
    }
  });
  return tensor('float32', [items.length, 3, H, W], out);
}
