/**
 * Any ONNX image classifier as a scorer: each image resized to the classifier's input size
 * (bilinear, half-pixel centres), pixel values v in 0…1 normalized as (v − mean) / std per
 * channel, NCHW; the score is output column `index` (negated when the column means "real").
 */
import { tensor, type Tensor } from '@stylegraph/core';
import type { Session } from '@stylegraph/ops-gpu';
import { resizeBilinear } from './tiles.js';

export interface ClassifierSpec {
  readonly size: number;
  readonly mean: readonly [number, number, number];
  readonly std: readonly [number, number, number];
  readonly index: number;
  readonly positive: 'generated' | 'real';
}

const CHUNK = 16;

/** [B, 3, size, size] network input for images [B, 3, H, W] in −1…1. */
export function classifierInput(images: Tensor<'float32'>, spec: ClassifierSpec): Float32Array {
  const [B, , H, W] = images.dims as [number, number, number, number];
  const S = spec.size;
  const out = new Float32Array(B * 3 * S * S); // [B, 3, S, S]
  for (let b = 0; b < B; b++) {
    const src = { data: images.data.subarray(b * 3 * H * W, (b + 1) * 3 * H * W), H, W };
    const r = H === S && W === S ? src : resizeBilinear(src, S, S);
    for (let c = 0; c < 3; c++) {
      const m = spec.mean[c]!;
      const s = spec.std[c]!;
      for (let i = 0; i < S * S; i++) out[(b * 3 + c) * S * S + i] = ((r.data[c * S * S + i]! + 1) / 2 - m) / s;
    }
  }
  return out;
}

export async function classifierScores(session: Session, images: Tensor<'float32'>, spec: ClassifierSpec, onImage?: (done: number) => void): Promise<Float64Array> {
  const B = images.dims[0]!;
  const per = images.data.length / B;
  const scores = new Float64Array(B);
  const [H, W] = [images.dims[2]!, images.dims[3]!];
  for (let b0 = 0; b0 < B; b0 += CHUNK) {
    const n = Math.min(CHUNK, B - b0);
    const part = tensor('float32', [n, 3, H, W], images.data.subarray(b0 * per, (b0 + n) * per));
    const out = await session.run({ [session.inputNames[0]!]: tensor('float32', [n, 3, spec.size, spec.size], classifierInput(part, spec)) });
    const y = out[session.outputNames[0]!]!;
    const cols = y.dims.length >= 2 ? y.data.length / n : 1;
    if (spec.index >= cols) throw new Error(`the classifier's output "${session.outputNames[0]}" has ${cols} column(s); index ${spec.index} is out of range`);
    for (let i = 0; i < n; i++) {
      const v = Number(y.data[i * cols + spec.index]);
      scores[b0 + i] = spec.positive === 'generated' ? v : -v;
    }
    onImage?.(b0 + n);
  }
  return scores;
}
