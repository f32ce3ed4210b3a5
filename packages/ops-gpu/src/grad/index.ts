/**
 * Reverse-mode gradients of built graphs: `buildGradient` and the one-rule-per-primitive
 * gradient table. Browser-safe (no Node built-ins, no onnxruntime).
 */
export { buildGradient, gradName, type GradientOptions } from './build.js';
export { GRAD_RULES } from './rules.js';
export type { GradEntry, GradTable, NonDifferentiable, VjpArgs, VjpRule } from './rule.js';
export { checkGradients, type GradCheckOptions, type GradCheckResult } from './check.js';
