/** Small PNG previews of Image outputs, made in the browser exactly as the server makes them. */
import { imagePreview, isImageTensor } from '@stylegraph/plugin-io';
import type { Preview } from '../api';
import { toBase64 } from './base64';

export async function previewsOf(outputs: Readonly<Record<string, unknown>>): Promise<Preview[]> {
  const out: Preview[] = [];
  for (const [port, v] of Object.entries(outputs)) {
    if (isImageTensor(v)) out.push({ port, png: `data:image/png;base64,${toBase64(await imagePreview(v, 128, 4))}`, dims: v.dims });
  }
  return out;
}
