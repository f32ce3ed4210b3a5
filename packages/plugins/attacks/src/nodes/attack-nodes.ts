/** The nodes `attack/*`: one per attack, thin wrappers over the plain functions, and attack/Chain. */
import { z } from '@stylegraph/core';
import { AttackChainSchema } from '../spec/attack-spec.js';
import { ATTACK_PARAMS } from '../spec/params.js';
import { attackNode } from './attack-node.js';

export const AttackJpeg = attackNode({
  type: 'attack/Jpeg',
  title: 'JPEG',
  description: 'Encodes each image as a JPEG at the given quality and decodes it again (libjpeg-turbo in Node, MozJPEG in browsers).',
  params: z.object(ATTACK_PARAMS.jpeg),
  steps: (p) => [{ attack: 'jpeg', ...p }],
});

export const AttackWebp = attackNode({
  type: 'attack/Webp',
  title: 'WebP',
  description: 'Encodes each image as a lossy WebP at the given quality and decodes it again (libwebp).',
  params: z.object(ATTACK_PARAMS.webp),
  steps: (p) => [{ attack: 'webp', ...p }],
});

export const AttackResize = attackNode({
  type: 'attack/Resize',
  title: 'Resize',
  description: 'Scales each image to round(H·scale) × round(W·scale), resampled as PIL’s Image.resize.',
  params: z.object(ATTACK_PARAMS.resize),
  steps: (p) => [{ attack: 'resize', ...p }],
  resizes: true,
});

export const AttackCrop = attackNode({
  type: 'attack/Crop',
  title: 'Crop',
  description: 'Keeps a window of `area` of the image, with its aspect ratio, at position (x, y); the output is the window.',
  params: z.object(ATTACK_PARAMS.crop),
  steps: (p) => [{ attack: 'crop', ...p }],
  resizes: true,
});

export const AttackRotate = attackNode({
  type: 'attack/Rotate',
  title: 'Rotate',
  description: 'Rotates each image about its centre (counter-clockwise for positive degrees), bilinear, keeping its size; uncovered corners take the fill colour.',
  params: z.object(ATTACK_PARAMS.rotate),
  steps: (p) => [{ attack: 'rotate', ...p }],
});

export const AttackBrightness = attackNode({
  type: 'attack/Brightness',
  title: 'Brightness',
  description: 'Multiplies every value by the factor and clips, as PIL’s ImageEnhance.Brightness.',
  params: z.object(ATTACK_PARAMS.brightness),
  steps: (p) => [{ attack: 'brightness', ...p }],
});

export const AttackContrast = attackNode({
  type: 'attack/Contrast',
  title: 'Contrast',
  description: 'Scales the distance of every value from the image’s mean grey level and clips, as PIL’s ImageEnhance.Contrast.',
  params: z.object(ATTACK_PARAMS.contrast),
  steps: (p) => [{ attack: 'contrast', ...p }],
});

export const AttackBlur = attackNode({
  type: 'attack/Blur',
  title: 'Gaussian blur',
  description: 'Gaussian blur of standard deviation sigma pixels, as PIL’s ImageFilter.GaussianBlur (three extended box blurs).',
  params: z.object(ATTACK_PARAMS.blur),
  steps: (p) => [{ attack: 'blur', ...p }],
});

export const AttackNoise = attackNode({
  type: 'attack/Noise',
  title: 'Gaussian noise',
  description: 'Adds seeded Gaussian noise of sigma 8-bit levels to every value, rounded and clipped (every image of the batch gets the same noise).',
  params: z.object(ATTACK_PARAMS.noise),
  steps: (p) => [{ attack: 'noise', ...p }],
});

export const AttackChain = attackNode({
  type: 'attack/Chain',
  title: 'Attack chain',
  description: 'Applies attacks in order, each to the previous one’s output: steps like [{"attack": "resize", "scale": 0.5}, {"attack": "jpeg", "quality": 50}].',
  params: z.object({
    steps: AttackChainSchema.default([]).describe('The attacks, in order: {"attack": "jpeg" | "webp" | "resize" | "crop" | "rotate" | "brightness" | "contrast" | "blur" | "noise", …its params}.'),
  }),
  steps: (p) => p.steps,
  resizes: true,
});

export const ATTACK_NODES = [AttackJpeg, AttackWebp, AttackResize, AttackCrop, AttackRotate, AttackBrightness, AttackContrast, AttackBlur, AttackNoise, AttackChain] as const;
