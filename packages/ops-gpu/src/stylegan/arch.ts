/**
 * The architecture facts the builders need, derived from a generator/discriminator config:
 * block resolutions, channels, and each synthesis layer with its w index (from the layer
 * layout, layout.ts).
 */
import type { Sg3Architecture, Sg3Params } from '../stylegan3/schedule.js';
import { blockResolutions, layerLayout } from './layout.js';

export { blockResolutions };

/** What StyleGAN2 and StyleGAN3 generators share: the mapping network and the output. */
interface GeneratorBase {
  readonly zDim: number;
  readonly cDim: number;
  readonly wDim: number;
  readonly numWs: number;
  readonly resolution: number;
  readonly imgChannels: number;
  readonly mapping: { readonly numLayers: number; readonly lrMultiplier: number };
  readonly convClamp: number | null;
}

/** A StyleGAN2 generator (the skip architecture). */
export interface Sg2GeneratorArch extends GeneratorBase {
  readonly architecture?: 'skip';
  readonly channels: Readonly<Record<string, number>>;
}

/** A StyleGAN3 generator (alias-free, -T or -R). */
export interface Sg3GeneratorArch extends GeneratorBase {
  readonly architecture: Sg3Architecture;
  readonly synthesis: Sg3Params;
}

export type GeneratorArch = Sg2GeneratorArch | Sg3GeneratorArch;

export const isStyleGAN3 = (g: GeneratorArch): g is Sg3GeneratorArch => g.architecture === 'stylegan3-t' || g.architecture === 'stylegan3-r';

export interface DiscriminatorArch {
  readonly cDim: number;
  readonly resolution: number;
  readonly imgChannels: number;
  readonly channels: Readonly<Record<string, number>>;
  readonly cmapDim: number | null;
  readonly mbstdGroupSize: number;
  readonly mbstdNumChannels: number;
  readonly convClamp: number | null;
  readonly mapping: { readonly numLayers: number; readonly lrMultiplier: number } | null;
}

export function channelsAt(channels: Readonly<Record<string, number>>, res: number, what: string): number {
  const c = channels[String(res)];
  if (c === undefined) throw new Error(`${what}: no channel count for resolution ${res}`);
  return c;
}

export interface SynthesisLayerInfo {
  /** `b{res}.conv0`, `b{res}.conv1` or `b{res}.torgb`. */
  readonly name: string;
  readonly res: number;
  readonly inChannels: number;
  readonly outChannels: number;
  /** Index into W+. */
  readonly wIndex: number;
  readonly kind: 'const-conv' | 'conv' | 'up-conv' | 'torgb';
}

/** Every synthesis layer in evaluation order with its w index. */
export function synthesisLayers(g: Sg2GeneratorArch): SynthesisLayerInfo[] {
  const layout = layerLayout(g);
  if (layout.numWs !== g.numWs) throw new Error(`synthesis: resolution ${g.resolution} needs numWs = ${layout.numWs}, the config says ${g.numWs}`);
  const out: SynthesisLayerInfo[] = [];
  for (const res of blockResolutions(g.resolution)) {
    const c = channelsAt(g.channels, res, 'synthesis');
    // The 4 px block convolves its learned constant; every other block's first conv upsamples the previous block's features.
    layout.convs
      .filter((l) => l.res === res)
      .forEach((l, i) => {
        const kind = res === 4 ? 'const-conv' : i === 0 ? 'up-conv' : 'conv';
        const cin = kind === 'up-conv' ? channelsAt(g.channels, res / 2, 'synthesis') : c;
        out.push({ name: l.name, res, inChannels: cin, outChannels: c, wIndex: l.w, kind });
      });
    for (const l of layout.toRgb.filter((t) => t.res === res)) out.push({ name: l.name, res, inChannels: c, outChannels: g.imgChannels, wIndex: l.w, kind: 'torgb' });
  }
  return out;
}

/** The conv layers that take noise, in order (the order of `noise_scale`); StyleGAN3 has none. */
export const noiseLayers = (g: GeneratorArch): SynthesisLayerInfo[] => (isStyleGAN3(g) ? [] : synthesisLayers(g).filter((l) => l.kind !== 'torgb'));
