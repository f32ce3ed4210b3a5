/**
 * The generator config of an NVIDIA StyleGAN3 pickle (`training.networks_stylegan3.Generator`).
 * The hyperparameters come from the networks' init kwargs (train.py passes the synthesis ones
 * flat: channel_base, conv_kernel, use_radial_filters, …) with NVIDIA's defaults for the rest;
 * the per-layer geometry is derived from them (stylegan3/schedule.ts) and then checked against
 * what every SynthesisLayer and the SynthesisInput recorded (channels, sampling rates, cutoffs,
 * half-widths, taps, paddings), so a network built with settings the kwargs do not show is
 * refused rather than run with the wrong filters.
 */
import type { Tensor } from '@stylegraph/core';
import type { GeneratorConfig } from '../model/config.js';
import { sg3Schedule, SG3_DEFAULTS, type Sg3LayerSpec, type Sg3Params } from '../stylegan3/schedule.js';
import { CheckpointError } from './errors.js';
import type { PersistentObject } from './nvidia-globals.js';
import { attr, child, childNames, kwarg, num } from './module-tree.js';
import type { PyValue } from './pickle.js';

/** Whether the synthesis network has StyleGAN3's children (`input`, `L0_36_512`, …). */
export function isStyleGAN3Network(G: PersistentObject): boolean {
  const names = childNames(child(G, 'synthesis'));
  return names.includes('input') || names.some((n) => /^L\d+_/.test(n));
}

/** NVIDIA's keyword for each hyperparameter. */
const KWARGS: Record<keyof Sg3Params, string> = {
  numLayers: 'num_layers',
  numCritical: 'num_critical',
  firstCutoff: 'first_cutoff',
  firstStopband: 'first_stopband',
  lastStopbandRel: 'last_stopband_rel',
  marginSize: 'margin_size',
  outputScale: 'output_scale',
  channelBase: 'channel_base',
  channelMax: 'channel_max',
  convKernel: 'conv_kernel',
  filterSize: 'filter_size',
  lreluUpsampling: 'lrelu_upsampling',
};

/** A layer's recorded attributes and the schedule fields they must equal. */
const LAYER_ATTRS: readonly [string, keyof Sg3LayerSpec][] = [
  ['in_channels', 'inChannels'],
  ['out_channels', 'outChannels'],
  ['in_sampling_rate', 'inSamplingRate'],
  ['out_sampling_rate', 'outSamplingRate'],
  ['in_cutoff', 'inCutoff'],
  ['out_cutoff', 'outCutoff'],
  ['in_half_width', 'inHalfWidth'],
  ['out_half_width', 'outHalfWidth'],
  ['conv_kernel', 'kernel'],
  ['up_factor', 'upFactor'],
  ['down_factor', 'downFactor'],
  ['up_taps', 'upTaps'],
  ['down_taps', 'downTaps'],
  ['is_torgb', 'toRgb'],
  ['is_critically_sampled', 'criticallySampled'],
  ['down_radial', 'downRadial'],
  ['padding', 'padding'],
];

const same = (a: PyValue, b: unknown): boolean =>
  typeof a === 'number' && typeof b === 'number' ? Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(b))
  : Array.isArray(a) && Array.isArray(b) ? a.length === b.length && a.every((v, i) => same(v, b[i]))
  : a === b;

const shown = (v: PyValue): string => (typeof v === 'number' || typeof v === 'boolean' ? String(v) : Array.isArray(v) ? `[${v.map(shown).join(', ')}]` : typeof v);

/** Refuses the network when a recorded attribute differs from what the hyperparameters derive. */
function checkRecorded(syn: PersistentObject | undefined, input: { channels: number; samplingRate: number; bandwidth: number }, layers: readonly Sg3LayerSpec[]): void {
  const names = childNames(syn).filter((n) => /^L\d+_/.test(n));
  const wanted = layers.map((l) => l.name);
  if (names.length > 0 && names.join() !== wanted.join()) {
    throw new CheckpointError('CHECKPOINT_STRUCTURE', `synthesis has layers ${names.join(', ')}, but its recorded hyperparameters give ${wanted.join(', ')}`);
  }
  const check = (module: string, key: string, want: unknown) => {
    const got = attr(child(syn, module), key);
    if (got !== undefined && !same(got, want)) {
      throw new CheckpointError('CHECKPOINT_STRUCTURE', `synthesis.${module}.${key} is ${shown(got)}, but the network's recorded hyperparameters give ${JSON.stringify(want)}`);
    }
  };
  check('input', 'channels', input.channels);
  check('input', 'sampling_rate', input.samplingRate);
  check('input', 'bandwidth', input.bandwidth);
  for (const l of layers) for (const [key, field] of LAYER_ATTRS) check(l.name, key, l[field]);
}

export function inferSg3Generator(
  G: PersistentObject,
  gsd: Map<string, Tensor>,
  mapping: Pick<GeneratorConfig, 'zDim' | 'cDim' | 'wDim' | 'mapping'>,
): GeneratorConfig {
  // Checked as a whole by the config schema afterwards (e.g. conv_kernel must be 1 or 3).
  const syn = child(G, 'synthesis');
  const setting = (key: string): PyValue | undefined => attr(syn, key) ?? kwarg(syn, key) ?? kwarg(G, key);
  const synthesis = Object.fromEntries(
    (Object.keys(KWARGS) as (keyof Sg3Params)[]).map((k) => [k, num(setting(KWARGS[k])) ?? SG3_DEFAULTS[k]]),
  ) as unknown as Sg3Params;
  const radial = setting('use_radial_filters') === true;
  const architecture = radial ? 'stylegan3-r' : 'stylegan3-t';
  const resolution = num(kwarg(G, 'img_resolution')) ?? num(attr(syn, 'img_resolution'));
  if (resolution === undefined) throw new CheckpointError('CHECKPOINT_STRUCTURE', 'the StyleGAN3 generator does not record img_resolution');
  const imgChannels = num(kwarg(G, 'img_channels')) ?? num(attr(syn, 'img_channels')) ?? gsd.get('synthesis.input.weight')?.dims[0] ?? 3;
  const schedule = (() => {
    try {
      return sg3Schedule(resolution, imgChannels, synthesis, architecture);
    } catch (e) {
      throw new CheckpointError('CHECKPOINT_STRUCTURE', `the StyleGAN3 hyperparameters are not usable: ${(e as Error).message}`);
    }
  })();
  checkRecorded(syn, schedule.input, schedule.layers);
  const first = schedule.layers[0]?.name;
  const clamp = (first && attr(child(syn, first), 'conv_clamp')) ?? setting('conv_clamp') ?? 256;
  return {
    architecture,
    ...mapping,
    numWs: synthesis.numLayers + 2,
    resolution,
    imgChannels,
    convClamp: typeof clamp === 'number' ? clamp : null,
    synthesis,
    layers: schedule.layers.map((l) => ({ ...l, padding: [...l.padding] as [number, number, number, number] })),
  } as GeneratorConfig;
}
