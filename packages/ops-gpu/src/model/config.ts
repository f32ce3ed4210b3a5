/**
 * The model `config.json`: generator and (optional) discriminator hyperparameters, validated
 * by zod, with cross-field checks (numWs matches the resolution, channels exist for every
 * block).
 */
import { z } from '@stylegraph/core';
import { blockResolutions } from '../stylegan/arch.js';

const dim = (max: number) => z.number().int().min(0).max(max);
const Channels = z.record(z.string().regex(/^\d+$/), z.number().int().min(1).max(4096));
const MappingSpec = z.object({ numLayers: z.number().int().min(1).max(32), lrMultiplier: z.number().positive().max(10) }).strict();
const Resolution = z
  .number()
  .int()
  .min(4)
  .max(4096)
  .refine((r) => Number.isInteger(Math.log2(r)), 'resolution must be a power of two');
const Clamp = z.number().positive().nullable();

const hasChannels = (channels: Record<string, number>, res: number, ctx: z.RefinementCtx, path: string) => {
  for (const r of blockResolutions(res)) {
    if (channels[String(r)] === undefined) ctx.addIssue({ code: 'custom', path: [path, 'channels', String(r)], message: `no channel count for resolution ${r}` });
  }
};

export const GeneratorConfigSchema = z
  .object({
    zDim: dim(4096),
    cDim: dim(100_000),
    wDim: dim(4096).min(1),
    numWs: z.number().int().min(1).max(64),
    resolution: Resolution,
    imgChannels: z.number().int().min(1).max(4),
    mapping: MappingSpec,
    channels: Channels,
    convClamp: Clamp,
    architecture: z.literal('skip'),
  })
  .strict();

export const DiscriminatorConfigSchema = z
  .object({
    architecture: z.literal('resnet'),
    cDim: dim(100_000),
    resolution: Resolution,
    imgChannels: z.number().int().min(1).max(4),
    channels: Channels,
    cmapDim: z.number().int().min(1).max(4096).nullable(),
    mbstdGroupSize: z.number().int().min(1).max(64),
    mbstdNumChannels: z.number().int().min(0).max(16),
    convClamp: Clamp,
    mapping: MappingSpec.nullable(),
  })
  .strict();

export const ModelConfigSchema = z
  .object({
    format: z.literal('stylegraph.model'),
    formatVersion: z.literal(1),
    name: z.string().min(1).max(200),
    description: z.string().max(10_000).optional(),
    license: z.string().max(1000).optional(),
    generator: GeneratorConfigSchema,
    discriminator: DiscriminatorConfigSchema.nullable(),
  })
  .strict()
  .superRefine((m, ctx) => {
    const g = m.generator;
    const numWs = 2 * Math.log2(g.resolution) - 2;
    if (g.numWs !== numWs) ctx.addIssue({ code: 'custom', path: ['generator', 'numWs'], message: `resolution ${g.resolution} needs numWs ${numWs}, not ${g.numWs}` });
    if (g.zDim === 0 && g.cDim === 0) ctx.addIssue({ code: 'custom', path: ['generator', 'zDim'], message: 'zDim and cDim cannot both be 0' });
    hasChannels(g.channels, g.resolution, ctx, 'generator');
    const d = m.discriminator;
    if (!d) return;
    hasChannels(d.channels, d.resolution, ctx, 'discriminator');
    if (d.cDim > 0 && (d.cmapDim === null || d.mapping === null)) {
      ctx.addIssue({ code: 'custom', path: ['discriminator', 'cmapDim'], message: 'a class-conditional discriminator needs cmapDim and mapping' });
    }
    if (d.mbstdNumChannels > 0 && (d.channels['4'] ?? 0) % d.mbstdNumChannels !== 0) {
      ctx.addIssue({ code: 'custom', path: ['discriminator', 'mbstdNumChannels'], message: 'channels at 4 must be a multiple of mbstdNumChannels' });
    }
  });

export type ModelConfig = z.infer<typeof ModelConfigSchema>;
export type GeneratorConfig = ModelConfig['generator'];
export type DiscriminatorConfig = NonNullable<ModelConfig['discriminator']>;
