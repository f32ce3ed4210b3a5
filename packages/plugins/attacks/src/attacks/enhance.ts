/**
 * attack/Brightness and attack/Contrast: PIL's ImageEnhance, which blends the image with a
 * "degenerate" one — black for brightness, the mean grey level for contrast — by the factor:
 * out = degenerate + factor·(image − degenerate). As PIL's ImagingBlend: the factor is a
 * float32 and the arithmetic float32; the result is truncated to a byte and clipped; factor 0
 * gives the degenerate image, 1 the image itself.
 */
import { copyImage, rgbImage, type RgbImage } from '../image/rgb-image.js';

const f32 = Math.fround;

/** PIL's Image.blend(degenerate, img, factor), the degenerate image a constant grey level. */
function blendWithGrey(img: RgbImage, grey: number, factor: number): RgbImage {
  const alpha = f32(factor);
  if (alpha === 1) return copyImage(img);
  const out = rgbImage(img.width, img.height);
  if (alpha === 0) return (out.rgb.fill(grey), out);
  const inside = alpha >= 0 && alpha <= 1;
  for (let i = 0; i < img.rgb.length; i++) {
    const v = f32(grey + f32(alpha * (img.rgb[i]! - grey)));
    out.rgb[i] = inside ? Math.trunc(v) : v <= 0 ? 0 : v >= 255 ? 255 : Math.trunc(v);
  }
  return out;
}

export const brightness = (img: RgbImage, factor: number): RgbImage => blendWithGrey(img, 0, factor);

/** PIL's "L" conversion (ITU-R 601-2 luma, 16-bit fixed point, rounded) averaged, rounded half up. */
export function meanGrey(img: RgbImage): number {
  const { rgb } = img;
  let sum = 0;
  for (let i = 0; i < rgb.length; i += 3) sum += (rgb[i]! * 19595 + rgb[i + 1]! * 38470 + rgb[i + 2]! * 7471 + 0x8000) >> 16;
  return Math.floor(sum / (img.width * img.height) + 0.5);
}

export const contrast = (img: RgbImage, factor: number): RgbImage => blendWithGrey(img, meanGrey(img), factor);
