/** What a lossy codec attack asks of a codec: encode 8-bit RGB, decode it back. */
import type { RgbImage } from '../image/rgb-image.js';
import type { JPEG_SUBSAMPLINGS } from '../spec/params.js';

export type CodecOptions =
  | { readonly format: 'jpeg'; readonly quality: number; readonly subsampling: (typeof JPEG_SUBSAMPLINGS)[number] }
  | { readonly format: 'webp'; readonly quality: number };

/** Encodes `img` with `opts` and decodes the result: what a viewer of the file would see. */
export type RoundTrip = (img: RgbImage, opts: CodecOptions) => Promise<RgbImage>;

/** Whether this is Node (sharp), not a browser (the wasm codecs). */
export function isNode(): boolean {
  const proc = (globalThis as { process?: { versions?: { node?: unknown } } }).process;
  return typeof proc?.versions?.node === 'string';
}
