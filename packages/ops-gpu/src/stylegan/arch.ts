/**
 * The architecture facts the builders need, derived from a generator/discriminator config:
 * block resolutions, channels, and the w-index layout (a block's ToRGB shares its w index with
 * the next block's first conv).
 */

export interface GeneratorArch {
  readonly zDim: number;
  readonly cDim: number;
  readonly wDim: number;
  readonly numWs: number;
  readonly resolution: number;
  readonly imgChannels: number;
  readonly mapping: { readonly numLayers: number; readonly lrMultiplier: number };
  readonly channels: Readonly<Record<string, number>>;
  readonly convClamp: number | null;
}

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

/** 4, 8, …, resolution. */
export function blockResolutions(resolution: number): number[] {
  const out: number[] = [];
  for (let r = 4; r <= resolution; r *= 2) out.push(r);
  return out;
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
export function synthesisLayers(g: GeneratorArch): SynthesisLayerInfo[] {
  const out: SynthesisLayerInfo[] = [];
  let w = 0;
  for (const res of blockResolutions(g.resolution)) {
    const c = channelsAt(g.channels, res, 'synthesis');
    if (res === 4) {
      out.push({ name: 'b4.conv1', res, inChannels: c, outChannels: c, wIndex: w, kind: 'const-conv' });
      out.push({ name: 'b4.torgb', res, inChannels: c, outChannels: g.imgChannels, wIndex: w + 1, kind: 'torgb' });
      w += 1;
    } else {
      const cin = channelsAt(g.channels, res / 2, 'synthesis');
      out.push({ name: `b${res}.conv0`, res, inChannels: cin, outChannels: c, wIndex: w, kind: 'up-conv' });
      out.push({ name: `b${res}.conv1`, res, inChannels: c, outChannels: c, wIndex: w + 1, kind: 'conv' });
      out.push({ name: `b${res}.torgb`, res, inChannels: c, outChannels: g.imgChannels, wIndex: w + 2, kind: 'torgb' });
      w += 2;
    }
  }
  const numWs = w + 1;
  if (numWs !== g.numWs) throw new Error(`synthesis: resolution ${g.resolution} needs numWs = ${numWs}, the config says ${g.numWs}`);
  return out;
}

/** The conv layers that take noise, in order (the order of `noise_scale`). */
export const noiseLayers = (g: GeneratorArch): SynthesisLayerInfo[] => synthesisLayers(g).filter((l) => l.kind !== 'torgb');
