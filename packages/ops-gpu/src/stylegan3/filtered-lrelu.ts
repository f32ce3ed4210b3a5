/**
 * StyleGAN3's filtered leaky ReLU as depthwise (grouped) convolutions, for x [B, C, H, W]:
 *   1. + bias
 *   2. upsample by `up`: zero-insert, pad (lo, hi) (negative crops), FIR with the separable
 *      up filter · up per axis — one transposed conv per axis, cropped or zero-extended;
 *   3. leaky ReLU (slope 0.2) · √2, clamp to ±clamp;
 *   4. FIR with the down filter (separable, or one 2-D radial kernel), keep every down-th sample.
 * The filters are symmetric, so correlation and convolution agree. The transposed conv of
 * kernel K and stride u gives the full convolution T of length (H−1)·u + K; the padded
 * upfirdn output is T[K−1−lo … H·u + hi − 1], i.e. T cropped by K−1−lo at the start and
 * K−u−hi at the end (zero-extended where those are negative).
 */
import { tensor, type Tensor } from '@stylegraph/core';
import type { GraphBuilder, Value } from '../onnx/index.js';
import { lreluGainClamp, SQRT2 } from '../stylegan/layers.js';
import type { Sg3LayerSpec } from './schedule.js';

/** A depthwise kernel `[C, 1, kh, kw]` repeating `taps` (row-major kh × kw) times `gain`. */
function depthwise(b: GraphBuilder, name: string, taps: Float32Array, channels: number, kh: number, kw: number, gain: number): Value {
  const k = new Float32Array(channels * taps.length);
  for (let c = 0; c < channels; c++) for (let i = 0; i < taps.length; i++) k[c * taps.length + i] = taps[i]! * gain;
  return b.initializer(name, tensor('float32', [channels, 1, kh, kw], k));
}

/** Upsample along one spatial axis (2 = H, 3 = W) with a 1-D filter of K taps. */
function upAxis(b: GraphBuilder, x: Value, kernel: Value, axis: 2 | 3, up: number, K: number, lo: number, hi: number, channels: number): Value {
  const start = K - 1 - lo;
  const end = K - up - hi;
  const crop = [0, 0, 0, 0];
  const along = axis - 2;
  crop[along] = Math.max(start, 0);
  crop[along + 2] = Math.max(end, 0);
  const strides = axis === 2 ? [up, 1] : [1, up];
  let y = b.convTranspose(x, kernel, undefined, { strides, pads: crop, group: channels });
  if (start < 0 || end < 0) {
    const pads = [0, 0, 0, 0, 0, 0, 0, 0];
    pads[axis] = Math.max(-start, 0);
    pads[axis + 4] = Math.max(-end, 0);
    y = b.pad(y, pads);
  }
  return y;
}

export interface LayerFilters {
  readonly up?: Tensor<'float32'>;
  readonly down?: Tensor<'float32'>;
}

/** `x [B, C, inSize + k − 1, …]` (after the modulated conv) → `[B, C, outSize, outSize]`. */
export function filteredLrelu(b: GraphBuilder, l: Sg3LayerSpec, x: Value, bias: Value, filters: LayerFilters, clamp: number | null, name: string): Value {
  const C = l.outChannels;
  let y = b.add(x, b.reshape(bias, [1, C, 1, 1])); // [B, C, H, W]
  if (l.toRgb) return clamp === null ? y : b.clip(y, { min: -clamp, max: clamp });
  const [lo, hi] = l.padding;
  if (l.upTaps > 1) {
    const K = l.upTaps;
    const f = filters.up!.data;
    y = upAxis(b, y, depthwise(b, `${name}.up_filter:h`, f, C, K, 1, l.upFactor), 2, l.upFactor, K, lo, hi, C);
    y = upAxis(b, y, depthwise(b, `${name}.up_filter:w`, f, C, 1, K, l.upFactor), 3, l.upFactor, K, lo, hi, C);
  } else if (lo !== 0 || hi !== 0) {
    y = b.pad(y, [0, 0, lo, lo, 0, 0, hi, hi]);
  }
  y = lreluGainClamp(b, y, SQRT2, clamp); // [B, C, H·up + pads − K + 1, …]
  if (l.downTaps > 1) {
    const K = l.downTaps;
    const d = l.downFactor;
    const f = filters.down!.data;
    if (l.downRadial) {
      y = b.conv(y, depthwise(b, `${name}.down_filter:2d`, f, C, K, K, 1), undefined, { strides: [d, d], group: C });
    } else {
      y = b.conv(y, depthwise(b, `${name}.down_filter:h`, f, C, K, 1, 1), undefined, { strides: [d, 1], group: C });
      y = b.conv(y, depthwise(b, `${name}.down_filter:w`, f, C, 1, K, 1), undefined, { strides: [1, d], group: C });
    }
  } else if (l.downFactor > 1) {
    y = b.slice(y, { starts: [0, 0], ends: [2 ** 31, 2 ** 31], axes: [2, 3], steps: [l.downFactor, l.downFactor] });
  }
  return y; // [B, C, outSize, outSize]
}
