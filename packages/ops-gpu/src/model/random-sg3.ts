/**
 * Random-weight StyleGAN3 generators, initialized as NVIDIA's networks_stylegan3.py does where
 * it matters for a meaningful picture: Fourier frequencies drawn inside the input's band
 * (f ~ N(0, I), f ← f / (|f| · e^{|f|²/4}) · bandwidth), phases uniform in [−½, ½), the
 * identity input transform, low-pass filters designed for each layer, magnitude EMAs of 1,
 * affine biases near 1, mapping weights N(0, 1) / lr_multiplier with zero biases — and
 * N(0, 1) elsewhere. Plus NVIDIA's configs for -T and -R.
 */
import { sizeOf, tensor, type RandomState, type Tensor } from '@stylegraph/core';
import type { ModelConfig, Sg3GeneratorConfig } from './config.js';
import { expectedGeneratorTensors } from './state-dict.js';
import { designLowpass } from '../stylegan3/filters.js';
import { sg3Schedule, SG3_DEFAULTS, type Sg3Architecture, type Sg3Params } from '../stylegan3/schedule.js';

export function randomSg3Generator(g: Sg3GeneratorConfig, rng: RandomState): Map<string, Tensor<'float32'>> {
  const { input, layers } = sg3Schedule(g.resolution, g.imgChannels, g.synthesis, g.architecture);
  const byName = new Map(layers.map((l) => [`synthesis.${l.name}`, l]));
  const out = new Map<string, Tensor<'float32'>>();
  for (const [name, dims] of expectedGeneratorTensors(g)) {
    const n = sizeOf(dims);
    const at = name.lastIndexOf('.');
    const owner = name.slice(0, at);
    const leaf = name.slice(at + 1);
    const layer = byName.get(owner);
    let data: Float32Array;
    if (name === 'synthesis.input.transform') data = Float32Array.from([1, 0, 0, 0, 1, 0, 0, 0, 1]);
    else if (name === 'synthesis.input.freqs') {
      const f = rng.randn(n); // [C, 2]
      data = new Float32Array(n);
      for (let c = 0; c < n / 2; c++) {
        const r = Math.hypot(f[2 * c]!, f[2 * c + 1]!);
        const k = input.bandwidth / (r * Math.exp(r * r) ** 0.25);
        data[2 * c] = f[2 * c]! * k;
        data[2 * c + 1] = f[2 * c + 1]! * k;
      }
    } else if (name === 'synthesis.input.phases') data = Float32Array.from(rng.random(n), (v) => v - 0.5);
    else if (layer && leaf === 'up_filter') data = designLowpass(layer.upTaps, layer.inCutoff, 2 * layer.inHalfWidth, layer.inSamplingRate * layer.upFactor, false);
    else if (layer && leaf === 'down_filter') data = designLowpass(layer.downTaps, layer.outCutoff, 2 * layer.outHalfWidth, layer.outSamplingRate * layer.downFactor, layer.downRadial);
    else if (leaf === 'magnitude_ema') data = Float32Array.of(1);
    else {
      const r = rng.randn(n);
      const lr = g.mapping.lrMultiplier;
      const map =
        /^mapping\.fc\d+\.weight$/.test(name) ? (v: number) => v / lr
        : /^mapping\.fc\d+\.bias$/.test(name) ? () => 0
        : name === 'synthesis.input.affine.bias' ? (v: number, i: number) => (i === 0 ? 1 : 0) + 0.1 * v
        : name.endsWith('affine.bias') ? (v: number) => 1 + 0.1 * v
        : name === 'synthesis.input.affine.weight' ? (v: number) => 0.1 * v
        : leaf === 'bias' ? (v: number) => 0.1 * v
        : leaf === 'w_avg' ? (v: number) => 0.5 * v
        : (v: number) => v;
      data = Float32Array.from(r, map);
    }
    out.set(name, tensor('float32', dims, data));
  }
  return out;
}

/** NVIDIA's StyleGAN3 config for `resolution` (-R: 1×1 convs, radial filters, channels doubled), generator only. */
export function standardSg3Config(opts: {
  resolution: number;
  architecture?: Sg3Architecture;
  zDim?: number;
  wDim?: number;
  cDim?: number;
  mappingLayers?: number;
  synthesis?: Partial<Sg3Params>;
  name?: string;
}): ModelConfig {
  const architecture = opts.architecture ?? 'stylegan3-t';
  const r = architecture === 'stylegan3-r';
  const synthesis: Sg3Params = {
    ...SG3_DEFAULTS,
    ...(r && { convKernel: 1, channelBase: 2 * SG3_DEFAULTS.channelBase, channelMax: 2 * SG3_DEFAULTS.channelMax }),
    ...opts.synthesis,
  };
  const { layers } = sg3Schedule(opts.resolution, 3, synthesis, architecture);
  return {
    format: 'stylegraph.model',
    formatVersion: 1,
    name: opts.name ?? `random-${architecture}-${opts.resolution}`,
    generator: {
      architecture,
      zDim: opts.zDim ?? 512,
      cDim: opts.cDim ?? 0,
      wDim: opts.wDim ?? 512,
      numWs: synthesis.numLayers + 2,
      resolution: opts.resolution,
      imgChannels: 3,
      mapping: { numLayers: opts.mappingLayers ?? 2, lrMultiplier: 0.01 },
      convClamp: 256,
      synthesis: synthesis as Sg3GeneratorConfig['synthesis'],
      layers: layers.map((l) => ({ ...l, padding: [...l.padding] as [number, number, number, number] })),
    },
    discriminator: null,
  };
}
