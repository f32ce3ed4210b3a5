/** The smallest networks the importer tests build checkpoints for: 8 px, 4 ws, a few channels. */
import type { DiscriminatorConfig, GeneratorConfig } from '../model/config.js';

export const TINY_G: GeneratorConfig = {
  zDim: 3,
  cDim: 0,
  wDim: 4,
  numWs: 4,
  resolution: 8,
  imgChannels: 3,
  mapping: { numLayers: 2, lrMultiplier: 0.01 },
  channels: { '4': 4, '8': 2 },
  convClamp: null,
  architecture: 'skip',
};

export const TINY_D: DiscriminatorConfig = {
  architecture: 'resnet',
  cDim: 0,
  resolution: 8,
  imgChannels: 3,
  channels: { '4': 4, '8': 2 },
  cmapDim: null,
  mbstdGroupSize: 4,
  mbstdNumChannels: 1,
  convClamp: null,
  mapping: null,
};
