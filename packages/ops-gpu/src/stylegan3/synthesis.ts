/**
 * The StyleGAN3 synthesis network W+ → image, as an ONNX graph.
 * Inputs:  ws [B, numWs, wDim]; transform [B, 3, 3] (the input's user transform, NVIDIA's
 *          `synthesis.input.transform`: the inverse of the wanted image transform).
 * Outputs: img [B, C, R, R]; and any requested feature taps (`input`, `L{i}_{size}_{channels}`).
 * Layer i (w[i+1]):
 *   s = A(w)  (ToRGB: · 1/√Ci);  demodulated layers: W ← W · rsqrt(mean W²) per output channel,
 *   s ← s · rsqrt(mean s²);  y = conv(x · s · g, W, pad k−1) · rsqrt(Σ (W s)² + 1e-8)
 *   with g = rsqrt(magnitude_ema); then filtered leaky ReLU (filtered-lrelu.ts).
 * NVIDIA normalizes s over the whole batch; per image is the same up to the 1e-8 term and keeps
 * every image independent of what it is batched with. The output is scaled by `outputScale`.
 */
import { tensor } from '@stylegraph/core';
import { GraphBuilder, type Value } from '../onnx/index.js';
import { fullyConnected } from '../stylegan/layers.js';
import { Weights, type StateDict } from '../stylegan/weights.js';
import type { Sg3GeneratorArch } from '../stylegan/arch.js';
import { filteredLrelu } from './filtered-lrelu.js';
import { fourierInput } from './input.js';
import { sg3Schedule, type Sg3LayerSpec } from './schedule.js';

export const SG3_INPUT_TAP = 'input';

/** All tap names a StyleGAN3 synthesis network offers. */
export function sg3TapNames(g: Sg3GeneratorArch): string[] {
  return [SG3_INPUT_TAP, ...sg3Schedule(g.resolution, g.imgChannels, g.synthesis, g.architecture).layers.map((l) => l.name)];
}

export interface Sg3SynthesisOptions {
  readonly taps?: readonly string[] | 'all';
}

export function buildSg3Synthesis(g: Sg3GeneratorArch, dict: StateDict, opts: Sg3SynthesisOptions = {}): GraphBuilder {
  const b = new GraphBuilder();
  const w = new Weights(b, dict);
  const schedule = sg3Schedule(g.resolution, g.imgChannels, g.synthesis, g.architecture);
  const offered = sg3TapNames(g);
  const wanted = new Set(opts.taps === 'all' ? offered : (opts.taps ?? []));
  for (const t of wanted) if (!offered.includes(t)) throw new Error(`synthesis: no feature tap "${t}" (taps: ${offered.join(', ')})`);
  const tap = (name: string, v: Value) => {
    if (wanted.has(name)) b.output(`tap:${name}`, v);
  };

  const ws = b.input('ws', 'float32', ['B', g.numWs, g.wDim]);
  const transform = b.input('transform', 'float32', ['B', 3, 3]);
  const wRow = (i: number) => b.reshape(b.slice(ws, { starts: [i], ends: [i + 1], axes: [1] }), ['B', g.wDim]); // [B, wDim]

  let x = b.withScope('synthesis.input', () => fourierInput(b, w, schedule.input, g.wDim, wRow(0), transform)); // [B, C0, S0, S0]
  tap(SG3_INPUT_TAP, x);
  schedule.layers.forEach((l, i) => {
    const name = `synthesis.${l.name}`;
    x = b.withScope(name, () => synthesisLayer(b, w, l, name, x, wRow(i + 1), g.wDim, g.convClamp));
    tap(l.name, x);
  });
  b.output('img', g.synthesis.outputScale === 1 ? x : b.mul(x, g.synthesis.outputScale));
  return b;
}

function synthesisLayer(b: GraphBuilder, w: Weights, l: Sg3LayerSpec, name: string, x: Value, wRow: Value, wDim: number, clamp: number | null): Value {
  const { inChannels: ci, outChannels: co, kernel: k } = l;
  const demodulate = !l.toRgb;
  let s = fullyConnected(b, w, `${name}.affine`, wRow, wDim, ci, { activation: 'linear' }); // [B, Ci]
  if (l.toRgb) s = b.mul(s, 1 / Math.sqrt(ci * k * k));
  if (demodulate) s = b.mul(s, b.reciprocal(b.sqrt(b.reduceMean(b.mul(s, s), [1], true))));
  const gain = 1 / Math.sqrt(w.scalar(`${name}.magnitude_ema`));
  const raw = w.tensor(`${name}.weight`, [co, ci, k, k]).data;
  const kk = ci * k * k;
  // W, pre-normalized per output channel when demodulating; the conv weight carries the input gain.
  const weight = new Float32Array(raw.length);
  const sq = new Float32Array(ci * co); // [Ci, Co]: Σ_k W² of the normalized weight
  for (let o = 0; o < co; o++) {
    let mean = 0;
    for (let j = 0; j < kk; j++) mean += raw[o * kk + j]! ** 2;
    const norm = demodulate ? 1 / Math.sqrt(mean / kk) : 1;
    for (let j = 0; j < kk; j++) {
      const v = raw[o * kk + j]! * norm;
      weight[o * kk + j] = v * gain;
      const at = Math.floor(j / (k * k)) * co + o;
      sq[at] = sq[at]! + v * v;
    }
  }
  const conv = b.initializer(`${name}.weight:g`, tensor('float32', [co, ci, k, k], weight));
  let y = b.conv(b.mul(x, b.unsqueeze(s, [2, 3])), conv, undefined, { pads: [k - 1, k - 1, k - 1, k - 1] }); // [B, Co, H + k − 1, …]
  if (demodulate) {
    const sqSum = b.initializer(`${name}.weight:sq`, tensor('float32', [ci, co], sq));
    const d = b.reciprocal(b.sqrt(b.add(b.matmul(b.mul(s, s), sqSum), 1e-8))); // [B, Co]
    y = b.mul(y, b.unsqueeze(d, [2, 3]));
  }
  const filter = (suffix: string) => (w.has(`${name}.${suffix}`) ? w.tensor(`${name}.${suffix}`) : undefined);
  const up = l.upTaps > 1 ? filter('up_filter') : undefined;
  const down = l.downTaps > 1 ? filter('down_filter') : undefined;
  if (l.upTaps > 1 && up?.dims.join() !== String(l.upTaps)) throw new Error(`weights: "${name}.up_filter" must have shape [${l.upTaps}]`);
  const downShape = l.downRadial ? `${l.downTaps},${l.downTaps}` : String(l.downTaps);
  if (l.downTaps > 1 && down?.dims.join() !== downShape) throw new Error(`weights: "${name}.down_filter" must have shape [${downShape.replace(',', ', ')}]`);
  return filteredLrelu(b, l, y, w.value(`${name}.bias`, [co]), { ...(up && { up }), ...(down && { down }) }, clamp, name);
}
