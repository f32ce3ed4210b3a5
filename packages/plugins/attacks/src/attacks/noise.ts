/**
 * attack/Noise: adds Gaussian noise of standard deviation `sigma` levels to every value, one
 * sample per byte in [H, W, 3] order from Xoshiro128ss(seed), rounded half up and clipped.
 * The noise depends only on the seed and the image size (each image of a batch gets the same).
 */
import { copyImage, rgbImage, type RgbImage } from '../image/rgb-image.js';
import { Xoshiro128ss } from '../rng/xoshiro128.js';

export function noise(img: RgbImage, sigma: number, seed: number): RgbImage {
  if (sigma === 0) return copyImage(img);
  const z = new Xoshiro128ss(seed).gaussians(img.rgb.length);
  const out = rgbImage(img.width, img.height);
  for (let i = 0; i < img.rgb.length; i++) {
    const v = Math.floor(img.rgb[i]! + sigma * z[i]! + 0.5);
    out.rgb[i] = v < 0 ? 0 : v > 255 ? 255 : v;
  }
  return out;
}
