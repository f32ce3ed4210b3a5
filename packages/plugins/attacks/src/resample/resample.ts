/**
 * Separable resampling of an 8-bit RGB image with PIL's arithmetic (ImagingResample): a
 * horizontal pass, rounded to bytes, then a vertical pass; a pass is skipped when its axis
 * keeps its size. Sums are fixed point starting at ½ (rounding), clipped to 0…255.
 */
import { rgbImage, type RgbImage } from '../image/rgb-image.js';
import { PRECISION_BITS, axisWeights, type AxisWeights } from './coefficients.js';
import type { Filter } from './filters.js';

const HALF = 2 ** (PRECISION_BITS - 1);
const ONE = 2 ** PRECISION_BITS;
const clip8 = (ss: number): number => {
  const v = Math.floor(ss / ONE);
  return v < 0 ? 0 : v > 255 ? 255 : v;
};

/** Resamples along x (step 3 between pixels) or y (step 3·W), each output pixel from its weights. */
function pass(src: RgbImage, outW: number, outH: number, ax: AxisWeights, horizontal: boolean): RgbImage {
  const out = rgbImage(outW, outH);
  const { taps, first, count, weights } = ax;
  const stride = horizontal ? 3 : src.width * 3;
  for (let y = 0; y < outH; y++) {
    for (let x = 0; x < outW; x++) {
      const o = horizontal ? x : y;
      // The first input pixel this output pixel reads, [H, W, 3] layout.
      const start = horizontal ? (y * src.width + first[o]!) * 3 : (first[o]! * src.width + x) * 3;
      const n = count[o]!;
      const k = o * taps;
      for (let c = 0; c < 3; c++) {
        let ss = HALF;
        for (let i = 0; i < n; i++) ss += src.rgb[start + i * stride + c]! * weights[k + i]!;
        out.rgb[(y * outW + x) * 3 + c] = clip8(ss);
      }
    }
  }
  return out;
}

export function resampleRgb(src: RgbImage, outW: number, outH: number, filter: Filter): RgbImage {
  let img = src;
  if (outW !== src.width) img = pass(img, outW, img.height, axisWeights(src.width, outW, filter), true);
  if (outH !== src.height) img = pass(img, img.width, outH, axisWeights(src.height, outH, filter), false);
  return img === src ? rgbImage(src.width, src.height, src.rgb.slice()) : img;
}
