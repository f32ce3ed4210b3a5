/**
 * What the decoder looks at: the luma, downsampled so that a unit spans about WORK_UNIT pixels,
 * minus its local mean (the image content the mark rides on), divided by the local RMS of
 * that difference (so strong edges do not outvote the rest) and clipped.
 */
import { areaResize, boxMean, type Plane } from './plane.js';
import { WORK_UNIT, unitSize } from './geometry.js';

export interface WorkPlane extends Plane {
  /** Work pixels per received pixel (≤ 1). */
  readonly factor: number;
}

const CLIP = 3;

export function residualOf(luma: Plane): WorkPlane {
  const factor = Math.min(1, WORK_UNIT / unitSize(luma.H, luma.W));
  const H = Math.max(1, Math.round(luma.H * factor));
  const W = Math.max(1, Math.round(luma.W * factor));
  const work = areaResize(luma, H, W);
  const mean = boxMean(work, 1);
  const r = new Float32Array(H * W); // [H, W]
  for (let i = 0; i < H * W; i++) r[i] = work.data[i]! - mean[i]!;
  const sq = new Float32Array(H * W);
  for (let i = 0; i < H * W; i++) sq[i] = r[i]! * r[i]!;
  const local = boxMean({ data: sq, H, W }, 2);
  for (let i = 0; i < H * W; i++) {
    const v = r[i]! / Math.sqrt(local[i]! + 1);
    r[i] = Math.max(-CLIP, Math.min(CLIP, v));
  }
  return { data: r, H, W, factor: W / luma.W };
}
