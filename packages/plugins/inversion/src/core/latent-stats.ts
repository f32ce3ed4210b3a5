/**
 * How far latents lie from the centre of W, in units of w_std: ‖w − w_avg‖ / w_std per row,
 * where w_std is the root mean squared distance of mapped samples (so a typical sample sits
 * near 1). Projections far above that are off the learned manifold and edit poorly.
 */
import type { WStats } from './w-stats.js';

export function latentDistances(ws: Float32Array, B: number, numWs: number, wDim: number, stats: WStats): number[] {
  const out: number[] = [];
  for (let r = 0; r < B * numWs; r++) {
    let s = 0;
    for (let d = 0; d < wDim; d++) s += (ws[r * wDim + d]! - stats.avg[d]!) ** 2;
    out.push(Math.sqrt(s) / stats.std);
  }
  return out;
}

/** `wDistance` (mean over every row of every target) and `wDistanceMax`. */
export function latentReport(ws: Float32Array, B: number, numWs: number, wDim: number, stats: WStats): { wDistance: number; wDistanceMax: number } {
  const d = latentDistances(ws, B, numWs, wDim, stats);
  return { wDistance: d.reduce((a, b) => a + b, 0) / d.length, wDistanceMax: Math.max(...d) };
}
