/**
 * Small PNG previews of Image values for the editor: up to four images of a batch side by
 * side, each scaled down (area resampling) to at most `PREVIEW_SIZE` pixels, as a data URL.
 */
import { isTensor, type Tensor } from '@stylegraph/core';
import { encodePng, resizeArea, toUint8 } from '@stylegraph/plugin-io';

export const PREVIEW_SIZE = 128;
export const PREVIEW_MAX_IMAGES = 4;

export interface Preview {
  readonly port: string;
  /** `data:image/png;base64,…` */
  readonly png: string;
  /** The full value's shape, e.g. `[4, 3, 64, 64]`. */
  readonly dims: readonly number[];
}

const isImage = (v: unknown): v is Tensor<'float32'> =>
  isTensor(v) && v.dtype === 'float32' && v.dims.length === 4 && [1, 3, 4].includes(v.dims[1]!) && v.dims[0]! > 0 && v.dims[2]! > 0 && v.dims[3]! > 0;

/** `[B, C, H, W]` → PNG of the first images, scaled to fit `size`. */
export async function imagePreview(img: Tensor<'float32'>, size = PREVIEW_SIZE): Promise<Uint8Array> {
  const [B, C, H, W] = img.dims as [number, number, number, number];
  const n = Math.min(B, PREVIEW_MAX_IMAGES);
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

/** Previews of every Image-valued output of a node. */
export async function previewsOf(outputs: Readonly<Record<string, unknown>>): Promise<Preview[]> {
  const out: Preview[] = [];
  for (const [port, v] of Object.entries(outputs)) {
    if (!isImage(v)) continue;
    const png = await imagePreview(v);
    out.push({ port, png: `data:image/png;base64,${Buffer.from(png).toString('base64')}`, dims: v.dims });
  }
  return out;
}
