/**
 * Truncation on W+ in TypeScript (cheap and exact): `w' = w_avg + ψ·(w − w_avg)` for the
 * w indices in `[0, cutoff)` (all when cutoff is undefined), as NVIDIA's generator does.
 */
import { tensor, type Tensor } from '@stylegraph/core';

export function truncate(ws: Tensor<'float32'>, wAvg: Tensor<'float32'>, psi: number, cutoff?: number): Tensor<'float32'> {
  const [B, numWs, wDim] = ws.dims as [number, number, number];
  if (ws.dims.length !== 3) throw new RangeError(`truncate: ws must be [B, numWs, wDim], got [${ws.dims.join(', ')}]`);
  if (wAvg.data.length !== wDim) throw new RangeError(`truncate: w_avg has ${wAvg.data.length} values, ws has wDim ${wDim}`);
  if (cutoff !== undefined && (!Number.isInteger(cutoff) || cutoff < 0 || cutoff > numWs)) {
    throw new RangeError(`truncate: cutoff ${cutoff} is outside 0…${numWs}`);
  }
  const last = cutoff ?? numWs;
  const out = Float32Array.from(ws.data);
  for (let b = 0; b < B; b++) {
    for (let l = 0; l < last; l++) {
      const o = (b * numWs + l) * wDim;
      for (let k = 0; k < wDim; k++) {
        const avg = wAvg.data[k]!;
        out[o + k] = avg + psi * (ws.data[o + k]! - avg);
      }
    }
  }
  return tensor('float32', ws.dims, out);
}
