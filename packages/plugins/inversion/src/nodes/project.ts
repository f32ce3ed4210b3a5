/** `inversion/Project`: targets → the W+ latents and noise maps that reconstruct them. */
import { NodeError, defineNode, tensor, z, type Tensor } from '@stylegraph/core';
import { buildDiscriminator, onnxInterface, StyleGAN2 } from '@stylegraph/ops-gpu';
import { kinds, type NoiseSpec, type StyleGANGenerator } from '@stylegraph/plugin-stylegan';
import type { FeatureNet } from '../core/loss-graph.js';
import { plotSeries } from '../core/plot.js';
import { project } from '../core/project.js';
import { NVIDIA_SCHEDULE } from '../core/schedule.js';
import { wStats, type WStats } from '../core/w-stats.js';
import { latentReport } from '../core/latent-stats.js';

/** Discriminator feature taps used as the perceptual distance (block outputs, 32…8 px). */
export const DISCRIMINATOR_TAPS = ['b32', 'b16', 'b8'] as const;

const statsCache = new WeakMap<object, Promise<WStats>>();

/** w_avg / w_std of a generator (10,000 z of seed 123), computed once per loaded model. */
export function generatorStats(gen: StyleGANGenerator, sg: StyleGAN2): Promise<WStats> {
  let p = statsCache.get(gen.model);
  if (!p) {
    p = wStats(sg);
    statsCache.set(gen.model, p);
  }
  return p;
}

export const Project = defineNode({
  type: 'inversion/Project',
  version: 1,
  title: 'Project',
  category: 'Inversion',
  description:
    'Finds the latent (W, W+, or W then W+) and noise maps whose synthesis reconstructs each target: Adam on the gradient of the distance, NVIDIA projector’s schedule by default. Cancel stops between steps and keeps the best so far.',
  inputs: {
    generator: { type: kinds.Generator },
    target: { type: 'Image', shape: ['B', 'C', 'res', 'res'], description: 'Images to invert, at the generator’s resolution, in −1…1.' },
    init: { type: kinds.WPlus, optional: true, description: 'Start latents (e.g. from inversion/Encode); default w_avg.' },
  },
  outputs: {
    w: { type: kinds.WPlus },
    noise: { type: kinds.Noise, description: 'The optimized noise maps (feed them to Synthesis with w to get image).' },
    image: { type: 'Image', shape: ['B', 'C', 'res', 'res'] },
    curve: { type: 'Image', shape: [1, 3, 128, 256], description: 'Mean PSNR per step, as a chart.' },
    report: { type: 'Report' },
  },
  params: z.object({
    space: z.enum(['W', 'W+', 'W→W+']).default('W→W+').describe('W: one w for every layer; W+: one per layer; W→W+: half the steps in W, then W+ from there.'),
    steps: z.number().int().min(1).max(100000).default(1000),
    lr: z.number().positive().max(10).default(NVIDIA_SCHEDULE.lr).describe('Peak learning rate (5 % ramp-up, 25 % cosine ramp-down).'),
    wNoise: z.number().min(0).max(10).default(NVIDIA_SCHEDULE.noiseFactor).describe('Initial noise on w in units of w_std, fading to 0 at 75 % of the steps.'),
    noiseReg: z.number().min(0).default(1e5).describe('Weight of the noise maps’ autocorrelation penalty.'),
    pixel: z.number().min(0).default(1).describe('Weight of the pixel MSE (images in 0…255).'),
    multiscale: z.number().min(0).default(0).describe('Weight of the pixel MSE at ½, ¼, ⅛ resolution.'),
    perceptual: z.enum(['none', 'discriminator', 'onnx']).default('none').describe('Perceptual distance: the model’s discriminator features, or an ONNX feature network (perceptualModel).'),
    perceptualModel: z.string().min(1).optional().describe('ONNX feature network taking a −1…1 image (e.g. models/metrics/face-features.onnx or an exported VGG16-LPIPS).'),
    perceptualOutputs: z.array(z.string().min(1)).min(1).optional().describe('Its outputs compared (default: its first output).'),
    perceptualWeight: z.number().min(0).default(1),
    seed: z.number().int().min(0).max(0xffffffff).default(0).describe('Seed of the initial noise maps and the w noise.').meta({ widget: 'seed' }),
    stopDistance: z.number().min(0).nullable().default(null).describe('Stop once every target’s distance is at most this.'),
    stopPsnr: z.number().min(0).nullable().default(null).describe('Stop once every target’s PSNR (dB) is at least this.'),
    previewEvery: z.number().int().min(1).default(50).describe('Show the reconstruction every N steps.'),
  }),
  fileParams: ['perceptualModel'],
  purity: 'pure',
  run: async ({ inputs, params, ctx }) => {
    const gen = inputs.generator;
    const { numWs, wDim, C, res } = gen.dims;
    const B = inputs.target.dims[0]!;
    if (inputs.init && (inputs.init.dims[0] !== B || inputs.init.dims[1] !== numWs || inputs.init.dims[2] !== wDim)) {
      throw new NodeError('SHAPE_MISMATCH', `init is [${inputs.init.dims.join(', ')}] but the targets need [${B}, ${numWs}, ${wDim}]`);
    }
    const model = gen.model;
    const sg = new StyleGAN2(model, ctx.services.compute);
    const features = await featureNet(params, model, ctx.files);
    const stats = await generatorStats(gen, sg);
    const r = await project(model, ctx.services.compute, inputs.target, {
      space: params.space,
      steps: params.steps,
      schedule: { ...NVIDIA_SCHEDULE, lr: params.lr, noiseFactor: params.wNoise },
      weights: { pixel: params.pixel, multiscale: params.multiscale, perceptual: features ? params.perceptualWeight : 0, noiseReg: params.noiseReg },
      ...(features && { features }),
      stats,
      seed: params.seed,
      ...(inputs.init && { init: inputs.init.data }),
      stopDistance: params.stopDistance,
      stopPsnr: params.stopPsnr,
      shouldStop: () => ctx.signal.aborted,
      onStep: (s) => {
        const mean = s.psnr.reduce((a, b) => a + b, 0) / s.psnr.length;
        ctx.progress(s.step / s.steps, `step ${s.step}/${s.steps}: ${mean.toFixed(2)} dB`);
        ctx.show('psnr', mean, s.step);
        if (s.step % params.previewEvery === 0 || s.step === s.steps) ctx.show('preview', tensor('float32', [B, C, res, res], s.img.slice()), s.step);
      },
    });
    if (r.stopped === 'cancelled') ctx.log.warn(`projection cancelled after ${r.steps} steps; returning the best latents so far`);
    const noise: NoiseSpec = {
      mode: 'maps',
      seed: params.seed,
      scale: Object.keys(r.noise).map(() => 1),
      maps: Object.fromEntries(Object.entries(r.noise).map(([k, v]) => [k, tensor('float32', [B, 1, Math.sqrt(v.length / B), Math.sqrt(v.length / B)], v)])),
    };
    const ws: Tensor<'float32'> = tensor('float32', [B, numWs, wDim], r.ws);
    const mean = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    const report = {
      targets: B,
      space: params.space,
      steps: r.steps,
      stopped: r.stopped,
      seconds: r.seconds,
      secondsPerStep: r.steps ? r.seconds / r.steps : 0,
      distance: mean(r.distance),
      psnr: mean(r.psnr),
      ...latentReport(r.ws, B, numWs, wDim, stats),
      ...(B > 1 && Object.fromEntries(r.psnr.map((p, b) => [`psnr.${b}`, p]))),
    };
    return {
      w: ws,
      noise,
      image: tensor('float32', [B, C, res, res], r.img),
      curve: tensor('float32', [1, 3, 128, 256], plotSeries(r.curve.map((c) => c.psnr))),
      report,
    };
  },
});

async function featureNet(
  p: { perceptual: 'none' | 'discriminator' | 'onnx'; perceptualModel?: string | undefined; perceptualOutputs?: string[] | undefined },
  model: StyleGANGenerator['model'],
  files: { read(path: string): Promise<Uint8Array> },
): Promise<FeatureNet | undefined> {
  if (p.perceptual === 'none') return undefined;
  if (p.perceptual === 'discriminator') {
    const d = model.discriminator;
    const dict = model.weights.discriminator;
    if (!d || !dict) throw new NodeError('inversion/NO_DISCRIMINATOR', 'perceptual "discriminator": this model folder has no discriminator.safetensors');
    const taps = p.perceptualOutputs ?? [...DISCRIMINATOR_TAPS];
    const bytes = buildDiscriminator(d, dict, { batch: 1, taps }).toModel();
    return { bytes, input: 'img', outputs: taps.map((t) => `tap:${t}`), label: 'discriminator' };
  }
  if (!p.perceptualModel) throw new NodeError('PARAM_INVALID', 'perceptual "onnx" needs perceptualModel (the path of an .onnx feature network)');
  const bytes = await files.read(p.perceptualModel);
  let io: { inputs: string[]; outputs: string[] };
  try {
    io = onnxInterface(bytes);
  } catch (e) {
    throw new NodeError('FILE_FORMAT', `${p.perceptualModel}: ${(e as Error).message}`);
  }
  const { inputs, outputs } = io;
  if (inputs.length !== 1) throw new NodeError('PARAM_INVALID', `${p.perceptualModel}: a feature network needs exactly one input (the image), it has ${inputs.length}`);
  return { bytes, input: inputs[0]!, outputs: p.perceptualOutputs ?? [outputs[0]!], label: p.perceptualModel };
}
