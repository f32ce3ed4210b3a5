/**
 * @stylegraph/plugin-testing — test helpers for stylegraph plugins: run one node through core's
 * real validation and executor, build and compare tensors, golden `.npy` files, gradient
 * checks by central differences, and a whole-package check as a host loads the plugin.
 */
export { runNode, RunNodeError, SOURCE_NAMESPACE, type RunNodeOptions, type OutputsOf } from './run-node.js';
export { memoryFiles, type MemoryFiles } from './memory-files.js';
export { tensor, randomTensor, image, unravel, type TensorData } from './tensors.js';
export { expectClose, compareClose, CheckFailed, type Numeric, type Tolerance, type Mismatch } from './expect-close.js';
export { matchGolden, type GoldenResult } from './golden.js';
export { checkGradient, type GradientCheck, type GradientCheckOptions } from './gradient.js';
export { checkManifest, PLUGIN_KEYWORD, type PluginManifest } from './manifest.js';
export { checkPlugin, loadPlugin, cpuServices, type CheckPluginOptions, type LoadedPluginPackage } from './check-plugin.js';
export { sampleInputs, SAMPLE_SIZES } from './sample-inputs.js';
export { formatReport, type PluginReport, type Problem, type ProblemCode, type NodeCheck } from './report.js';
