/**
 * attack/Jpeg and attack/Webp: a real encode and decode — sharp in Node, the @jsquash wasm
 * codecs in browsers — each loaded only when first used.
 */
import type { RgbImage } from '../image/rgb-image.js';
import { isNode, type CodecOptions } from '../codecs/codec.js';

export async function codecRoundTrip(img: RgbImage, opts: CodecOptions): Promise<RgbImage> {
  if (isNode()) return (await import('../codecs/sharp.js')).sharpRoundTrip(img, opts);
  return (await import('../codecs/jsquash.js')).jsquashRoundTrip(img, opts);
}
