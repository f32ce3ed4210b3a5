/**
 * The 8-bit image every attack works on: RGB bytes `[H, W, 3]`, interleaved, row by row — what
 * a PNG or JPEG holds, and what PIL's "RGB" mode is.
 */
import { NodeError } from '@stylegraph/core';

export interface RgbImage {
  /** `[H, W, 3]` bytes, interleaved. */
  readonly rgb: Uint8Array;
  readonly width: number;
  readonly height: number;
}

/** Largest side an attack makes (JPEG's limit is 65 535, WebP's 16 383; this keeps memory sane too). */
export const MAX_SIDE = 16_384;
/** Most pixels an attack makes: as io/LoadImage reads at most (8192², 805 MB as an Image tensor). */
export const MAX_PIXELS = 8192 * 8192;

/** A width × height image: `rgb` when given (its length checked), black otherwise. */
export function rgbImage(width: number, height: number, rgb?: Uint8Array): RgbImage {
  checkImageSize(width, height);
  const data = rgb ?? new Uint8Array(width * height * 3);
  if (data.length !== width * height * 3) {
    throw new NodeError('attack/IMAGE_INVALID', `a ${width}×${height} RGB image has ${width * height * 3} bytes, not ${data.length}`);
  }
  return { rgb: data, width, height };
}

/** Refuses sizes that are not whole, positive, or beyond MAX_SIDE / MAX_PIXELS. */
export function checkImageSize(width: number, height: number): void {
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1) {
    throw new NodeError('attack/IMAGE_INVALID', `an image is at least 1×1 whole pixels, not ${width}×${height}`);
  }
  if (width > MAX_SIDE || height > MAX_SIDE) {
    throw new NodeError('attack/IMAGE_TOO_LARGE', `${width}×${height} is too large: attacks make images of at most ${MAX_SIDE} pixels a side`);
  }
  if (width * height > MAX_PIXELS) {
    throw new NodeError('attack/IMAGE_TOO_LARGE', `${width}×${height} is too large: attacks make images of at most ${MAX_PIXELS} pixels (8192×8192)`);
  }
}

/** A copy (attacks never hand back their input's buffer). */
export const copyImage = (img: RgbImage): RgbImage => ({ rgb: img.rgb.slice(), width: img.width, height: img.height });

/** Rounds half up, as every size in this package is rounded: 2.5 → 3. */
export const roundHalfUp = (v: number): number => Math.floor(v + 0.5);
