/**
 * Single-channel float planes (row-major [H, W]) and the few filters the mark needs: luma,
 * box means through an integral image, and area downsampling.
 */

export interface Plane {
  readonly data: Float32Array; // [H, W]
  readonly H: number;
  readonly W: number;
}

/** BT.601 luma in 0…255 of an RGB image [3, H, W] in −1…1. */
export function lumaOf(rgb: Float32Array, H: number, W: number): Plane {
  const n = H * W;
  const y = new Float32Array(n); // [H, W]
  for (let i = 0; i < n; i++) y[i] = (0.299 * rgb[i]! + 0.587 * rgb[n + i]! + 0.114 * rgb[2 * n + i]! + 1) * 127.5;
  return { data: y, H, W };
}

/** Mean over the (2r+1)² window around each pixel, the window clipped at the borders. */
export function boxMean(p: Plane, r: number): Float32Array {
  const { data, H, W } = p;
  const W1 = W + 1;
  const sum = new Float64Array((H + 1) * W1); // [H+1, W+1] integral image
  for (let y = 0; y < H; y++) {
    let row = 0;
    for (let x = 0; x < W; x++) {
      row += data[y * W + x]!;
      sum[(y + 1) * W1 + x + 1] = sum[y * W1 + x + 1]! + row;
    }
  }
  const out = new Float32Array(H * W);
  for (let y = 0; y < H; y++) {
    const y0 = Math.max(0, y - r);
    const y1 = Math.min(H, y + r + 1);
    for (let x = 0; x < W; x++) {
      const x0 = Math.max(0, x - r);
      const x1 = Math.min(W, x + r + 1);
      const s = sum[y1 * W1 + x1]! - sum[y0 * W1 + x1]! - sum[y1 * W1 + x0]! + sum[y0 * W1 + x0]!;
      out[y * W + x] = s / ((y1 - y0) * (x1 - x0));
    }
  }
  return out;
}

/** Box-filter (area) resampling to outH × outW: each output pixel averages the input area it covers. */
export function areaResize(p: Plane, outH: number, outW: number): Plane {
  const { data, H, W } = p;
  if (outH === H && outW === W) return p;
  const wx = areaWeights(W, outW);
  const wy = areaWeights(H, outH);
  const tmp = new Float32Array(H * outW); // [H, outW]
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < outW; x++) {
      const { start, w } = wx[x]!;
      let acc = 0;
      for (let k = 0; k < w.length; k++) acc += data[y * W + start + k]! * w[k]!;
      tmp[y * outW + x] = acc;
    }
  }
  const out = new Float32Array(outH * outW); // [outH, outW]
  for (let y = 0; y < outH; y++) {
    const { start, w } = wy[y]!;
    for (let k = 0; k < w.length; k++) {
      const wk = w[k]!;
      const row = (start + k) * outW;
      for (let x = 0; x < outW; x++) out[y * outW + x]! += tmp[row + x]! * wk;
    }
  }
  return { data: out, H: outH, W: outW };
}

function areaWeights(inSize: number, outSize: number): { start: number; w: number[] }[] {
  const scale = inSize / outSize;
  return Array.from({ length: outSize }, (_, o) => {
    const a = o * scale;
    const b = Math.min(inSize, (o + 1) * scale);
    const start = Math.floor(a);
    const w: number[] = [];
    for (let i = start; i < Math.ceil(b); i++) w.push((Math.min(b, i + 1) - Math.max(a, i)) / (b - a));
    return { start, w };
  });
}
