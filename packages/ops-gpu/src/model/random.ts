/**
 * Random-weight models for benchmarks and tests: every tensor the config implies, drawn from a
 * seeded NumPy-exact normal stream (weights ~N(0,1) as NVIDIA initializes them, affine biases
 * near 1, small non-zero noise strengths, the standard [1,3,3,1] resample filters); StyleGAN3
 * generators as random-sg3.ts initializes them.
 */
import { RandomState, sizeOf, tensor, type Tensor } from '@stylegraph/core';
import type { ModelConfig } from './config.js';
import { layerLayout } from '../stylegan/layout.js';
import { expectedDiscriminatorTensors, expectedGeneratorTensors, type ShapeMap } from './state-dict.js';
import { randomSg3Generator } from './random-sg3.js';

const FIR = [1, 3, 3, 1].flatMap((a) => [1, 3, 3, 1].map((b) => (a * b) / 64));

function fill(shapes: ShapeMap, rng: RandomState): Map<string, Tensor<'float32'>> {
  const out = new Map<string, Tensor<'float32'>>();
  for (const [name, dims] of shapes) {
    const n = sizeOf(dims);
    let data: Float32Array;
    if (name.endsWith('resample_filter')) data = Float32Array.from(FIR);
    else {
      const r = rng.randn(n);
      const leaf = name.slice(name.lastIndexOf('.') + 1);
      const map =
        name.endsWith('affine.bias') ? (v: number) => 1 + 0.1 * v
        : leaf === 'bias' ? (v: number) => 0.1 * v
        : leaf === 'noise_strength' ? (v: number) => 0.1 * v
        : leaf === 'w_avg' ? (v: number) => 0.5 * v
        : (v: number) => v;
      data = Float32Array.from(r, map);
    }
    out.set(name, tensor('float32', dims, data));
  }
  return out;
}

export function randomWeights(config: ModelConfig, seed = 0): { generator: Map<string, Tensor<'float32'>>; discriminator?: Map<string, Tensor<'float32'>> } {
  const rng = new RandomState(seed);
  const g = config.generator;
  const generator = g.architecture === 'skip' ? fill(expectedGeneratorTensors(g), rng) : randomSg3Generator(g, rng);
  if (!config.discriminator) return { generator };
  return { generator, discriminator: fill(expectedDiscriminatorTensors(config.discriminator), rng) };
}

/** A config in NVIDIA's style: channels min(channelBase / res, channelMax). */
export function standardConfig(opts: { resolution: number; zDim?: number; wDim?: number; cDim?: number; mappingLayers?: number; channelBase?: number; channelMax?: number; convClamp?: number | null; discriminator?: boolean; name?: string }): ModelConfig {
  const res = opts.resolution;
  const channels: Record<string, number> = {};
  for (let r = 4; r <= res; r *= 2) channels[String(r)] = Math.min(Math.floor((opts.channelBase ?? 32768) / r), opts.channelMax ?? 512);
  const cDim = opts.cDim ?? 0;
  const wDim = opts.wDim ?? 512;
  return {
    format: 'stylegraph.model',
    formatVersion: 1,
    name: opts.name ?? `random-${res}`,
    generator: {
      zDim: opts.zDim ?? 512,
      cDim,
      wDim,
      numWs: layerLayout({ resolution: res }).numWs,
      resolution: res,
      imgChannels: 3,
      mapping: { numLayers: opts.mappingLayers ?? 8, lrMultiplier: 0.01 },
      channels,
      convClamp: opts.convClamp ?? null,
      architecture: 'skip',
    },
    discriminator:
      opts.discriminator === false
        ? null
        : {
            architecture: 'resnet',
            cDim,
            resolution: res,
            imgChannels: 3,
            channels,
            cmapDim: cDim > 0 ? channels['4']! : null,
            mbstdGroupSize: 4,
            mbstdNumChannels: 1,
            convClamp: opts.convClamp ?? null,
            mapping: cDim > 0 ? { numLayers: 8, lrMultiplier: 0.01 } : null,
          },
  };
}
