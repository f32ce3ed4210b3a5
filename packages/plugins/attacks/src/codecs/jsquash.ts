/**
 * JPEG and WebP in browsers, by the @jsquash wasm codecs (MozJPEG and libwebp, from Squoosh),
 * imported when first needed (a bundler emits them, and their .wasm, as chunks of their own).
 * The JPEG options ask for what sharp's `mozjpeg: false` makes — baseline, Annex K quantisation
 * tables, Huffman optimisation, the chosen subsampling — though MozJPEG still applies trellis
 * quantisation, so its bytes, and slightly its pixels, differ from libjpeg-turbo's.
 */
import { rgbImage, type RgbImage } from '../image/rgb-image.js';
import type { CodecOptions } from './codec.js';

/** RGB → the RGBA ImageData shape the codecs read (only data, width and height are used). */
function imageData(img: RgbImage): ImageData {
  const rgba = new Uint8ClampedArray(img.width * img.height * 4); // [H, W, 4]
  for (let i = 0, j = 0; i < img.rgb.length; i += 3, j += 4) {
    rgba[j] = img.rgb[i]!;
    rgba[j + 1] = img.rgb[i + 1]!;
    rgba[j + 2] = img.rgb[i + 2]!;
    rgba[j + 3] = 255;
  }
  return { data: rgba, width: img.width, height: img.height, colorSpace: 'srgb' } as ImageData;
}

function fromImageData(d: ImageData): RgbImage {
  const out = rgbImage(d.width, d.height);
  for (let i = 0, j = 0; i < out.rgb.length; i += 3, j += 4) {
    out.rgb[i] = d.data[j]!;
    out.rgb[i + 1] = d.data[j + 1]!;
    out.rgb[i + 2] = d.data[j + 2]!;
  }
  return out;
}

export async function jsquashRoundTrip(img: RgbImage, opts: CodecOptions): Promise<RgbImage> {
  if (opts.format === 'jpeg') {
    const { encode, decode } = await import('@jsquash/jpeg');
    const encoded = await encode(imageData(img), {
      quality: opts.quality,
      baseline: true,
      progressive: false,
      optimize_coding: true,
      quant_table: 0,
      smoothing: 0,
      arithmetic: false,
      trellis_multipass: false,
      trellis_opt_zero: false,
      trellis_opt_table: false,
      auto_subsample: false,
      chroma_subsample: opts.subsampling === '4:2:0' ? 2 : 1,
      separate_chroma_quality: false,
    });
    return fromImageData(await decode(encoded));
  }
  const { encode, decode } = await import('@jsquash/webp');
  const encoded = await encode(imageData(img), { quality: opts.quality, method: 4 });
  return fromImageData(await decode(encoded));
}
