import { describe, expect, it } from 'vitest';
import { tensor, type Tensor } from '@stylegraph/core';
import { loadModel, parseModelConfig, type ModelFileSource } from './load.js';
import { randomWeights, standardConfig } from './random.js';
import { expectedDiscriminatorTensors, expectedGeneratorTensors } from './state-dict.js';
import { writeSafetensors } from './safetensors.js';

const small = standardConfig({ resolution: 16, zDim: 8, wDim: 8, cDim: 2, mappingLayers: 2, channelBase: 64, channelMax: 16, convClamp: 256 });

function source(files: Record<string, Uint8Array | string>): ModelFileSource {
  return {
    read: async (n) => (typeof files[n] === 'string' ? new TextEncoder().encode(files[n] as string) : (files[n] as Uint8Array)),
    exists: async (n) => n in files,
  };
}
function folder(mutate?: (g: Map<string, Tensor>, d: Map<string, Tensor>) => void, config: unknown = small) {
  const w = randomWeights(small, 1);
  const g = new Map<string, Tensor>(w.generator);
  const d = new Map<string, Tensor>(w.discriminator!);
  mutate?.(g, d);
  return source({ 'config.json': JSON.stringify(config), 'generator.safetensors': writeSafetensors(g), 'discriminator.safetensors': writeSafetensors(d) });
}

describe('model files', () => {
  it('derive NVIDIA’s state-dict names and shapes from the config', () => {
    const g = expectedGeneratorTensors(small.generator);
    // Hand-written from stylegan2-ada-pytorch's MappingNetwork / SynthesisBlock / SynthesisLayer / ToRGBLayer.
    expect(Object.fromEntries([...g].filter(([k]) => k.startsWith('mapping')))).toEqual({
      'mapping.embed.weight': [8, 2],
      'mapping.embed.bias': [8],
      'mapping.fc0.weight': [8, 16],
      'mapping.fc0.bias': [8],
      'mapping.fc1.weight': [8, 8],
      'mapping.fc1.bias': [8],
      'mapping.w_avg': [8],
    });
    expect(g.get('synthesis.b4.const')).toEqual([16, 4, 4]);
    expect(g.get('synthesis.b8.conv0.weight')).toEqual([8, 16, 3, 3]);
    expect(g.get('synthesis.b8.conv0.affine.weight')).toEqual([16, 8]);
    expect(g.get('synthesis.b16.torgb.weight')).toEqual([3, 4, 1, 1]);
    expect(g.get('synthesis.b16.conv1.noise_const')).toEqual([16, 16]);
    expect(g.get('synthesis.b4.conv1.noise_strength')).toEqual([]);
    expect(g.has('synthesis.b4.resample_filter')).toBe(true);
    expect(g.has('synthesis.b4.torgb.resample_filter')).toBe(false);
    expect(g.size).toBe(7 + 1 + 3 + 5 * 7 + 3 * 4); // mapping, const, block filters, 5 conv layers, 3 torgbs
    const d = expectedDiscriminatorTensors(small.discriminator!);
    expect(d.get('b16.fromrgb.weight')).toEqual([4, 3, 1, 1]);
    expect(d.has('b8.fromrgb.weight')).toBe(false);
    expect(d.get('b16.skip.weight')).toEqual([8, 4, 1, 1]);
    expect(d.has('b16.skip.bias')).toBe(false);
    expect(d.get('b4.conv.weight')).toEqual([16, 17, 3, 3]);
    expect(d.get('b4.fc.weight')).toEqual([16, 256]);
    expect(d.get('b4.out.weight')).toEqual([16, 16]);
    expect(d.get('mapping.embed.weight')).toEqual([16, 2]);
    expect(d.has('mapping.w_avg')).toBe(false);
  });

  it('loads a complete model folder and hashes its content', async () => {
    const m = await loadModel(folder());
    expect(m.config.name).toBe('random-16');
    expect(m.weights.generator.size).toBe(expectedGeneratorTensors(small.generator).size);
    expect(m.contentHash).toMatch(/^[0-9a-f]{64}$/);
    const other = await loadModel(folder((g) => g.set('mapping.w_avg', tensor('float32', [8]))));
    expect(other.contentHash).not.toBe(m.contentHash);
  });

  it('names the file and tensor at fault', async () => {
    await expect(loadModel(folder((g) => g.delete('synthesis.b8.conv1.bias')))).rejects.toThrow(
      'generator.safetensors: tensor "synthesis.b8.conv1.bias" is missing (the config needs shape [8])',
    );
    await expect(loadModel(folder((g) => g.set('synthesis.b8.conv0.weight', tensor('float32', [8, 8, 3, 3]))))).rejects.toThrow(
      'generator.safetensors: tensor "synthesis.b8.conv0.weight" has shape [8, 8, 3, 3] but the config needs [8, 16, 3, 3]',
    );
    await expect(loadModel(folder((_g, d) => d.set('b4.extra', tensor('float32', [1]))))).rejects.toThrow(
      'discriminator.safetensors: tensor "b4.extra" is not part of the network',
    );
    await expect(loadModel(source({ 'config.json': JSON.stringify(small) }))).rejects.toThrow('generator.safetensors: is missing');
  });

  it('validates config.json', () => {
    expect(() => parseModelConfig('{')).toThrow(/config\.json: is not valid JSON/);
    expect(() => parseModelConfig(JSON.stringify({ ...small, generator: { ...small.generator, numWs: 9 } }))).toThrow(/generator\.numWs: resolution 16 needs numWs 6/);
    expect(() => parseModelConfig(JSON.stringify({ ...small, generator: { ...small.generator, resolution: 24 } }))).toThrow(/power of two/);
    const noCh = { ...small.generator, channels: { '4': 16, '8': 16 } };
    expect(() => parseModelConfig(JSON.stringify({ ...small, generator: noCh }))).toThrow(/channels\.16: no channel count/);
    expect(() => parseModelConfig(JSON.stringify({ ...small, extra: 1 }))).toThrow(/Unrecognized key/);
  });
});
