/**
 * Official NVIDIA StyleGAN2-ADA and StyleGAN3 network pickles (`network-snapshot-*.pkl`, the
 * published FFHQ/AFHQ/MetFaces ones) → stylegraph's model: G_ema and D state dicts with NVIDIA's
 * names, `w_avg`, and the config inferred from the networks' init kwargs, recorded attributes
 * and tensor shapes (nvidia-pkl-sg3.ts for StyleGAN3). Read with the restricted unpickler:
 * nothing in the file is executed.
 */
import { sha256Hex, type Tensor } from '@stylegraph/core';
import type { DiscriminatorConfig, GeneratorConfig, ModelConfig } from '../model/config.js';
import { ModelConfigSchema } from '../model/config.js';
import { checkTensors, type LoadedModel } from '../model/load.js';
import { expectedDiscriminatorTensors, expectedGeneratorTensors } from '../model/state-dict.js';
import { PersistentObject, explainRefusal, nvidiaGlobals } from './nvidia-globals.js';
import { PyDict, shownName } from './pickle.js';
import { CheckpointError } from './errors.js';
import { readCheckpointPickle } from './read-pickle.js';
import { hasLayout, layerLayout } from '../stylegan/layout.js';
import { attr, child, kwarg, nameOf, num } from './module-tree.js';
import { inferSg3Generator, isStyleGAN3Network } from './nvidia-pkl-sg3.js';

export { CheckpointError };

const isTensorValue = (v: unknown): v is Tensor => !!v && typeof v === 'object' && 'dims' in v && 'data' in v;

/** Module trees nest at most this deep (StyleGAN's are 4–5 deep) … */
const MAX_MODULE_DEPTH = 64;
/** … and hold at most this many modules, counting a shared module once per place it appears. */
const MAX_MODULES = 1 << 16;


/**
 * `prefix.name` → tensor for every parameter and persistent buffer below a module, in the order
 * torch's state_dict() lists them. Walked with an explicit stack: a hostile file may nest modules
 * deeply, make a module its own child, or share one module so often the tree is exponential.
 */
function stateDict(root: PersistentObject): Map<string, Tensor<'float32'>> {
  const out = new Map<string, Tensor<'float32'>>();
  const todo: { obj: PersistentObject; prefix: string; ancestors: PersistentObject[] }[] = [{ obj: root, prefix: '', ancestors: [] }];
  let visited = 0;
  while (todo.length) {
    const { obj, prefix, ancestors } = todo.pop()!;
    if (++visited > MAX_MODULES) throw new CheckpointError('CHECKPOINT_STRUCTURE', `the network has more than ${MAX_MODULES} modules`);
    const raw = obj.state.get('_non_persistent_buffers_set');
    const nonPersistent = new Set(Array.isArray(raw) ? raw.map(nameOf) : []);
    for (const field of ['_parameters', '_buffers']) {
      const d = obj.state.get(field);
      if (!(d instanceof PyDict)) continue;
      for (const [k, v] of d.map) {
        if (v === null || (field === '_buffers' && nonPersistent.has(nameOf(k)))) continue;
        if (!isTensorValue(v)) throw new CheckpointError('CHECKPOINT_STRUCTURE', `${shownName(`${prefix}${nameOf(k)}`)} is not a tensor`);
        out.set(`${prefix}${nameOf(k)}`, v as Tensor<'float32'>);
      }
    }
    const mods = obj.state.get('_modules');
    if (!(mods instanceof PyDict)) continue;
    const path = [...ancestors, obj];
    if (path.length > MAX_MODULE_DEPTH) throw new CheckpointError('CHECKPOINT_STRUCTURE', `the network's modules nest more than ${MAX_MODULE_DEPTH} deep`);
    const children: typeof todo = [];
    for (const [k, v] of mods.map) {
      if (!(v instanceof PersistentObject)) continue;
      if (path.includes(v)) throw new CheckpointError('CHECKPOINT_STRUCTURE', `module ${shownName(`${prefix}${nameOf(k)}`)} contains itself`);
      children.push({ obj: v, prefix: `${prefix}${nameOf(k)}.`, ancestors: path });
    }
    for (let i = children.length - 1; i >= 0; i--) todo.push(children[i]!);
  }
  return out;
}

/** The largest `synthesis.b<R>.` / `b<R>.` resolution among the keys (no spread: there may be millions). */
function largestBlock(keys: Iterable<string>, pattern: RegExp, fallback: number): number {
  let max = -Infinity;
  for (const k of keys) max = Math.max(max, Number(pattern.exec(k)?.[1] ?? fallback));
  return max;
}

/** The layout's numWs at `resolution`, or NaN when no StyleGAN2 network has that resolution (the config check then refuses it). */
const layoutNumWs = (resolution: number): number => (hasLayout(resolution) ? layerLayout({ resolution }).numWs : NaN);

/** Block resolutions 4, 8, … up to `resolution` (bounded: a hostile config may say Infinity). */
function resolutionsUpTo(resolution: number): number[] {
  const res: number[] = [];
  for (let r = 4; r <= Math.min(resolution, 1 << 16); r *= 2) res.push(r);
  return res;
}


function channelsOf(sd: Map<string, Tensor>, key: (r: number) => string, resolutions: number[], axis = 0): Record<string, number> {
  const out: Record<string, number> = {};
  for (const r of resolutions) {
    const t = sd.get(key(r));
    if (t) out[String(r)] = t.dims[axis]!;
  }
  return out;
}

export interface InferOptions {
  /** conv_clamp to use when the checkpoint does not record it (state dicts). */
  readonly convClamp?: number | null;
}

/** The mapping network's sizes and settings (the same in StyleGAN2 and StyleGAN3). */
function inferMapping(G: PersistentObject | undefined, gsd: Map<string, Tensor>) {
  const wAvg = gsd.get('mapping.w_avg');
  const fc0 = gsd.get('mapping.fc0.weight');
  if (!wAvg || !fc0) throw new CheckpointError('CHECKPOINT_STRUCTURE', 'G_ema has no mapping network (mapping.fc0, mapping.w_avg)');
  const embed = gsd.get('mapping.embed.weight');
  let numLayers = 0;
  while (gsd.has(`mapping.fc${numLayers}.weight`)) numLayers++;
  const lrMultiplier = num(attr(G && child(G, 'mapping.fc0'), 'bias_gain')) ?? num(kwarg(G, 'mapping_kwargs', 'lr_multiplier')) ?? 0.01;
  return {
    zDim: fc0.dims[1]! - (embed ? embed.dims[0]! : 0),
    cDim: embed ? embed.dims[1]! : 0,
    wDim: wAvg.dims[0]!,
    mapping: { numLayers, lrMultiplier },
  };
}

function inferSg2Generator(G: PersistentObject | undefined, gsd: Map<string, Tensor>, opts: InferOptions): GeneratorConfig {
  const resolution = num(kwarg(G, 'img_resolution')) ?? largestBlock(gsd.keys(), /^synthesis\.b(\d+)\./, 0);
  const torgb = gsd.get(`synthesis.b${resolution}.torgb.weight`);
  const clampRaw = G ? (attr(child(G, `synthesis.b${resolution}.conv1`), 'conv_clamp') ?? kwarg(G, 'synthesis_kwargs', 'conv_clamp') ?? null) : (opts.convClamp ?? null);
  return {
    ...inferMapping(G, gsd),
    numWs: layoutNumWs(resolution),
    resolution,
    imgChannels: torgb?.dims[0] ?? 3,
    channels: channelsOf(gsd, (r) => `synthesis.b${r}.conv1.weight`, resolutionsUpTo(resolution)),
    convClamp: typeof clampRaw === 'number' ? clampRaw : null,
    architecture: 'skip',
  };
}

function inferDiscriminator(D: PersistentObject | undefined, dsd: Map<string, Tensor>, opts: InferOptions): DiscriminatorConfig {
  const dRes = num(kwarg(D, 'img_resolution')) ?? largestBlock(dsd.keys(), /^b(\d+)\./, 4);
  const dres = resolutionsUpTo(dRes);
  const dch = channelsOf(dsd, (r) => `b${r}.conv0.weight`, dres.filter((r) => r > 4));
  const b4 = dsd.get('b4.conv.weight');
  if (b4) dch['4'] = b4.dims[0]!;
  const dEmbed = dsd.get('mapping.embed.weight');
  const dcDim = dEmbed ? dEmbed.dims[1]! : 0;
  let dLayers = 0;
  while (dsd.has(`mapping.fc${dLayers}.weight`)) dLayers++;
  const mbstd = D && child(D, 'b4.mbstd');
  const dClamp = D ? (attr(child(D, `b${dRes}.conv0`), 'conv_clamp') ?? kwarg(D, 'conv_clamp') ?? null) : (opts.convClamp ?? null);
  const mbstdChannels = num(attr(mbstd, 'num_channels')) ?? (b4 ? b4.dims[1]! - b4.dims[0]! : 1);
  return {
    architecture: 'resnet',
    cDim: dcDim,
    resolution: dRes,
    imgChannels: dsd.get(`b${dRes}.fromrgb.weight`)?.dims[1] ?? 3,
    channels: dch,
    cmapDim: dcDim > 0 ? (dsd.get('b4.out.weight')?.dims[0] ?? null) : null,
    mbstdGroupSize: num(attr(mbstd, 'group_size')) ?? num(kwarg(D, 'epilogue_kwargs', 'mbstd_group_size')) ?? 4,
    mbstdNumChannels: mbstdChannels,
    convClamp: typeof dClamp === 'number' ? dClamp : null,
    mapping: dcDim > 0 ? { numLayers: dLayers, lrMultiplier: num(attr(D && child(D, 'mapping.fc0'), 'bias_gain')) ?? 0.01 } : null,
  };
}

/** The model config implied by state dicts (and, for pickles, the networks' recorded settings). */
export function inferConfig(
  name: string,
  G: PersistentObject | undefined,
  gsd: Map<string, Tensor>,
  D: PersistentObject | undefined,
  dsd: Map<string, Tensor> | undefined,
  opts: InferOptions = {},
): ModelConfig {
  const sg3 = G ? isStyleGAN3Network(G) : gsd.has('synthesis.input.weight');
  if (sg3 && !G) {
    throw new CheckpointError('CHECKPOINT_UNSUPPORTED', 'a StyleGAN3 state dict does not record the network\'s hyperparameters (cutoffs, margins, filter sizes); import NVIDIA\'s network pickle instead');
  }
  const config: ModelConfig = {
    format: 'stylegraph.model',
    formatVersion: 1,
    name,
    generator: sg3 ? inferSg3Generator(G!, gsd, inferMapping(G, gsd)) : inferSg2Generator(G, gsd, opts),
    discriminator: dsd ? inferDiscriminator(D, dsd, opts) : null,
  };
  const parsed = ModelConfigSchema.safeParse(config);
  if (!parsed.success) {
    const i = parsed.error.issues[0]!;
    throw new CheckpointError('CHECKPOINT_STRUCTURE', `the networks do not form a supported ${sg3 ? 'StyleGAN3' : 'StyleGAN2'} config: ${i.path.join('.')}: ${i.message}`);
  }
  return parsed.data;
}

/** Reads an NVIDIA StyleGAN2-ADA or StyleGAN3 pickle; `file` names it in errors and becomes the model name. */
export async function readNvidiaPickle(bytes: Uint8Array, file: string): Promise<LoadedModel> {
  const top = readCheckpointPickle(bytes, file, nvidiaGlobals(file, bytes.length), explainRefusal);
  if (!(top instanceof PyDict)) throw new CheckpointError('CHECKPOINT_STRUCTURE', `${file}: expected a dict with G_ema (an NVIDIA network pickle)`);
  const G = top.get('G_ema') ?? top.get('G');
  const D = top.get('D');
  if (!(G instanceof PersistentObject)) throw new CheckpointError('CHECKPOINT_STRUCTURE', `${file}: has no G_ema network`);
  const gsd = stateDict(G);
  const dsd = D instanceof PersistentObject ? stateDict(D) : undefined;
  const config = inferConfig(modelName(file), G, gsd, D instanceof PersistentObject ? D : undefined, dsd);
  return assembleModel(file, config, gsd, dsd, bytes);
}

/** `network-snapshot-000100.pkl` → `network-snapshot-000100`. */
export const modelName = (file: string): string => file.replace(/^.*[/\\]/, '').replace(/\.(pkl|pt|pth|safetensors)$/, '');

/** Checks the state dicts against the config and packages them as a model. */
export async function assembleModel(
  file: string,
  config: ModelConfig,
  gsd: Map<string, Tensor>,
  dsd: Map<string, Tensor> | undefined,
  bytes: Uint8Array,
): Promise<LoadedModel> {
  const generator = checkTensors(`${file} (generator)`, gsd, expectedGeneratorTensors(config.generator));
  const discriminator = dsd && config.discriminator ? checkTensors(`${file} (discriminator)`, dsd, expectedDiscriminatorTensors(config.discriminator)) : undefined;
  return {
    config,
    generator: config.generator,
    discriminator: config.discriminator,
    weights: { generator, ...(discriminator && { discriminator }) },
    contentHash: await sha256Hex(bytes),
  };
}
