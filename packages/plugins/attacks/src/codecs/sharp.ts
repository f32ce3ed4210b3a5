/**
 * JPEG and WebP in Node, by sharp (libvips with libjpeg-turbo-compatible mozjpeg and libwebp):
 * baseline JPEG without mozjpeg's trellis/deringing extras (`mozjpeg: false`), lossy WebP at
 * effort 4. sharp is a native addon: it is imported only here, only when first needed, and by
 * a specifier bundlers do not follow, so the plugin still bundles for browsers.
 */
import { NodeError } from '@stylegraph/core';
import type sharpFn from 'sharp';
import { rgbImage, type RgbImage } from '../image/rgb-image.js';
import type { CodecOptions } from './codec.js';

type Sharp = typeof sharpFn;
const SHARP = 'sharp';
let loaded: Promise<Sharp> | undefined;

function loadSharp(): Promise<Sharp> {
  loaded ??= (import(/* @vite-ignore */ SHARP) as Promise<{ default: Sharp }>).then(
    (m) => m.default,
    (e: unknown) => {
      loaded = undefined;
      throw new NodeError('attack/CODEC_MISSING', `JPEG and WebP attacks in Node need the sharp package, which did not load: ${(e as Error).message}`);
    },
  );
  return loaded;
}

export async function sharpRoundTrip(img: RgbImage, opts: CodecOptions): Promise<RgbImage> {
  const sharp = await loadSharp();
  const raw = { raw: { width: img.width, height: img.height, channels: 3 as const } };
  try {
    const source = sharp(img.rgb, raw);
    const encoded = await (opts.format === 'jpeg'
      ? source.jpeg({ quality: opts.quality, chromaSubsampling: opts.subsampling, mozjpeg: false, progressive: false })
      : source.webp({ quality: opts.quality, effort: 4 })
    ).toBuffer();
    const { data, info } = await sharp(encoded).removeAlpha().raw().toBuffer({ resolveWithObject: true });
    return rgbImage(info.width, info.height, new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
  } catch (e) {
    throw new NodeError('attack/CODEC_FAILED', `${opts.format.toUpperCase()} round trip of a ${img.width}×${img.height} image failed: ${(e as Error).message}`);
  }
}
