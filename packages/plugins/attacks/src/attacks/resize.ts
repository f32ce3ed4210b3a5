/** attack/Resize: PIL's Image.resize to round(H·scale) × round(W·scale). */
import { roundHalfUp, type RgbImage } from '../image/rgb-image.js';
import { FILTERS } from '../resample/filters.js';
import { nearestRgb } from '../resample/nearest.js';
import { resampleRgb } from '../resample/resample.js';
import type { ResizeKernel } from '../spec/params.js';

/** A side scaled: rounded half up, at least 1. */
export const scaledSide = (side: number, scale: number): number => Math.max(1, roundHalfUp(side * scale));

export function resize(img: RgbImage, scale: number, kernel: ResizeKernel): RgbImage {
  const outW = scaledSide(img.width, scale);
  const outH = scaledSide(img.height, scale);
  return kernel === 'nearest' ? nearestRgb(img, outW, outH) : resampleRgb(img, outW, outH, FILTERS[kernel]);
}
