/**
 * The projector: finds, for each target image, the latent (W or W+) and noise maps whose
 * synthesis reconstructs it. Each step is one run of the projection graph (forward + backward,
 * loss-graph.ts); the optimizer (Adam), the schedule, the w noise and the noise
 * renormalization are here. Every target is optimized independently (its own loss terms,
 * Adam moments per element), so a batch gives the same result as one target at a time.
 */
import { RandomState, tensor, type Tensor } from '@stylegraph/core';
import { cacheKey, hashBytes, isStyleGAN3, noiseInputName, noiseLayers, type Compute, type StyleGANModel } from '@stylegraph/ops-gpu';
import { Adam } from './adam.js';
import { buildProjectionGraph, type FeatureNet, type LossWeights } from './loss-graph.js';
import { learningRate, wNoiseScale, type Schedule } from './schedule.js';
import type { WStats } from './w-stats.js';

export type Space = 'W' | 'W+' | 'W→W+';

export interface ProjectOptions {
  readonly space: Space;
  readonly steps: number;
  readonly schedule: Schedule;
  readonly weights: LossWeights;
  readonly features?: FeatureNet;
  readonly stats: WStats;
  /** Seed of the initial noise maps and of the w noise. */
  readonly seed: number;
  /** Start latents `[B, numWs, wDim]` (default w_avg); W uses the mean of their rows. */
  readonly init?: Float32Array;
  /** Start noise maps per layer `[B, 1, r, r]` (default: standard normal from `seed`). */
  readonly initNoise?: Readonly<Record<string, Float32Array>>;
  /** Stop when every target's distance is at most this. */
  readonly stopDistance?: number | null;
  /** Stop when every target's PSNR is at least this (dB). */
  readonly stopPsnr?: number | null;
  /** CPU threads of the step's session (default: the compute's). */
  readonly threads?: number;
  /** Called after each step; may return a promise (the next step waits). */
  readonly onStep?: (s: StepInfo) => void | Promise<void>;
  /** Asked before each step; true stops the run and returns the best so far. */
  readonly shouldStop?: () => boolean;
}

export interface StepInfo {
  readonly step: number;
  readonly steps: number;
  /** Per target, at this step. */
  readonly distance: readonly number[];
  readonly psnr: readonly number[];
  /** This step's reconstruction `[B, C, R, R]`. */
  readonly img: Float32Array;
  /** The W+ it was rendered from `[B, numWs, wDim]` (w noise included). */
  readonly ws: Float32Array;
}

export interface ProjectResult {
  /** The best W+ per target `[B, numWs, wDim]` (the latent that rendered `img`). */
  readonly ws: Float32Array;
  /** Its noise maps per layer `[B, 1, r, r]`. */
  readonly noise: Record<string, Float32Array>;
  /** Reconstructions `[B, C, R, R]`. */
  readonly img: Float32Array;
  readonly distance: number[];
  readonly psnr: number[];
  /** Step at which each target's best was reached. */
  readonly bestStep: number[];
  readonly steps: number;
  readonly seconds: number;
  /** Mean distance and PSNR over the targets, per step. */
  readonly curve: { step: number; distance: number; psnr: number }[];
  readonly stopped: 'steps' | 'target' | 'cancelled';
}

/** PSNR (dB) of an MSE of images in −1…1 (peak-to-peak 2). */
export const psnrOf = (mse: number): number => 10 * Math.log10(4 / Math.max(mse, 1e-12));

/** The input transform stored with a StyleGAN3 generator, repeated for B images `[B, 3, 3]`. */
function storedTransform(model: StyleGANModel, B: number): Tensor<'float32'> {
  const t = model.weights.generator.get('synthesis.input.transform');
  if (!t) throw new Error('weights: missing "synthesis.input.transform"');
  return tensor('float32', [B, 3, 3], Float32Array.from({ length: B * 9 }, (_, i) => t.data[i % 9]!));
}

export async function project(model: StyleGANModel, compute: Compute, target: Tensor<'float32'>, o: ProjectOptions): Promise<ProjectResult> {
  const arch = model.generator;
  const { numWs, wDim, resolution: R, imgChannels: C } = arch;
  const B = target.dims[0]!;
  if (target.dims.length !== 4 || target.dims[1] !== C || target.dims[2] !== R || target.dims[3] !== R) {
    throw new Error(`target must be [B, ${C}, ${R}, ${R}], got [${target.dims.join(', ')}]`);
  }
  const featureHash = o.features ? await hashBytes(o.features.bytes) : null;
  const key = await cacheKey([model.contentHash, 'projection', o.weights, featureHash, o.features?.outputs ?? null]);
  const build = () => buildProjectionGraph(arch, model.weights.generator, o.weights, o.features).toModel();
  const session = await compute.session({ key, build }, o.threads ? { threads: o.threads } : {});
  const layers = noiseLayers(arch);

  const rng = new RandomState(o.seed);
  const noise: Record<string, Float32Array> = {};
  for (const l of layers) {
    const given = o.initNoise?.[l.name];
    if (given && given.length !== B * l.res * l.res) throw new Error(`initNoise ${l.name}: expected ${B * l.res * l.res} values, got ${given.length}`);
    noise[l.name] = given ? given.slice() : Float32Array.from(rng.randn(B * l.res * l.res));
  }
  const noiseAdam = Object.fromEntries(layers.map((l) => [l.name, new Adam(B * l.res * l.res)]));
  // StyleGAN2: the learned noise strengths as they are; StyleGAN3: the stored input transform for every target.
  const fixed: Record<string, Tensor> = isStyleGAN3(arch) ? { transform: storedTransform(model, B) } : { noise_scale: tensor('float32', [layers.length], new Float32Array(layers.length).fill(1)) };

  // Best so far per target.
  const best = {
    ws: new Float32Array(B * numWs * wDim),
    noise: Object.fromEntries(layers.map((l) => [l.name, new Float32Array(B * l.res * l.res)])) as Record<string, Float32Array>,
    img: new Float32Array(B * C * R * R),
    distance: new Array<number>(B).fill(Infinity),
    psnr: new Array<number>(B).fill(0),
    step: new Array<number>(B).fill(-1),
  };
  const curve: ProjectResult['curve'] = [];
  const t0 = performance.now();
  let done = 0;
  let stopped: ProjectResult['stopped'] = 'steps';

  const phases: { k: number; steps: number; noiseFactor: number }[] =
    o.space === 'W' ? [{ k: 1, steps: o.steps, noiseFactor: o.schedule.noiseFactor }]
    : o.space === 'W+' ? [{ k: numWs, steps: o.steps, noiseFactor: o.schedule.noiseFactor }]
    : [
        { k: 1, steps: Math.ceil(o.steps / 2), noiseFactor: o.schedule.noiseFactor },
        { k: numWs, steps: Math.floor(o.steps / 2), noiseFactor: 0 },
      ];

  // The latent variable: [B, k, wDim].
  let k = phases[0]!.k;
  let w = startLatents(o, B, k, numWs, wDim);

  outer: for (const phase of phases) {
    if (phase.k !== k) {
      // W → W+: every row starts from the W result.
      const next = new Float32Array(B * phase.k * wDim);
      for (let b = 0; b < B; b++) for (let i = 0; i < phase.k; i++) next.set(w.subarray(b * k * wDim, (b * k + 1) * wDim), (b * phase.k + i) * wDim);
      k = phase.k;
      w = next;
    }
    const adam = new Adam(w.length);
    const sched = { ...o.schedule, noiseFactor: phase.noiseFactor };
    for (let step = 0; step < phase.steps; step++) {
      if (o.shouldStop?.()) {
        stopped = 'cancelled';
        break outer;
      }
      // ws = (w + n) repeated to numWs rows; n ~ N(0, σ²) per element of w.
      const sigma = wNoiseScale(sched, step, phase.steps, o.stats.std);
      const wn = sigma > 0 ? rng.randn(w.length) : undefined;
      const ws = new Float32Array(B * numWs * wDim);
      for (let b = 0; b < B; b++)
        for (let i = 0; i < numWs; i++) {
          const src = (b * k + (k === 1 ? 0 : i)) * wDim;
          const dst = (b * numWs + i) * wDim;
          for (let d = 0; d < wDim; d++) ws[dst + d] = w[src + d]! + (wn ? wn[src + d]! * sigma : 0);
        }
      const feeds: Record<string, Tensor> = { ws: tensor('float32', [B, numWs, wDim], ws), ...fixed, target };
      for (const l of layers) feeds[noiseInputName(l.name)] = tensor('float32', [B, 1, l.res, l.res], noise[l.name]!);
      const out = await session.run(feeds);
      const dist = Array.from(out.distance!.data as Float32Array);
      const psnr = Array.from(out.pixel!.data as Float32Array, psnrOf);
      const img = out.img!.data as Float32Array;

      for (let b = 0; b < B; b++) {
        if (!(dist[b]! < best.distance[b]!)) continue;
        best.distance[b] = dist[b]!;
        best.psnr[b] = psnr[b]!;
        best.step[b] = done;
        best.ws.set(ws.subarray(b * numWs * wDim, (b + 1) * numWs * wDim), b * numWs * wDim);
        best.img.set(img.subarray(b * C * R * R, (b + 1) * C * R * R), b * C * R * R);
        for (const l of layers) {
          const n = l.res * l.res;
          best.noise[l.name]!.set(noise[l.name]!.subarray(b * n, (b + 1) * n), b * n);
        }
      }
      curve.push({ step: done, distance: mean(dist), psnr: mean(psnr) });
      done++;
      await o.onStep?.({ step: done, steps: o.steps, distance: dist, psnr, img, ws });

      const reached =
        (o.stopDistance != null && best.distance.every((d) => d <= o.stopDistance!)) || (o.stopPsnr != null && best.psnr.every((p) => p >= o.stopPsnr!));
      if (reached) {
        stopped = 'target';
        break outer;
      }

      // Adam on w (W: the gradient summed over the repeated rows) and on the noise maps.
      const lr = learningRate(sched, step, phase.steps);
      const gws = out['grad:ws']!.data as Float32Array;
      let gw: Float32Array = gws;
      if (k === 1) {
        gw = new Float32Array(B * wDim);
        for (let b = 0; b < B; b++) for (let i = 0; i < numWs; i++) for (let d = 0; d < wDim; d++) gw[b * wDim + d]! += gws[(b * numWs + i) * wDim + d]!;
      }
      adam.step(w, gw, lr);
      for (const l of layers) {
        const v = noise[l.name]!;
        noiseAdam[l.name]!.step(v, out[`grad:${noiseInputName(l.name)}`]!.data as Float32Array, lr);
        renormalize(v, B, l.res * l.res);
      }
    }
  }

  return {
    ws: best.ws,
    noise: best.noise,
    img: best.img,
    distance: best.distance,
    psnr: best.psnr,
    bestStep: best.step,
    steps: done,
    seconds: (performance.now() - t0) / 1000,
    curve,
    stopped,
  };
}

/** w_avg, or the given init (its rows' mean when k = 1), as [B, k, wDim]. */
function startLatents(o: ProjectOptions, B: number, k: number, numWs: number, wDim: number): Float32Array {
  if (o.init && o.init.length !== B * numWs * wDim) throw new Error(`init: expected [${B}, ${numWs}, ${wDim}] (${B * numWs * wDim} values), got ${o.init.length}`);
  const w = new Float32Array(B * k * wDim);
  for (let b = 0; b < B; b++)
    for (let i = 0; i < k; i++)
      for (let d = 0; d < wDim; d++) {
        let v = o.stats.avg[d]!;
        if (o.init && k === numWs) v = o.init[(b * numWs + i) * wDim + d]!;
        else if (o.init) {
          v = 0;
          for (let j = 0; j < numWs; j++) v += o.init[(b * numWs + j) * wDim + d]!;
          v /= numWs;
        }
        w[(b * k + i) * wDim + d] = v;
      }
  return w;
}

const mean = (xs: readonly number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;

/** Each target's map to zero mean and unit mean square, in place. */
function renormalize(v: Float32Array, B: number, n: number): void {
  for (let b = 0; b < B; b++) {
    const m = v.subarray(b * n, (b + 1) * n);
    let s = 0;
    for (let i = 0; i < n; i++) s += m[i]!;
    const mu = s / n;
    let q = 0;
    for (let i = 0; i < n; i++) {
      m[i] = m[i]! - mu;
      q += m[i]! * m[i]!;
    }
    const r = 1 / Math.sqrt(q / n);
    for (let i = 0; i < n; i++) m[i] = m[i]! * r;
  }
}
