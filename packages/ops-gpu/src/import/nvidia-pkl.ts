/**
 * Official NVIDIA StyleGAN2-ADA network pickles (`network-snapshot-*.pkl`, the published
 * FFHQ/AFHQ/MetFaces ones) → stylegraph's model: G_ema and D state dicts with NVIDIA's names,
 * `w_avg`, and the config inferred from the networks' init kwargs and tensor shapes. Read with
 * the restricted unpickler: nothing in the file is executed. StyleGAN3 and TensorFlow pickles
 * are recognized and refused.
 */
import { sha256Hex, type Tensor } from '@stylegraph/core';
import type { ModelConfig } from '../model/config.js';
import { ModelConfigSchema } from '../model/config.js';
import { checkTensors, type LoadedModel } from '../model/load.js';
import { expectedDiscriminatorTensors, expectedGeneratorTensors } from '../model/state-dict.js';
import { PersistentObject, explainRefusal, nvidiaGlobals } from './nvidia-globals.js';
import { PyDict, UnpickleError, shownName, unpickle, type PyValue } from './pickle.js';
import { CheckpointError } from './errors.js';
import { hasLayout, layerLayout } from '../stylegan/layout.js';

export { CheckpointError };

const isTensorValue = (v: unknown): v is Tensor => !!v && typeof v === 'object' && 'dims' in v && 'data' in v;

/** Module trees nest at most this deep (StyleGAN's are 4–5 deep) … */
const MAX_MODULE_DEPTH = 64;
/** … and hold at most this many modules, counting a shared module once per place it appears. */
const MAX_MODULES = 1 << 16;

/** A name from the file as a string: primitives as String() gives them, anything else by kind (no recursion). */
const nameOf = (k: unknown): string => (k === null || (typeof k !== 'object' && typeof k !== 'function') ? String(k) : '[object]');

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

function child(obj: PersistentObject | undefined, path: string): PersistentObject | undefined {
  let cur: PersistentObject | undefined = obj;
  for (const part of path.split('.')) {
    const mods: PyValue | undefined = cur?.state.get('_modules');
    const next: PyValue | undefined = mods instanceof PyDict ? mods.get(part) : undefined;
    cur = next instanceof PersistentObject ? next : undefined;
  }
  return cur;
}

const attr = (obj: PersistentObject | undefined, name: string): PyValue | undefined => obj?.state.get(name);
const kwarg = (obj: PersistentObject | undefined, ...path: string[]): PyValue | undefined => {
  let cur: PyValue | undefined = obj?.state.get('_init_kwargs');
  for (const p of path) cur = cur instanceof PyDict ? cur.get(p) : undefined;
  return cur;
};
const num = (v: PyValue | undefined): number | undefined => (typeof v === 'number' ? v : undefined);

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

/** The model config implied by state dicts (and, for pickles, the networks' recorded settings). */
export function inferConfig(
  name: string,
  G: PersistentObject | undefined,
  gsd: Map<string, Tensor>,
  D: PersistentObject | undefined,
  dsd: Map<string, Tensor> | undefined,
  opts: InferOptions = {},
): ModelConfig {
  const wAvg = gsd.get('mapping.w_avg');
  const fc0 = gsd.get('mapping.fc0.weight');
  if (!wAvg || !fc0) throw new CheckpointError('CHECKPOINT_STRUCTURE', 'G_ema has no mapping network (mapping.fc0, mapping.w_avg)');
  const wDim = wAvg.dims[0]!;
  const embed = gsd.get('mapping.embed.weight');
  const cDim = embed ? embed.dims[1]! : 0;
  const zDim = fc0.dims[1]! - (embed ? embed.dims[0]! : 0);
  let numLayers = 0;
  while (gsd.has(`mapping.fc${numLayers}.weight`)) numLayers++;
  const lr = num(attr(G && child(G, 'mapping.fc0'), 'bias_gain')) ?? num(kwarg(G, 'mapping_kwargs', 'lr_multiplier')) ?? 0.01;
  const resolution = num(kwarg(G, 'img_resolution')) ?? largestBlock(gsd.keys(), /^synthesis\.b(\d+)\./, 0);
  const res = resolutionsUpTo(resolution);
  const channels = channelsOf(gsd, (r) => `synthesis.b${r}.conv1.weight`, res);
  const torgb = gsd.get(`synthesis.b${resolution}.torgb.weight`);
  const clampRaw = G ? (attr(child(G, `synthesis.b${resolution}.conv1`), 'conv_clamp') ?? kwarg(G, 'synthesis_kwargs', 'conv_clamp') ?? null) : (opts.convClamp ?? null);
  const config: ModelConfig = {
    format: 'stylegraph.model',
    formatVersion: 1,
    name,
    generator: {
      zDim,
      cDim,
      wDim,
      numWs: layoutNumWs(resolution),
      resolution,
      imgChannels: torgb?.dims[0] ?? 3,
      mapping: { numLayers, lrMultiplier: lr },
      channels,
      convClamp: typeof clampRaw === 'number' ? clampRaw : null,
      architecture: 'skip',
    },
    discriminator: null,
  };
  if (dsd) {
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
    config.discriminator = {
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
  const parsed = ModelConfigSchema.safeParse(config);
  if (!parsed.success) {
    const i = parsed.error.issues[0]!;
    throw new CheckpointError('CHECKPOINT_STRUCTURE', `the networks do not form a supported StyleGAN2 config: ${i.path.join('.')}: ${i.message}`);
  }
  return parsed.data;
}

function refuseStyleGAN3(G: PersistentObject): void {
  const syn = child(G, 'synthesis');
  const mods = syn?.state.get('_modules');
  const names = mods instanceof PyDict ? [...mods.map.keys()].map(nameOf) : [];
  if (names.includes('input') || names.some((n) => /^L\d+_/.test(n))) {
    throw new CheckpointError('CHECKPOINT_UNSUPPORTED', 'this is a StyleGAN3 pickle; StyleGAN3 is not supported yet');
  }
}

/** Reads an NVIDIA StyleGAN2-ADA pickle; `file` names it in errors and becomes the model name. */
export async function readNvidiaPickle(bytes: Uint8Array, file: string): Promise<LoadedModel> {
  if (bytes[0] !== 0x80 || (bytes[1] ?? 0) < 2 || (bytes[1] ?? 0) > 5) {
    throw new CheckpointError('CHECKPOINT_FORMAT', `${file}: not a Python pickle of protocol 2–5 (wrong magic bytes)`);
  }
  let top: PyValue;
  try {
    top = unpickle(bytes, { file, findGlobal: nvidiaGlobals(file, bytes.length), refuse: explainRefusal }).value;
  } catch (e) {
    if (e instanceof UnpickleError) throw new CheckpointError(e.code === 'PICKLE_GLOBAL_REFUSED' ? 'CHECKPOINT_UNSUPPORTED' : 'CHECKPOINT_FORMAT', e.message);
    throw e;
  }
  if (!(top instanceof PyDict)) throw new CheckpointError('CHECKPOINT_STRUCTURE', `${file}: expected a dict with G_ema (an NVIDIA network pickle)`);
  const G = top.get('G_ema') ?? top.get('G');
  const D = top.get('D');
  if (!(G instanceof PersistentObject)) throw new CheckpointError('CHECKPOINT_STRUCTURE', `${file}: has no G_ema network`);
  refuseStyleGAN3(G);
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
