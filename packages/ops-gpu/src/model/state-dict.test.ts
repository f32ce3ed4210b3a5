import { describe, expect, it } from 'vitest';
import { expectedDiscriminatorTensors, expectedGeneratorTensors } from './state-dict.js';
import type { DiscriminatorConfig, GeneratorConfig } from './config.js';

// Hand-written from stylegan2-ada-pytorch training/networks.py (MappingNetwork, SynthesisBlock,
// SynthesisLayer, ToRGBLayer, DiscriminatorBlock, DiscriminatorEpilogue, Conv2dLayer), for
// 8 px, z 4, w 6, 2 classes, 2 mapping layers, channels {4: 10, 8: 5}.
const generator: GeneratorConfig = {
  zDim: 4, cDim: 2, wDim: 6, numWs: 4, resolution: 8, imgChannels: 3,
  mapping: { numLayers: 2, lrMultiplier: 0.01 }, channels: { '4': 10, '8': 5 }, convClamp: null, architecture: 'skip',
};
const discriminator: DiscriminatorConfig = {
  architecture: 'resnet', cDim: 2, resolution: 8, imgChannels: 3, channels: { '8': 5, '4': 10 },
  cmapDim: 10, mbstdGroupSize: 4, mbstdNumChannels: 1, convClamp: null, mapping: { numLayers: 2, lrMultiplier: 0.01 },
};

const G = {
  'mapping.embed.weight': [6, 2], 'mapping.embed.bias': [6],
  'mapping.fc0.weight': [6, 10], 'mapping.fc0.bias': [6], // z 4 + embed 6
  'mapping.fc1.weight': [6, 6], 'mapping.fc1.bias': [6],
  'mapping.w_avg': [6],
  'synthesis.b4.resample_filter': [4, 4],
  'synthesis.b4.const': [10, 4, 4],
  'synthesis.b4.conv1.resample_filter': [4, 4],
  'synthesis.b4.conv1.affine.weight': [10, 6], 'synthesis.b4.conv1.affine.bias': [10],
  'synthesis.b4.conv1.weight': [10, 10, 3, 3],
  'synthesis.b4.conv1.noise_const': [4, 4], 'synthesis.b4.conv1.noise_strength': [],
  'synthesis.b4.conv1.bias': [10],
  'synthesis.b4.torgb.affine.weight': [10, 6], 'synthesis.b4.torgb.affine.bias': [10],
  'synthesis.b4.torgb.weight': [3, 10, 1, 1], 'synthesis.b4.torgb.bias': [3],
  'synthesis.b8.resample_filter': [4, 4],
  'synthesis.b8.conv0.resample_filter': [4, 4],
  'synthesis.b8.conv0.affine.weight': [10, 6], 'synthesis.b8.conv0.affine.bias': [10],
  'synthesis.b8.conv0.weight': [5, 10, 3, 3],
  'synthesis.b8.conv0.noise_const': [8, 8], 'synthesis.b8.conv0.noise_strength': [],
  'synthesis.b8.conv0.bias': [5],
  'synthesis.b8.conv1.resample_filter': [4, 4],
  'synthesis.b8.conv1.affine.weight': [5, 6], 'synthesis.b8.conv1.affine.bias': [5],
  'synthesis.b8.conv1.weight': [5, 5, 3, 3],
  'synthesis.b8.conv1.noise_const': [8, 8], 'synthesis.b8.conv1.noise_strength': [],
  'synthesis.b8.conv1.bias': [5],
  'synthesis.b8.torgb.affine.weight': [5, 6], 'synthesis.b8.torgb.affine.bias': [5],
  'synthesis.b8.torgb.weight': [3, 5, 1, 1], 'synthesis.b8.torgb.bias': [3],
};

const D = {
  'b8.resample_filter': [4, 4],
  'b8.fromrgb.resample_filter': [4, 4], 'b8.fromrgb.weight': [5, 3, 1, 1], 'b8.fromrgb.bias': [5],
  'b8.conv0.resample_filter': [4, 4], 'b8.conv0.weight': [5, 5, 3, 3], 'b8.conv0.bias': [5],
  'b8.conv1.resample_filter': [4, 4], 'b8.conv1.weight': [10, 5, 3, 3], 'b8.conv1.bias': [10],
  'b8.skip.resample_filter': [4, 4], 'b8.skip.weight': [10, 5, 1, 1],
  'mapping.embed.weight': [10, 2], 'mapping.embed.bias': [10],
  'mapping.fc0.weight': [10, 10], 'mapping.fc0.bias': [10], // z 0 + embed (= cmap_dim) 10
  'mapping.fc1.weight': [10, 10], 'mapping.fc1.bias': [10],
  'b4.conv.resample_filter': [4, 4], 'b4.conv.weight': [10, 11, 3, 3], 'b4.conv.bias': [10],
  'b4.fc.weight': [10, 160], 'b4.fc.bias': [10],
  'b4.out.weight': [10, 10], 'b4.out.bias': [10],
};

describe('expected state dicts (NVIDIA names and shapes)', () => {
  it('generator, class-conditional', () => {
    expect(Object.fromEntries(expectedGeneratorTensors(generator))).toEqual(G);
  });

  it('discriminator, class-conditional', () => {
    expect(Object.fromEntries(expectedDiscriminatorTensors(discriminator))).toEqual(D);
  });

  it('without classes: no embedding, no discriminator mapping, one logit', () => {
    const g = expectedGeneratorTensors({ ...generator, cDim: 0 });
    expect(g.has('mapping.embed.weight')).toBe(false);
    expect(g.get('mapping.fc0.weight')).toEqual([6, 4]);
    expect(g.size).toBe(Object.keys(G).length - 2);
    const d = expectedDiscriminatorTensors({ ...discriminator, cDim: 0, cmapDim: null, mapping: null });
    expect([...d.keys()].filter((k) => k.startsWith('mapping'))).toEqual([]);
    expect(d.get('b4.out.weight')).toEqual([1, 10]);
    expect(d.get('b4.out.bias')).toEqual([1]);
  });

  it('only the first discriminator block has fromrgb; mbstd channels widen b4.conv', () => {
    const d = expectedDiscriminatorTensors({ ...discriminator, resolution: 16, channels: { '16': 3, '8': 5, '4': 10 }, mbstdNumChannels: 2 });
    expect(d.get('b16.fromrgb.weight')).toEqual([3, 3, 1, 1]);
    expect(d.has('b8.fromrgb.weight')).toBe(false);
    expect(d.get('b8.conv0.weight')).toEqual([5, 5, 3, 3]);
    expect(d.get('b16.skip.weight')).toEqual([5, 3, 1, 1]);
    expect(d.get('b4.conv.weight')).toEqual([10, 12, 3, 3]);
  });
});
