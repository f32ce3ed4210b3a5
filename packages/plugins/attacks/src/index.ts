/**
 * @stylegraph/plugin-attacks — deterministic image degradations for testing the robustness of
 * invisible watermarks: JPEG and WebP round trips, resize, crop, rotate, brightness, contrast,
 * Gaussian blur and noise, and chains of them. Every attack works on 8-bit RGB, as PIL does,
 * and is also exported as a plain function (applyAttack) for programs such as benchmarks.
 */
import { PLUGIN_API_VERSION, definePlugin } from '@stylegraph/core';
import { ATTACK_NODES } from './nodes/attack-nodes.js';

export { AttackJpeg, AttackWebp, AttackResize, AttackCrop, AttackRotate, AttackBrightness, AttackContrast, AttackBlur, AttackNoise, AttackChain, ATTACK_NODES } from './nodes/attack-nodes.js';
export { applyAttack, applyAttacks, attackOutputSize, chainOutputSize } from './attacks/apply.js';
export { AttackSpecSchema, AttackChainSchema, MAX_CHAIN_STEPS, parseAttackSpec, parseAttackChain, type AttackSpec, type AttackSpecInput } from './spec/attack-spec.js';
export { ATTACK_KINDS, ATTACK_PARAMS, JPEG_SUBSAMPLINGS, RESIZE_KERNELS, ROTATE_FILLS, type AttackKind, type ResizeKernel, type RotateFill } from './spec/params.js';
export { MAX_SIDE, type RgbImage } from './image/rgb-image.js';
export { Xoshiro128ss } from './rng/xoshiro128.js';

export const attacksPlugin = definePlugin({
  name: '@stylegraph/plugin-attacks',
  version: '0.1.0',
  apiVersion: PLUGIN_API_VERSION,
  description: 'Deterministic image attacks for watermark robustness tests: JPEG, WebP, resize, crop, rotate, brightness, contrast, blur, noise, chains.',
  nodes: ATTACK_NODES,
});

export default attacksPlugin;
