/** Small PNG previews of Image outputs, made in the browser the way the server makes them. */
import { isTensor, type Tensor } from '@stylegraph/core';
import { encodePng, resizeArea, toUint8 } from '@stylegraph/plugin-io';
import type { Preview } from '../api';
import { toBase64 } from './base64';

const SIZE = 128;
const MAX_IMAGES = 4;

const isImage = (v: unknown): v is Tensor<'float32'> =>
  isTensor(v) && v.dtype === 'float32' && v.dims.length === 4 && [1, 3, 4].includes(v.dims[1]!) && v.dims[0]! > 0;

async function preview(img: Tensor<'float32'>): Promise<string> {
  const [B, C, H, W] = img.dims as [number, number, number, number];
  const n = Math.min(B, MAX_IMAGES);
  const scale = Math.min(1, SIZE / Math.max(H, W));
  const h = Math.max(1, Math.round(H * scale));
  const w = Math.max(1, Math.round(W * scale));
  const grid = new Float32Array(C * h * w * n); // [C, h, w·n]
  for (let b = 0; b < n; b++) {
    const one = img.data.subarray(b * C * H * W, (b + 1) * C * H * W);
    const small = scale === 1 ? one : resizeArea(one, C, H, W, h, w);
    for (let c = 0; c < C; c++) for (let y = 0; y < h; y++) grid.set(small.subarray((c * h + y) * w, (c * h + y + 1) * w), (c * h + y) * w * n + b * w);
  }
  const png = await encodePng(toUint8({ dtype: 'float32', dims: [1, C, h, w * n], data: grid }, 0), w * n, h, C as 1 | 3 | 4);
  return `data:image/png;base64,${toBase64(png)}`;
}

export async function previewsOf(outputs: Readonly<Record<string, unknown>>): Promise<Preview[]> {
  const out: Preview[] = [];
  for (const [port, v] of Object.entries(outputs)) if (isImage(v)) out.push({ port, png: await preview(v), dims: v.dims });
  return out;
}
