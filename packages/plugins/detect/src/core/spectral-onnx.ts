/** The spectral detector's ONNX model: features [B, 96] -> score [B, 1] = features · w + b (one Gemm). */
import { tensor } from '@stylegraph/core';
import { GraphBuilder } from '@stylegraph/ops-gpu';
import type { LinearModel } from './logistic.js';
import { NUM_FEATURES } from './spectral.js';

export function spectralModel(m: LinearModel): Uint8Array {
  if (m.w.length !== NUM_FEATURES) throw new Error(`spectral model: ${m.w.length} weights, expected ${NUM_FEATURES}`);
  const g = new GraphBuilder();
  const x = g.input('features', 'float32', ['B', NUM_FEATURES]);
  const w = g.initializer('w', tensor('float32', [NUM_FEATURES, 1], Float32Array.from(m.w))); // [96, 1]
  const b = g.initializer('b', tensor('float32', [1], Float32Array.of(m.b)));
  g.output('score', g.gemm(x, w, b)); // [B, 1]
  return g.toModel();
}
