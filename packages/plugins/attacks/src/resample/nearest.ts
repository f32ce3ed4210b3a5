/**
 * Nearest-neighbour scaling as PIL does it (ImagingScaleAffine): output pixel i takes input
 * pixel ⌊(i + 0.5)·in/out⌋, the position advanced by repeated addition as PIL's loop does (so
 * ties at pixel edges fall the same way).
 */
import { rgbImage, type RgbImage } from '../image/rgb-image.js';

/** Input index of every output index along an axis. */
function sources(inSize: number, outSize: number): Int32Array {
  const step = inSize / outSize;
  const out = new Int32Array(outSize);
  let pos = step * 0.5;
  for (let i = 0; i < outSize; i++) {
    out[i] = Math.min(inSize - 1, Math.max(0, Math.trunc(pos)));
    pos += step;
  }
  return out;
}

export function nearestRgb(src: RgbImage, outW: number, outH: number): RgbImage {
  const out = rgbImage(outW, outH);
  const xs = sources(src.width, outW);
  const ys = sources(src.height, outH);
  for (let y = 0; y < outH; y++) {
    for (let x = 0; x < outW; x++) {
      const s = (ys[y]! * src.width + xs[x]!) * 3;
      const d = (y * outW + x) * 3;
      out.rgb[d] = src.rgb[s]!;
      out.rgb[d + 1] = src.rgb[s + 1]!;
      out.rgb[d + 2] = src.rgb[s + 2]!;
    }
  }
  return out;
}
