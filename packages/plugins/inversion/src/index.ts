/** @stylegraph/plugin-inversion — project real images into W / W+ (a gradient-graph optimizer) and encode them in one pass. */
export { project, psnrOf, type ProjectOptions, type ProjectResult, type Space, type StepInfo } from './core/project.js';
export { buildProjectionGraph, noiseRegularizer, type FeatureNet, type LossWeights, type ProjectionGraph } from './core/loss-graph.js';
export { NVIDIA_SCHEDULE, learningRate, wNoiseScale, type Schedule } from './core/schedule.js';
export { wStats, type WStats } from './core/w-stats.js';
export { Adam } from './core/adam.js';
