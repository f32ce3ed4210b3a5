/**
 * The StyleGAN3 generator's part of `config.json`: the network's hyperparameters in NVIDIA's
 * terms (`synthesis`) and, for people and tools reading the file, every layer's derived
 * geometry (`layers`: sizes, sampling rates, cutoffs, half-widths, channels, filter taps,
 * paddings), which must equal what the hyperparameters derive (stylegan3/schedule.ts).
 */
import { z } from '@stylegraph/core';
import { sg3Schedule, type Sg3LayerSpec } from '../stylegan3/schedule.js';

const int = (min: number, max: number) => z.number().int().min(min).max(max);
const pos = (max: number) => z.number().positive().max(max);

export const Sg3ParamsSchema = z.strictObject({
  numLayers: int(2, 64),
  numCritical: int(0, 63),
  firstCutoff: pos(1e4),
  firstStopband: pos(1e4),
  lastStopbandRel: z.number().min(1).max(16),
  marginSize: int(0, 256),
  outputScale: pos(1e3),
  channelBase: int(1, 2 ** 24),
  channelMax: int(1, 4096),
  convKernel: z.union([z.literal(1), z.literal(3)]),
  filterSize: int(1, 32),
  lreluUpsampling: int(1, 8),
});

const Sg3LayerSchema = z.strictObject({
  name: z.string().max(100),
  toRgb: z.boolean(),
  criticallySampled: z.boolean(),
  inChannels: z.number(),
  outChannels: z.number(),
  inSize: z.number(),
  outSize: z.number(),
  inSamplingRate: z.number(),
  outSamplingRate: z.number(),
  inCutoff: z.number(),
  outCutoff: z.number(),
  inHalfWidth: z.number(),
  outHalfWidth: z.number(),
  kernel: z.number(),
  upFactor: z.number(),
  downFactor: z.number(),
  upTaps: z.number(),
  downTaps: z.number(),
  downRadial: z.boolean(),
  padding: z.tuple([z.number(), z.number(), z.number(), z.number()]),
});

const close = (a: unknown, b: unknown): boolean =>
  typeof a === 'number' && typeof b === 'number' ? Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(b))
  : Array.isArray(a) && Array.isArray(b) ? a.length === b.length && a.every((v, i) => close(v, b[i]))
  : a === b;

/** Adds an issue for every way the recorded layers differ from what the hyperparameters derive. */
export function checkSg3Layers(
  g: { resolution: number; imgChannels: number; architecture: 'stylegan3-t' | 'stylegan3-r'; synthesis: z.infer<typeof Sg3ParamsSchema>; layers: readonly Sg3LayerSpec[]; numWs: number },
  ctx: z.RefinementCtx,
): void {
  const p = g.synthesis;
  if (p.numCritical >= p.numLayers) {
    ctx.addIssue({ code: 'custom', path: ['synthesis', 'numCritical'], message: `must be less than numLayers (${p.numLayers})` });
    return;
  }
  if (g.numWs !== p.numLayers + 2) ctx.addIssue({ code: 'custom', path: ['numWs'], message: `a StyleGAN3 network of ${p.numLayers} layers needs numWs ${p.numLayers + 2}, not ${g.numWs}` });
  const derived = sg3Schedule(g.resolution, g.imgChannels, p, g.architecture).layers;
  derived.forEach((l, i) => {
    if (l.upFactor * l.inSamplingRate !== Math.max(l.inSamplingRate, l.outSamplingRate) * (l.toRgb ? 1 : p.lreluUpsampling) || l.outSize > 4 * g.resolution + 512) {
      ctx.addIssue({ code: 'custom', path: ['synthesis'], message: `layer ${l.name}: these hyperparameters give no integer resampling factors` });
    }
    if (l.outChannels < 1) ctx.addIssue({ code: 'custom', path: ['synthesis', 'channelBase'], message: `layer ${l.name} would have no channels` });
    const got = g.layers[i];
    if (!got) return;
    for (const key of Object.keys(l) as (keyof Sg3LayerSpec)[]) {
      if (!close(got[key], l[key])) ctx.addIssue({ code: 'custom', path: ['layers', i, key], message: `is ${JSON.stringify(got[key])}, but the synthesis hyperparameters give ${JSON.stringify(l[key])}` });
    }
  });
  if (g.layers.length !== derived.length) ctx.addIssue({ code: 'custom', path: ['layers'], message: `lists ${g.layers.length} layers; numLayers ${p.numLayers} gives ${derived.length} (with ToRGB)` });
}

export const Sg3LayersSchema = z.array(Sg3LayerSchema).max(65);
