/**
 * The state dict a config implies: every tensor NVIDIA's stylegan2-ada-pytorch networks
 * (`training/networks.py`) register — parameters and persistent buffers — by name, with its
 * shape. The rules, by module:
 * - FullyConnectedLayer: `weight [out, in]`, `bias [out]` (always with bias here).
 * - MappingNetwork: `embed` (c → embed, embed = its w_dim) when c_dim > 0; `fc{i}` with features
 *   [z_dim + embed] + [w_dim]·(num_layers − 1) + [w_dim]; `w_avg [w_dim]` only when built with
 *   num_ws and w_avg_beta (the generator's; the discriminator's class mapping has neither).
 * - SynthesisBlock: a `resample_filter [4, 4]` buffer in every block (b4 too); `const [C, 4, 4]` in
 *   b4; conv0 (not in b4), conv1, torgb (every block: skip architecture).
 * - SynthesisLayer: `weight [Co, Ci, 3, 3]`, `bias [Co]`, `affine` (w_dim → Ci), its own
 *   `resample_filter [4, 4]` (conv1 too), `noise_const [r, r]`, `noise_strength []`.
 * - ToRGBLayer: `weight [img, Ci, 1, 1]`, `bias [img]`, `affine`; no filter, no noise.
 * - Conv2dLayer (discriminator): `weight [Co, Ci, k, k]`, `bias [Co]` unless bias=False (skip), and
 *   always a `resample_filter [4, 4]`, even when it does not resample.
 * - DiscriminatorBlock b{r} (r = R…8): a `resample_filter`; `fromrgb` (1×1, first block only for
 *   resnet); `conv0` (tmp → tmp), `conv1` (tmp → out, down), `skip` (1×1, no bias, down), where
 *   tmp = channels[r], out = channels[r/2].
 * - DiscriminatorEpilogue b4: `conv` (C4 + mbstd channels → C4, 3×3), `fc` (C4·16 → C4),
 *   `out` (C4 → cmap_dim, or 1 without classes); the minibatch-stddev layer has no tensors.
 */
import { blockResolutions, channelsAt, isStyleGAN3, synthesisLayers, type DiscriminatorArch, type GeneratorArch, type Sg3GeneratorArch } from '../stylegan/arch.js';
import { sg3Schedule } from '../stylegan3/schedule.js';

/** Tensor name → shape. */
export type ShapeMap = Map<string, readonly number[]>;

function fc(out: ShapeMap, name: string, inF: number, outF: number, bias = true) {
  out.set(`${name}.weight`, [outF, inF]);
  if (bias) out.set(`${name}.bias`, [outF]);
}

function mapping(out: ShapeMap, prefix: string, zDim: number, cDim: number, wDim: number, numLayers: number, withAvg: boolean) {
  const embed = cDim > 0 ? wDim : 0;
  if (cDim > 0) fc(out, `${prefix}.embed`, cDim, embed);
  for (let i = 0; i < numLayers; i++) fc(out, `${prefix}.fc${i}`, i === 0 ? zDim + embed : wDim, wDim);
  if (withAvg) out.set(`${prefix}.w_avg`, [wDim]);
}

/** Name → shape of every tensor in a generator's state dict, in registration order. */
export function expectedGeneratorTensors(g: GeneratorArch): ShapeMap {
  const out: ShapeMap = new Map();
  mapping(out, 'mapping', g.zDim, g.cDim, g.wDim, g.mapping.numLayers, true);
  if (isStyleGAN3(g)) return sg3Synthesis(out, g);
  out.set('synthesis.b4.const', [channelsAt(g.channels, 4, 'generator'), 4, 4]);
  for (const res of blockResolutions(g.resolution)) out.set(`synthesis.b${res}.resample_filter`, [4, 4]);
  for (const l of synthesisLayers(g)) {
    const p = `synthesis.${l.name}`;
    const k = l.kind === 'torgb' ? 1 : 3;
    out.set(`${p}.weight`, [l.outChannels, l.inChannels, k, k]);
    out.set(`${p}.bias`, [l.outChannels]);
    fc(out, `${p}.affine`, g.wDim, l.inChannels);
    if (l.kind !== 'torgb') {
      out.set(`${p}.resample_filter`, [4, 4]);
      out.set(`${p}.noise_const`, [l.res, l.res]);
      out.set(`${p}.noise_strength`, []);
    }
  }
  return out;
}

/**
 * StyleGAN3 (`training/networks_stylegan3.py`): SynthesisInput `weight [C, C]`, buffers
 * `transform [3, 3]`, `freqs [C, 2]`, `phases [C]`, `affine` (w_dim → 4); each SynthesisLayer
 * `weight [Co, Ci, k, k]`, `bias [Co]`, `magnitude_ema []`, `up_filter [taps]` and `down_filter`
 * (`[taps]`, or `[taps, taps]` when radial) where the layer resamples, `affine` (w_dim → Ci).
 */
function sg3Synthesis(out: ShapeMap, g: Sg3GeneratorArch): ShapeMap {
  const { input, layers } = sg3Schedule(g.resolution, g.imgChannels, g.synthesis, g.architecture);
  const C = input.channels;
  out.set('synthesis.input.weight', [C, C]);
  out.set('synthesis.input.transform', [3, 3]);
  out.set('synthesis.input.freqs', [C, 2]);
  out.set('synthesis.input.phases', [C]);
  fc(out, 'synthesis.input.affine', g.wDim, 4);
  for (const l of layers) {
    const p = `synthesis.${l.name}`;
    out.set(`${p}.weight`, [l.outChannels, l.inChannels, l.kernel, l.kernel]);
    out.set(`${p}.bias`, [l.outChannels]);
    out.set(`${p}.magnitude_ema`, []);
    if (l.upTaps > 1) out.set(`${p}.up_filter`, [l.upTaps]);
    if (l.downTaps > 1) out.set(`${p}.down_filter`, l.downRadial ? [l.downTaps, l.downTaps] : [l.downTaps]);
    fc(out, `${p}.affine`, g.wDim, l.inChannels);
  }
  return out;
}

/** Name → shape of every tensor in a discriminator's state dict. */
export function expectedDiscriminatorTensors(d: DiscriminatorArch): ShapeMap {
  const out: ShapeMap = new Map();
  const conv = (name: string, ci: number, co: number, k: number, bias = true) => {
    out.set(`${name}.weight`, [co, ci, k, k]);
    if (bias) out.set(`${name}.bias`, [co]);
    out.set(`${name}.resample_filter`, [4, 4]);
  };
  const blocks = blockResolutions(d.resolution).filter((r) => r > 4).reverse();
  for (const res of blocks) {
    const tmp = channelsAt(d.channels, res, 'discriminator');
    const o = channelsAt(d.channels, res / 2, 'discriminator');
    const p = `b${res}`;
    if (res === d.resolution) conv(`${p}.fromrgb`, d.imgChannels, tmp, 1);
    conv(`${p}.conv0`, tmp, tmp, 3);
    conv(`${p}.conv1`, tmp, o, 3);
    conv(`${p}.skip`, tmp, o, 1, false);
    out.set(`${p}.resample_filter`, [4, 4]);
  }
  const c4 = channelsAt(d.channels, 4, 'discriminator');
  conv('b4.conv', c4 + d.mbstdNumChannels, c4, 3);
  fc(out, 'b4.fc', c4 * 16, c4);
  // NVIDIA's defaults: cmap_dim = channels at 4, 8 mapping layers.
  const cmapDim = d.cmapDim ?? c4;
  fc(out, 'b4.out', c4, d.cDim > 0 ? cmapDim : 1);
  if (d.cDim > 0) mapping(out, 'mapping', 0, d.cDim, cmapDim, d.mapping?.numLayers ?? 8, false);
  return out;
}
