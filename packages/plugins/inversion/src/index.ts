/** @stylegraph/plugin-inversion — project real images into W / W+ (a gradient-graph optimizer) and encode them in one pass. */
export { project, psnrOf, type ProjectOptions, type ProjectResult, type Space, type StepInfo } from './core/project.js';
export { buildProjectionGraph, buildProjectionLoss, noiseRegularizer, PIXEL_SCALE, type FeatureNet, type LossWeights, type ProjectionLoss } from './core/loss-graph.js';
export { NVIDIA_SCHEDULE, learningRate, wNoiseScale, type Schedule } from './core/schedule.js';
export { wStats, type WStats } from './core/w-stats.js';
export { Adam } from './core/adam.js';
export { latentDistances, latentReport } from './core/latent-stats.js';
export { plotSeries } from './core/plot.js';

import { PLUGIN_API_VERSION, definePlugin } from '@stylegraph/core';
import { Encode } from './nodes/encode.js';
import { Project } from './nodes/project.js';

export { Encode, Project };

export const inversionPlugin = definePlugin({
  name: '@stylegraph/plugin-inversion',
  version: '0.1.0',
  apiVersion: PLUGIN_API_VERSION,
  description: 'Inversion: project real images into W / W+ (Adam on the gradient graph, NVIDIA projector’s schedule) and encode them in one pass.',
  nodes: [Project, Encode],
});

export default inversionPlugin;
