/**
 * The projector's step as one graph: synthesis (ws + noise maps → image), the distance to the
 * target (pixel MSE, a multi-scale pixel term and a perceptual term from any ONNX feature
 * network), NVIDIA's noise regularizer, and — through `buildGradient` — the gradients of the
 * total loss with respect to ws and every noise map. Losses are per target and summed over the
 * batch, so each target's gradients are its own.
 *
 * Inputs:  ws [B, numWs, wDim]; noise.<layer> [B, 1, r, r]; noise_scale [L]; target [B, C, R, R]
 *          (StyleGAN3: ws, transform [B, 3, 3] and target — it has no noise).
 * Outputs: loss []; distance [B] (weighted distance, without the regularizer); pixel [B] (MSE in
 *          −1…1 units); img [B, C, R, R]; grad:ws; grad:noise.<layer>.
 */
import { tensor } from '@stylegraph/core';
import { buildGradient, buildSynthesis, importOnnx, noiseInputName, noiseLayers, type GeneratorArch, type GraphBuilder, type StateDict, type Value } from '@stylegraph/ops-gpu';

/** Pixel terms are measured on images in 0…255, as NVIDIA's projector scales them: MSE · 127.5². */
export const PIXEL_SCALE = 127.5 ** 2;

export interface LossWeights {
  /** Pixel MSE (in 0…255 units). */
  readonly pixel: number;
  /** Mean of the pixel MSEs (0…255 units) at ½, ¼ and ⅛ resolution (2×2 average pooling). */
  readonly multiscale: number;
  /** Mean squared difference of the feature network's outputs. */
  readonly perceptual: number;
  /** NVIDIA's multiscale noise autocorrelation penalty (1e5). */
  readonly noiseReg: number;
}

/** An ONNX network whose outputs are the perceptual features of a −1…1 image `[B, C, R, R]`. */
export interface FeatureNet {
  readonly bytes: Uint8Array;
  /** Its image input's name. */
  readonly input: string;
  /** The outputs compared (all with a leading batch axis). */
  readonly outputs: readonly string[];
  /** Name in messages. */
  readonly label: string;
}

/** Per-item mean over every axis but the first: [B, …] → [B]. */
const itemMean = (b: GraphBuilder, x: Value): Value => b.reduceMean(x, [...Array(x.rank).keys()].slice(1), false);

/** 2×2 average pooling of [B, C, H, W] with static C. */
function pool2(b: GraphBuilder, x: Value): Value {
  const C = x.shape[1] as number;
  const k = b.constant(tensor('float32', [C, 1, 2, 2], new Float32Array(C * 4).fill(0.25)));
  return b.conv(x, k, undefined, { strides: [2, 2], group: C });
}

/** torch.roll(x, 1, axis) for a static axis length. */
function roll1(b: GraphBuilder, x: Value, axis: number): Value {
  const n = x.shape[axis] as number;
  return b.concat([b.slice(x, { starts: [n - 1], ends: [n], axes: [axis] }), b.slice(x, { starts: [0], ends: [n - 1], axes: [axis] })], axis);
}

/** Σ over scales (down to 8 px) of (mean(v · roll(v)))² along x and y, per item: [B, 1, r, r] → [B]. */
export function noiseRegularizer(b: GraphBuilder, v: Value): Value {
  let reg: Value | undefined;
  for (;;) {
    for (const axis of [3, 2]) {
      const m = itemMean(b, b.mul(v, roll1(b, v, axis))); // [B]
      const sq = b.mul(m, m);
      reg = reg ? b.add(reg, sq) : sq;
    }
    if ((v.shape[2] as number) <= 8) break;
    v = pool2(b, v);
  }
  return reg!;
}

export interface ProjectionLoss {
  /** The forward graph, with outputs img, pixel and distance. */
  readonly graph: GraphBuilder;
  /** The total loss (a scalar value of `graph`). */
  readonly loss: Value;
  /** The inputs differentiated: ws and every noise map. */
  readonly wrt: readonly string[];
}

/** The forward graph of the projector's loss. */
export function buildProjectionLoss(arch: GeneratorArch, dict: StateDict, w: LossWeights, features?: FeatureNet): ProjectionLoss {
  const g = buildSynthesis(arch, dict);
  const img = g.outputs.get('img')!; // [B, C, R, R]
  const R = arch.resolution;
  const target = g.input('target', 'float32', ['B', arch.imgChannels, R, R]);
  const terms: Value[] = [];
  const diff = g.sub(img, target);
  const pixel = itemMean(g, g.mul(diff, diff)); // [B]
  if (w.pixel) terms.push(g.mul(pixel, w.pixel * PIXEL_SCALE));
  if (w.multiscale) {
    let [a, t] = [img, target];
    const levels: Value[] = [];
    for (let s = 0; s < 3 && (a.shape[2] as number) >= 2; s++) {
      [a, t] = [pool2(g, a), pool2(g, t)];
      const d = g.sub(a, t);
      levels.push(itemMean(g, g.mul(d, d)));
    }
    const ms = levels.reduce((x, y) => g.add(x, y));
    terms.push(g.mul(ms, (w.multiscale * PIXEL_SCALE) / levels.length));
  }
  if (w.perceptual && features) {
    const fi = importOnnx(g, features.bytes, { inputs: { [features.input]: img }, outputs: features.outputs, prefix: 'features/', label: features.label });
    const ft = importOnnx(g, features.bytes, { inputs: { [features.input]: target }, outputs: features.outputs, prefix: 'features-target/', label: features.label });
    const per = features.outputs.map((o) => {
      const d = g.sub(fi[o]!, ft[o]!);
      return itemMean(g, g.mul(d, d));
    });
    terms.push(g.mul(per.reduce((x, y) => g.add(x, y)), w.perceptual / per.length));
  }
  if (!terms.length) throw new Error('projection: every distance weight is 0');
  const distance = terms.reduce((x, y) => g.add(x, y)); // [B]
  const layers = noiseLayers(arch).map((l) => ({ name: l.name, res: l.res }));
  let total = distance;
  if (w.noiseReg && layers.length) {
    const reg = layers.map((l) => noiseRegularizer(g, g.inputByName(noiseInputName(l.name))!)).reduce((x, y) => g.add(x, y));
    total = g.add(total, g.mul(reg, w.noiseReg));
  }
  const loss = g.reduceSum(total, undefined, false);
  g.clearOutputs();
  g.output('img', img);
  g.output('pixel', pixel);
  g.output('distance', distance);
  return { graph: g, loss, wrt: ['ws', ...layers.map((l) => noiseInputName(l.name))] };
}

/** The projector's step graph: the loss's forward graph, its outputs kept, and `grad:<input>` for ws and every noise map. */
export function buildProjectionGraph(arch: GeneratorArch, dict: StateDict, w: LossWeights, features?: FeatureNet): GraphBuilder {
  const p = buildProjectionLoss(arch, dict, w, features);
  return buildGradient(p.graph, p.loss, p.wrt, { keepOutputs: true });
}
