/**
 * StyleGAN3's Fourier-feature input, from w[0] and a user transform T [B, 3, 3]:
 *   t = A(w0) / |t[:2]|                       (cos, sin, tx, ty) of the learned rotation + translation
 *   M = R(t) · Tr(−tx, −ty) · T               [B, 3, 3]
 *   f' = f · M[:2, :2],  φ' = φ + f · M[:2, 2]  frequencies [B, C, 2], phases [B, C]
 *   a  = clamp(1 − (|f'| − bw) / (rate/2 − bw), 0, 1)   (dampens what the transform pushes out of band)
 *   x[b, c, i, j] = sin(2π (gx_j f'x + gy_i f'y + φ')) · a,   g_k = (k + ½ − size/2) / rate
 *   out = weight/√C applied as a 1×1 conv      [B, C, size, size]
 */
import { tensor } from '@stylegraph/core';
import type { GraphBuilder, Value } from '../onnx/index.js';
import { fullyConnected } from '../stylegan/layers.js';
import type { Weights } from '../stylegan/weights.js';
import type { Sg3InputSpec } from './schedule.js';

const mat3 = (b: GraphBuilder, v: readonly number[]) => b.constant(tensor('float32', [3, 3], Float32Array.from(v)));

export function fourierInput(b: GraphBuilder, w: Weights, spec: Sg3InputSpec, wDim: number, w0: Value, transform: Value): Value {
  const { channels: C, size: S, samplingRate: sr, bandwidth: bw } = spec;
  const t = fullyConnected(b, w, 'synthesis.input.affine', w0, wDim, 4, { activation: 'linear' }); // [B, 4]
  const col = (i: number) => b.slice(t, { starts: [i], ends: [i + 1], axes: [1] }); // [B, 1]
  const [t0, t1, t2, t3] = [0, 1, 2, 3].map(col) as [Value, Value, Value, Value];
  const inv = b.reciprocal(b.sqrt(b.add(b.mul(t0, t0), b.mul(t1, t1)))); // [B, 1]
  const [c, s, tx, ty] = [t0, t1, t2, t3].map((v) => b.unsqueeze(b.mul(v, inv), [2])) as [Value, Value, Value, Value]; // [B, 1, 1]
  // R · Tr = [[c, −s, −c·tx + s·ty], [s, c, −s·tx − c·ty], [0, 0, 1]], as a sum of constant matrices.
  const e = b.sub(b.mul(s, ty), b.mul(c, tx));
  const f = b.neg(b.add(b.mul(s, tx), b.mul(c, ty)));
  let rt = b.add(b.mul(c, mat3(b, [1, 0, 0, 0, 1, 0, 0, 0, 0])), b.mul(s, mat3(b, [0, -1, 0, 1, 0, 0, 0, 0, 0])));
  rt = b.add(b.add(rt, b.mul(e, mat3(b, [0, 0, 1, 0, 0, 0, 0, 0, 0]))), b.mul(f, mat3(b, [0, 0, 0, 0, 0, 1, 0, 0, 0])));
  rt = b.add(rt, mat3(b, [0, 0, 0, 0, 0, 0, 0, 0, 1])); // [B, 3, 3]
  const m = b.matmul(rt, transform); // [B, 3, 3]

  const freqs = w.value('synthesis.input.freqs', [C, 2]); // [C, 2]
  const lin = b.slice(m, { starts: [0, 0], ends: [2, 2], axes: [1, 2] }); // [B, 2, 2]
  const shift = b.slice(m, { starts: [0, 2], ends: [2, 3], axes: [1, 2] }); // [B, 2, 1]
  const f2 = b.matmul(freqs, lin); // [B, C, 2]
  const phases = b.add(w.value('synthesis.input.phases', [C]), b.squeeze(b.matmul(freqs, shift), [2])); // [B, C]
  const norm = b.sqrt(b.reduceSum(b.mul(f2, f2), [2], false)); // [B, C]
  const amp = b.clip(b.sub(1, b.div(b.sub(norm, bw), sr / 2 - bw)), { min: 0, max: 1 }); // [B, C]

  const grid = Float32Array.from({ length: S }, (_, k) => (k + 0.5 - S / 2) / sr);
  const gx = b.constant(tensor('float32', [1, 1, 1, S], grid));
  const gy = b.constant(tensor('float32', [1, 1, S, 1], grid));
  const fx = b.unsqueeze(b.slice(f2, { starts: [0], ends: [1], axes: [2] }), [3]); // [B, C, 1, 1]
  const fy = b.unsqueeze(b.slice(f2, { starts: [1], ends: [2], axes: [2] }), [3]); // [B, C, 1, 1]
  const phase = b.unsqueeze(phases, [2, 3]); // [B, C, 1, 1]
  const arg = b.add(b.add(b.mul(gx, fx), b.mul(gy, fy)), phase); // [B, C, S, S]
  const feat = b.mul(b.sin(b.mul(arg, 2 * Math.PI)), b.unsqueeze(amp, [2, 3])); // [B, C, S, S]
  const weight = b.reshape(w.scaled('synthesis.input.weight', 1 / Math.sqrt(C), [C, C]), [C, C, 1, 1]);
  return b.conv(feat, weight); // [B, C, S, S]
}
