/**
 * attack/Crop: keeps a window with the image's aspect ratio and `area` of its area — sides
 * round(√area·W) × round(√area·H) — placed at (x, y) ∈ [0, 1]²: left = round(x·(W − w)),
 * top = round(y·(H − h)).
 */
import { rgbImage, roundHalfUp, type RgbImage } from '../image/rgb-image.js';

export interface Window {
  readonly left: number;
  readonly top: number;
  readonly width: number;
  readonly height: number;
}

export function cropWindow(width: number, height: number, area: number, x: number, y: number): Window {
  const side = Math.sqrt(area);
  const w = Math.min(width, Math.max(1, roundHalfUp(width * side)));
  const h = Math.min(height, Math.max(1, roundHalfUp(height * side)));
  return { left: roundHalfUp(x * (width - w)), top: roundHalfUp(y * (height - h)), width: w, height: h };
}

export function crop(img: RgbImage, area: number, x: number, y: number): RgbImage {
  const win = cropWindow(img.width, img.height, area, x, y);
  const out = rgbImage(win.width, win.height);
  for (let row = 0; row < win.height; row++) {
    const from = ((win.top + row) * img.width + win.left) * 3;
    out.rgb.set(img.rgb.subarray(from, from + win.width * 3), row * win.width * 3);
  }
  return out;
}
