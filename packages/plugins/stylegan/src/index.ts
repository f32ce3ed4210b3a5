/**
 * @stylegraph/plugin-stylegan — StyleGAN nodes built on the public APIs of @stylegraph/core and
 * @stylegraph/ops-gpu only, exactly as a third-party plugin would be.
 */
import { PLUGIN_API_VERSION, definePlugin } from '@stylegraph/core';
import { LoadGenerator } from './nodes/load-generator.js';
import { Mapping } from './nodes/mapping.js';
import { Noise, noiseLayerSet } from './nodes/noise.js';
import { SeedLatents } from './nodes/seed-latents.js';
import { StyleMix, mixLayers } from './nodes/style-mix.js';
import { Synthesis } from './nodes/synthesis.js';
import { Truncation } from './nodes/truncation.js';
import { Interpolate, InterpolateZ } from './nodes/interpolate.js';
import { LatentEdit } from './nodes/latent-edit.js';
import { MeanW } from './nodes/mean-w.js';
import { LoadW } from './nodes/load-w.js';
import { TruncationSweep, psiValues } from './nodes/truncation-sweep.js';
import { RepeatW } from './nodes/repeat.js';
import { InputTransform, inputTransform } from './nodes/input-transform.js';
import { Equivariance } from './nodes/equivariance.js';

export { noiseLayerSet };
export { LoadGenerator, Mapping, Noise, SeedLatents, StyleMix, Synthesis, Truncation, Interpolate, InterpolateZ, LatentEdit, MeanW, LoadW, TruncationSweep, RepeatW, InputTransform, inputTransform, Equivariance, mixLayers, psiValues };
export { generatorValue, type StyleGANGenerator, type GeneratorSource } from './generator-value.js';
export { openGenerator } from './open-generator.js';
/** The port kinds this plugin declares, for plugins whose nodes take or give them. */
export * as kinds from './kinds.js';
export type { NoiseSpec } from './nodes/noise.js';

export const styleganPlugin = definePlugin({
  name: '@stylegraph/plugin-stylegan',
  version: '0.1.0',
  apiVersion: PLUGIN_API_VERSION,
  description: 'Load StyleGAN2 and StyleGAN3 generators, NumPy-exact seed latents, mapping, truncation, style mixing, noise, input transforms and synthesis.',
  nodes: [LoadGenerator, SeedLatents, Mapping, Truncation, StyleMix, Noise, Synthesis, Interpolate, InterpolateZ, LatentEdit, MeanW, LoadW, TruncationSweep, RepeatW, InputTransform, Equivariance],
});

export default styleganPlugin;
