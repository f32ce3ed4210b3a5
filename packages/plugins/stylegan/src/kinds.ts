/**
 * The port kinds this plugin declares: latents, classes, W+, noise settings and generator
 * handles. A generator crosses a process boundary as a handle — its content hash and the file
 * it was loaded from — and is re-opened from that file on the other side, never as its weights.
 */
import { CodecError, definePortKind, jsonCodec, tensorCodec, type Codec, type Json, type Tensor } from '@stylegraph/core';
import type { StyleGANGenerator } from './generator-value.js';
import { openGenerator } from './open-generator.js';
import type { NoiseSpec } from './nodes/noise.js';

const floats = tensorCodec as Codec<Tensor<'float32'>>;

export const Z = definePortKind<Tensor<'float32'>>({
  name: 'stylegan/Z',
  description: 'latent codes z, float32 [B, zDim]',
  dims: ['B', 'zDim'],
  dtype: 'float32',
  codec: floats,
  color: '#e6a23c',
});

export const C = definePortKind<Tensor<'float32'>>({
  name: 'stylegan/C',
  description: 'class labels (one-hot), float32 [B, cDim]',
  dims: ['B', 'cDim'],
  dtype: 'float32',
  codec: floats,
  color: '#d4a017',
});

export const WPlus = definePortKind<Tensor<'float32'>>({
  name: 'stylegan/WPlus',
  description: 'per-layer styles W+, float32 [B, numWs, wDim]',
  dims: ['B', 'numWs', 'wDim'],
  dtype: 'float32',
  codec: floats,
  color: '#f56c6c',
});

/** A noise spec as JSON, with mode 'maps' carrying its maps as float32 bytes after the header. */
const noiseCodec: Codec<NoiseSpec> = {
  async encode(n) {
    const json = jsonCodec<NoiseSpec>();
    if (n.mode !== 'maps' || !n.maps) return json.encode({ mode: n.mode, seed: n.seed, scale: n.scale });
    const layers = await Promise.all(Object.entries(n.maps).map(async ([name, t]) => ({ name, ...(await tensorCodec.encode(t)) })));
    const total = layers.reduce((a, l) => a + l.bytes.byteLength, 0);
    const bytes = new Uint8Array(total);
    let at = 0;
    for (const l of layers) {
      bytes.set(l.bytes, at);
      at += l.bytes.byteLength;
    }
    const header = { mode: n.mode, seed: n.seed, scale: [...n.scale], maps: layers.map((l) => ({ name: l.name, header: l.header, bytes: l.bytes.byteLength })) };
    return { header, bytes };
  },
  decode(e, ctx) {
    const h = e.header as { mode?: unknown; maps?: unknown } | null;
    if (h?.mode !== 'maps') return jsonCodec<NoiseSpec>().decode(e, ctx) as NoiseSpec;
    const { seed, scale } = e.header as { seed: number; scale: number[] };
    const list = h.maps;
    if (!Array.isArray(list)) throw new CodecError('noise codec: mode "maps" needs a list of maps');
    const maps: Record<string, Tensor<'float32'>> = {};
    let at = 0;
    for (const m of list as { name?: unknown; header?: Json; bytes?: unknown }[]) {
      if (typeof m?.name !== 'string' || !Number.isSafeInteger(m.bytes) || (m.bytes as number) < 0 || at + (m.bytes as number) > e.bytes.byteLength) {
        throw new CodecError('noise codec: a map entry is malformed or runs past the data');
      }
      const t = tensorCodec.decode({ header: m.header ?? null, bytes: e.bytes.subarray(at, at + (m.bytes as number)) }, ctx) as Tensor;
      if (t.dtype !== 'float32') throw new CodecError(`noise codec: map ${m.name} is ${t.dtype}, expected float32`);
      maps[m.name] = t as Tensor<'float32'>;
      at += m.bytes as number;
    }
    if (at !== e.bytes.byteLength) throw new CodecError('noise codec: data left over after the maps');
    return { mode: 'maps', seed, scale, maps };
  },
};

export const Noise = definePortKind<NoiseSpec>({
  name: 'stylegan/Noise',
  description: 'per-layer noise inputs for a generator of resolution res',
  dims: ['B', 'res'],
  check: (v) => {
    const n = v as Partial<NoiseSpec> | null;
    if (!n || typeof n !== 'object' || !['const', 'random', 'none', 'maps'].includes(n.mode as string) || !Array.isArray(n.scale)) return 'expected a noise specification';
    return n.mode === 'maps' && (!n.maps || typeof n.maps !== 'object') ? 'noise of mode "maps" needs its maps' : undefined;
  },
  codec: noiseCodec,
  color: '#909399',
});

const generatorCodec: Codec<StyleGANGenerator> = {
  encode(g) {
    if (!g.source) throw new CodecError(`generator ${g.id} was not loaded from a file, so it cannot be stored as a handle`);
    return { header: { id: g.id, source: { ...g.source } }, bytes: new Uint8Array(0) };
  },
  async decode({ header }, { files }) {
    const h = header as { id?: unknown; source?: { path?: unknown; convClamp?: unknown } } | null;
    const path = h?.source?.path;
    if (typeof h?.id !== 'string' || typeof path !== 'string') throw new CodecError('generator handle: needs an id and a source path');
    if (!files) throw new CodecError(`generator handle ${path}: this host gives no file access to re-open it`);
    const clamp = h.source?.convClamp;
    const g = await openGenerator(files, { path, ...((typeof clamp === 'number' || clamp === null) && { convClamp: clamp }) });
    if (g.id !== h.id) throw new CodecError(`generator handle ${path}: the file changed (content hash ${g.id.slice(0, 12)}…, the handle names ${h.id.slice(0, 12)}…)`);
    return g;
  },
};

export const Generator = definePortKind<StyleGANGenerator>({
  name: 'stylegan/Generator',
  description: 'a loaded generator and the sizes it binds',
  dims: ['zDim', 'cDim', 'wDim', 'numWs', 'C', 'res'],
  rigidOutputs: true,
  check: (v) => (v && typeof v === 'object' && (v as { kind?: unknown }).kind === 'generator' && 'model' in v ? undefined : 'expected a generator loaded by stylegan/LoadGenerator'),
  sizes: (g) => g.dims,
  codec: generatorCodec,
  color: '#9b59b6',
});

export const Transform = definePortKind<Tensor<'float32'>>({
  name: 'stylegan/Transform',
  description: 'StyleGAN3 input transforms (3×3 affine matrices), float32 [T, 3, 3]: one for every image, or one for the whole batch',
  dims: ['T', 'rows', 'cols'],
  dtype: 'float32',
  check: (v) => {
    const t = v as Tensor;
    return t.dims.length === 3 && t.dims[1] === 3 && t.dims[2] === 3 ? undefined : `a transform must be [T, 3, 3], got [${t.dims.join(', ')}]`;
  },
  codec: floats,
  color: '#1abc9c',
});
