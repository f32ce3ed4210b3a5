/**
 * The model `config.json` of stylegraph's model format: generator and (optional) discriminator
 * hyperparameters in NVIDIA StyleGAN2-ADA terms, validated by zod with cross-field checks
 * (numWs matches the resolution, channels exist for exactly the blocks 4…resolution, the
 * discriminator matches the generator, class settings are consistent). Bounds keep a hostile
 * config from asking for absurd allocations.
 */
import { z } from '@stylegraph/core';
import { blockResolutions, hasLayout, layerLayout } from '../stylegan/layout.js';
import { checkSg3Layers, Sg3LayersSchema, Sg3ParamsSchema } from './config-sg3.js';

/** Largest z/w/c dimension and channel count accepted. */
export const MAX_MODEL_DIM = 4096;
export const MAX_MODEL_RESOLUTION = 4096;

const count = (min: number, max: number) => z.number().int().min(min).max(max);
const Channels = z.record(z.string().regex(/^[1-9]\d*$/, 'channel keys are resolutions'), count(1, MAX_MODEL_DIM));
const MappingSpec = z.strictObject({ numLayers: count(1, 32), lrMultiplier: z.number().positive().max(10) });
const Resolution = count(4, MAX_MODEL_RESOLUTION).refine((r) => (r & (r - 1)) === 0, 'resolution must be a power of two');
const Clamp = z.number().positive().max(1e6).nullable();

/** Channels must name exactly the block resolutions 4…resolution. */
function checkChannels(channels: Record<string, number>, resolution: number, ctx: z.RefinementCtx): void {
  const wanted = blockResolutions(resolution).map(String);
  for (const r of wanted) {
    if (channels[r] === undefined) ctx.addIssue({ code: 'custom', path: ['channels', r], message: `no channel count for resolution ${r}` });
  }
  for (const r of Object.keys(channels)) {
    if (!wanted.includes(r)) ctx.addIssue({ code: 'custom', path: ['channels', r], message: `resolution ${r} is not a block of a ${resolution} px network (blocks: ${wanted.join(', ')})` });
  }
}

const Sg2GeneratorConfigSchema = z
  .strictObject({
    zDim: count(0, MAX_MODEL_DIM),
    cDim: count(0, MAX_MODEL_DIM),
    wDim: count(1, MAX_MODEL_DIM),
    numWs: count(2, layerLayout({ resolution: MAX_MODEL_RESOLUTION }).numWs),
    resolution: Resolution,
    imgChannels: count(1, 4),
    mapping: MappingSpec,
    channels: Channels,
    convClamp: Clamp,
    architecture: z.literal('skip'),
  })
  .superRefine((g, ctx) => {
    const numWs = hasLayout(g.resolution) ? layerLayout(g).numWs : undefined;
    if (numWs !== undefined && g.numWs !== numWs) ctx.addIssue({ code: 'custom', path: ['numWs'], message: `resolution ${g.resolution} needs numWs ${numWs}, not ${g.numWs}` });
    if (g.zDim === 0 && g.cDim === 0) ctx.addIssue({ code: 'custom', path: ['zDim'], message: 'zDim and cDim cannot both be 0' });
    checkChannels(g.channels, g.resolution, ctx);
  });

const Sg3GeneratorConfigSchema = z
  .strictObject({
    architecture: z.enum(['stylegan3-t', 'stylegan3-r']),
    zDim: count(0, MAX_MODEL_DIM),
    cDim: count(0, MAX_MODEL_DIM),
    wDim: count(1, MAX_MODEL_DIM),
    numWs: count(3, 66),
    resolution: Resolution,
    imgChannels: count(1, 4),
    mapping: MappingSpec,
    convClamp: Clamp,
    /** NVIDIA's SynthesisNetwork hyperparameters. */
    synthesis: Sg3ParamsSchema,
    /** Every layer's geometry as the hyperparameters derive it (checked). */
    layers: Sg3LayersSchema,
  })
  .superRefine((g, ctx) => {
    if (g.zDim === 0 && g.cDim === 0) ctx.addIssue({ code: 'custom', path: ['zDim'], message: 'zDim and cDim cannot both be 0' });
    checkSg3Layers(g, ctx);
  });

/** A StyleGAN2 (`architecture: "skip"`) or StyleGAN3 (`"stylegan3-t"`, `"stylegan3-r"`) generator. */
export const GeneratorConfigSchema = z.discriminatedUnion('architecture', [Sg2GeneratorConfigSchema, Sg3GeneratorConfigSchema]);

export const DiscriminatorConfigSchema = z
  .strictObject({
    architecture: z.literal('resnet'),
    cDim: count(0, MAX_MODEL_DIM),
    resolution: Resolution,
    imgChannels: count(1, 4),
    channels: Channels,
    /** The class embedding's size (NVIDIA's default: channels at 4); null without classes. */
    cmapDim: count(1, MAX_MODEL_DIM).nullable(),
    mbstdGroupSize: count(1, 64),
    mbstdNumChannels: count(0, 16),
    convClamp: Clamp,
    /** The class mapping network; null without classes. */
    mapping: MappingSpec.nullable(),
  })
  .superRefine((d, ctx) => {
    checkChannels(d.channels, d.resolution, ctx);
    const conditional = d.cDim > 0;
    for (const key of ['cmapDim', 'mapping'] as const) {
      if ((d[key] !== null) !== conditional) {
        ctx.addIssue({ code: 'custom', path: [key], message: conditional ? `a class-conditional discriminator (cDim ${d.cDim}) needs ${key}` : `must be null when cDim is 0` });
      }
    }
    const c4 = d.channels['4'];
    if (c4 !== undefined && d.mbstdNumChannels > 0 && c4 % d.mbstdNumChannels !== 0) {
      ctx.addIssue({ code: 'custom', path: ['mbstdNumChannels'], message: `channels at 4 (${c4}) must be a multiple of mbstdNumChannels (${d.mbstdNumChannels})` });
    }
  });

export const ModelConfigSchema = z
  .strictObject({
    format: z.literal('stylegraph.model'),
    formatVersion: z.literal(1),
    name: z.string().min(1).max(200),
    description: z.string().max(10_000).optional(),
    license: z.string().max(1000).optional(),
    generator: GeneratorConfigSchema,
    discriminator: DiscriminatorConfigSchema.nullable(),
  })
  .superRefine((m, ctx) => {
    const d = m.discriminator;
    if (!d) return;
    for (const key of ['resolution', 'imgChannels', 'cDim'] as const) {
      if (d[key] !== m.generator[key]) ctx.addIssue({ code: 'custom', path: ['discriminator', key], message: `is ${d[key]} but the generator's is ${m.generator[key]}` });
    }
  });

export type ModelConfig = z.infer<typeof ModelConfigSchema>;
export type GeneratorConfig = z.infer<typeof GeneratorConfigSchema>;
export type Sg2GeneratorConfig = z.infer<typeof Sg2GeneratorConfigSchema>;
export type Sg3GeneratorConfig = z.infer<typeof Sg3GeneratorConfigSchema>;
export type DiscriminatorConfig = z.infer<typeof DiscriminatorConfigSchema>;
