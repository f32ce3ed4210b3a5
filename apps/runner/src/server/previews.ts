/** Small PNG previews of a node's Image outputs for the editor, as data URLs. */
import { imagePreview, isImageTensor } from '@stylegraph/plugin-io';

export const PREVIEW_SIZE = 128;
export const PREVIEW_MAX_IMAGES = 4;

export interface Preview {
  readonly port: string;
  /** `data:image/png;base64,…` */
  readonly png: string;
  /** The full value's shape, e.g. `[4, 3, 64, 64]`. */
  readonly dims: readonly number[];
}

/** Previews of every Image-valued output of a node. */
export async function previewsOf(outputs: Readonly<Record<string, unknown>>): Promise<Preview[]> {
  const out: Preview[] = [];
  for (const [port, v] of Object.entries(outputs)) {
    if (!isImageTensor(v)) continue;
    const png = await imagePreview(v, PREVIEW_SIZE, PREVIEW_MAX_IMAGES);
    out.push({ port, png: `data:image/png;base64,${Buffer.from(png).toString('base64')}`, dims: v.dims });
  }
  return out;
}
