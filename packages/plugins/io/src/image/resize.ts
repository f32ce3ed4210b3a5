/**
 * Area (box-filter) resampling of an RGB float image, separable: each output sample averages
 * the input interval it covers, with fractional weights at the ends. Exact for integer
 * downscales, smooth for others, never aliasing.
 */

function weights(inSize: number, outSize: number): { start: number; w: number[] }[] {
  const scale = inSize / outSize;
  return Array.from({ length: outSize }, (_, o) => {
    const a = o * scale;
    const b = (o + 1) * scale;
    const start = Math.floor(a);
    const w: number[] = [];
    for (let i = start; i < Math.min(inSize, Math.ceil(b)); i++) w.push((Math.min(b, i + 1) - Math.max(a, i)) / scale);
    return { start, w };
  });
}

/** `[C, H, W]` → `[C, outH, outW]`. */
export function resizeArea(src: Float32Array, C: number, H: number, W: number, outH: number, outW: number): Float32Array {
  const wx = weights(W, outW);
  const wy = weights(H, outH);
  const tmp = new Float32Array(C * H * outW);
  for (let c = 0; c < C; c++) {
    for (let y = 0; y < H; y++) {
      const row = (c * H + y) * W;
      for (let x = 0; x < outW; x++) {
        const { start, w } = wx[x]!;
        let acc = 0;
        for (let k = 0; k < w.length; k++) acc += src[row + start + k]! * w[k]!;
        tmp[(c * H + y) * outW + x] = acc;
      }
    }
  }
  const out = new Float32Array(C * outH * outW);
  for (let c = 0; c < C; c++) {
    for (let y = 0; y < outH; y++) {
      const { start, w } = wy[y]!;
      for (let x = 0; x < outW; x++) {
        let acc = 0;
        for (let k = 0; k < w.length; k++) acc += tmp[(c * H + start + k) * outW + x]! * w[k]!;
        out[(c * outH + y) * outW + x] = acc;
      }
    }
  }
  return out;
}
