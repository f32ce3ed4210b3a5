/**
 * FIR resampling with the [1, 3, 3, 1] filter, as depthwise convolutions. The filter is
 * symmetric, so correlation and convolution agree.
 *   upsample2d: zero-insert ×2, pad (2, 1), 4×4 FIR × 4 — done as one transposed conv.
 *   firAfterUp: pad 1, 4×4 FIR × 4 (after a stride-2 transposed conv that gave 2H+1).
 *   firDown:    pad p, 4×4 FIR, stride s (discriminator downsampling).
 */
import { tensor } from '@stylegraph/core';
import type { GraphBuilder, Value } from '../onnx/index.js';

const TAPS = [1, 3, 3, 1];

/** Depthwise filter `[C, 1, 4, 4]` = outer(taps, taps) / 64 · gain. */
function firKernel(b: GraphBuilder, channels: number, gain: number): Value {
  const k = new Float32Array(channels * 16);
  for (let c = 0; c < channels; c++) for (let i = 0; i < 4; i++) for (let j = 0; j < 4; j++) k[c * 16 + i * 4 + j] = (TAPS[i]! * TAPS[j]! * gain) / 64;
  return b.constant(tensor('float32', [channels, 1, 4, 4], k));
}

/** `[B, C, H, W]` → `[B, C, 2H, 2W]`: NVIDIA's upsample2d. */
export function upsample2d(b: GraphBuilder, x: Value, channels: number): Value {
  // Transposed conv with stride 2 gives the zero-inserted, fully filtered signal of length
  // 2H + 2; cropping one sample at each end equals pad (2, 1) + FIR.
  return b.convTranspose(x, firKernel(b, channels, 4), undefined, { strides: [2, 2], pads: [1, 1, 1, 1], group: channels });
}

/** `[B, C, 2H+1, 2W+1]` → `[B, C, 2H, 2W]`: pad 1, FIR × 4. */
export function firAfterUp(b: GraphBuilder, x: Value, channels: number): Value {
  return b.conv(x, firKernel(b, channels, 4), undefined, { pads: [1, 1, 1, 1], group: channels });
}

/** FIR with padding `pad` on each side and stride `stride` (gain 1). */
export function firDown(b: GraphBuilder, x: Value, channels: number, pad: number, stride: number): Value {
  return b.conv(x, firKernel(b, channels, 1), undefined, { pads: [pad, pad, pad, pad], strides: [stride, stride], group: channels });
}
