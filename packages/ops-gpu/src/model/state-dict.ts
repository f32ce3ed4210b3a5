/**
 * The state dict a config implies: every tensor NVIDIA's stylegan2-ada-pytorch networks
 * register (parameters and persistent buffers), by name, with its shape.
 */
import { blockResolutions, channelsAt, synthesisLayers, type DiscriminatorArch, type GeneratorArch } from '../stylegan/arch.js';

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

export function expectedGeneratorTensors(g: GeneratorArch): ShapeMap {
  const out: ShapeMap = new Map();
  mapping(out, 'mapping', g.zDim, g.cDim, g.wDim, g.mapping.numLayers, true);
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
  fc(out, 'b4.out', c4, d.cDim > 0 ? d.cmapDim! : 1);
  if (d.cDim > 0) mapping(out, 'mapping', 0, d.cDim, d.cmapDim!, d.mapping!.numLayers, false);
  return out;
}
