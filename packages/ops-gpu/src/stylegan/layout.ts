/**
 * A generator's layer layout as plain JSON data: its W+ rows (ws), synthesis conv layers, noise
 * inputs and ToRGB layers, the index spaces layer params select in, and the coarse / middle /
 * fine groups those params name. Node code resolves layer selections against it
 * (layer-spec.ts); editors read it from a generator's value summary and never compute it.
 * A StyleGAN2 block's ToRGB shares its w with the next block's first conv. A StyleGAN3
 * network gives every layer its own w: ws[0] styles the Fourier input, ws[i + 1] layer Li, the
 * last one ToRGB; it has no noise inputs, and a layer counts for the resolution
 * 2^round(log2(2 · cutoff)) its band corresponds to.
 */
import { sg3Schedule, type Sg3Architecture, type Sg3Params } from '../stylegan3/schedule.js';

/** Resolutions a group stands for; an absent bound is open. */
export interface PxRange {
  readonly min?: number;
  readonly max?: number;
}

export interface ConvLayer {
  /** `b{res}.conv0` or `b{res}.conv1`. */
  readonly name: string;
  readonly res: number;
  /** Index into W+. */
  readonly w: number;
}

export interface NoiseLayer {
  readonly name: string;
  readonly res: number;
}

export interface ToRgbLayer {
  /** `b{res}.torgb`. */
  readonly name: string;
  readonly res: number;
  readonly w: number;
}

/** The index spaces layer params select in: rows of W+, and noise inputs. */
export type LayerSpace = 'ws' | 'noise';

export interface LayerSpaceInfo {
  readonly count: number;
  /** What the indices count, in messages: `ws`, `conv layers`. */
  readonly unit: string;
  /** What each index drives, e.g. `b4.torgb + b8.conv0`. */
  readonly labels: readonly string[];
}

export interface LayerGroup {
  /** `coarse`, `middle` or `fine`. */
  readonly name: string;
  readonly px: PxRange;
  /** The group's indices in each space. */
  readonly indices: Readonly<Record<LayerSpace, readonly number[]>>;
}

export interface LayerLayout {
  readonly resolution: number;
  readonly numWs: number;
  /** Synthesis conv layers in evaluation order. */
  readonly convs: readonly ConvLayer[];
  /** Noise inputs in order (the order of `noise_scale`). */
  readonly noise: readonly NoiseLayer[];
  readonly toRgb: readonly ToRgbLayer[];
  readonly spaces: Readonly<Record<LayerSpace, LayerSpaceInfo>>;
  readonly groups: readonly LayerGroup[];
}

/** 4, 8, …, resolution. */
export function blockResolutions(resolution: number): number[] {
  const out: number[] = [];
  for (let r = 4; r <= resolution; r *= 2) out.push(r);
  return out;
}

/** The StyleGAN paper's split by resolution. */
const GROUPS: readonly { readonly name: string; readonly px: PxRange }[] = [
  { name: 'coarse', px: { max: 8 } },
  { name: 'middle', px: { min: 16, max: 32 } },
  { name: 'fine', px: { min: 64 } },
];

const inRange = (res: number, px: PxRange) => res >= (px.min ?? 0) && res <= (px.max ?? Infinity);
const indicesIn = (res: readonly number[], px: PxRange) => res.flatMap((r, i) => (inRange(r, px) ? [i] : []));

/** Whether a StyleGAN2 network of `resolution` px exists (a power of two ≥ 4). */
export const hasLayout = (resolution: number): boolean => Number.isSafeInteger(resolution) && resolution >= 4 && Number.isInteger(Math.log2(resolution));

/** What a StyleGAN3 layout is computed from. */
export interface Sg3LayoutArch {
  readonly architecture: Sg3Architecture;
  readonly resolution: number;
  readonly imgChannels: number;
  readonly synthesis: Sg3Params;
}

/** What a layout is computed from: a StyleGAN2 generator's resolution, or a StyleGAN3 generator. */
export type LayoutArch = { readonly resolution: number; readonly architecture?: 'skip' } | Sg3LayoutArch;

const isSg3Layout = (g: LayoutArch): g is Sg3LayoutArch => g.architecture === 'stylegan3-t' || g.architecture === 'stylegan3-r';

/** The layer layout of a generator: StyleGAN2 (resolution a power of two ≥ 4) or StyleGAN3. */
export function layerLayout(g: LayoutArch): LayerLayout {
  return isSg3Layout(g) ? sg3Layout(g) : sg2Layout(g.resolution);
}

function sg3Layout(g: Sg3LayoutArch): LayerLayout {
  const { input, layers } = sg3Schedule(g.resolution, g.imgChannels, g.synthesis, g.architecture);
  // Halves (2c = 2^(k + ½)) round up; the epsilon keeps them from depending on the last bit.
  const bandRes = (cutoff: number) => 2 ** Math.round(Math.log2(2 * cutoff) + 1e-9);
  const convs: ConvLayer[] = [
    { name: 'input', res: bandRes(input.bandwidth), w: 0 },
    ...layers.slice(0, -1).map((l, i) => ({ name: l.name, res: bandRes(l.outCutoff), w: i + 1 })),
  ];
  const last = layers[layers.length - 1]!;
  const toRgb: ToRgbLayer[] = [{ name: last.name, res: g.resolution, w: layers.length }];
  const all = [...convs, ...toRgb];
  return {
    resolution: g.resolution,
    numWs: all.length,
    convs,
    noise: [],
    toRgb,
    spaces: {
      ws: { count: all.length, unit: 'ws', labels: all.map((l) => l.name) },
      noise: { count: 0, unit: 'conv layers', labels: [] },
    },
    groups: GROUPS.map(({ name, px }) => ({ name, px, indices: { ws: indicesIn(all.map((l) => l.res), px), noise: [] } })),
  };
}

function sg2Layout(resolution: number): LayerLayout {
  const g = { resolution };
  if (!hasLayout(g.resolution)) throw new RangeError(`layerLayout: resolution ${g.resolution} is not a power of two ≥ 4`);
  const blocks = blockResolutions(g.resolution);
  const convs: ConvLayer[] = [];
  const toRgb: ToRgbLayer[] = [];
  let w = 0;
  for (const res of blocks) {
    for (const conv of res === 4 ? ['conv1'] : ['conv0', 'conv1']) convs.push({ name: `b${res}.${conv}`, res, w: w++ });
    // The next block's first conv takes this w too.
    toRgb.push({ name: `b${res}.torgb`, res, w });
  }
  const numWs = w + 1;
  const users = Array.from({ length: numWs }, (_, i) => [...convs, ...toRgb].filter((l) => l.w === i).sort((a, b) => a.res - b.res));
  // A w stands for the lowest resolution it styles (ws 0–1 are 4 px, 2–3 are 8 px, …).
  const wsRes = users.map((ls) => ls[0]!.res);
  const noiseRes = convs.map((c) => c.res);
  return {
    resolution: g.resolution,
    numWs,
    convs,
    noise: convs.map(({ name, res }) => ({ name, res })),
    toRgb,
    spaces: {
      ws: { count: numWs, unit: 'ws', labels: users.map((ls) => ls.map((l) => l.name).join(' + ')) },
      noise: { count: convs.length, unit: 'conv layers', labels: convs.map((c) => c.name) },
    },
    groups: GROUPS.map(({ name, px }) => ({ name, px, indices: { ws: indicesIn(wsRes, px), noise: indicesIn(noiseRes, px) } })),
  };
}

/** Whether `v` has the shape of layout data, as a generator's value summary carries it. */
export function isLayerLayout(v: unknown): v is LayerLayout {
  const l = v as Partial<LayerLayout> | null;
  return typeof l === 'object' && l !== null && typeof l.numWs === 'number' && typeof l.spaces === 'object' && l.spaces !== null && Array.isArray(l.groups);
}

/** The StyleGAN2 layout with `numWs` ws, or undefined when no resolution has that many. */
export function layoutWithWs(numWs: number): LayerLayout | undefined {
  for (let resolution = 4; resolution <= 2 ** 20; resolution *= 2) {
    const layout = layerLayout({ resolution });
    if (layout.numWs === numWs) return layout;
    if (layout.numWs > numWs) return undefined;
  }
  return undefined;
}
