/**
 * A StyleGAN2 or StyleGAN3 generator (and discriminator) ready to run on a Compute: its ONNX models are
 * built from the weights when the compute has neither their session nor their bytes cached
 * (keyed by weights hash and options), and it feeds noise for each mode. Mapping and synthesis are separate models so truncation and
 * mixing can happen on W+ in between.
 */
import { RandomState, tensor, type Tensor } from '@stylegraph/core';
import type { Session } from '../backend/index.js';
import type { Compute } from '../compute/index.js';
import { cacheKey } from '../onnx/index.js';
import { isStyleGAN3, noiseLayers, type DiscriminatorArch, type GeneratorArch } from './arch.js';
import { buildDiscriminator } from './discriminator.js';
import { buildMapping, wAvg } from './mapping.js';
import { buildSynthesis, noiseInputName } from './synthesis.js';
import type { StateDict } from './weights.js';

export type NoiseMode = 'random' | 'const' | 'none';

export interface StyleGANModel {
  readonly generator: GeneratorArch;
  readonly discriminator?: DiscriminatorArch | null;
  readonly weights: { readonly generator: StateDict; readonly discriminator?: StateDict };
  /** Identity of the weights (content hash). */
  readonly contentHash: string;
}

export interface SynthesisRun {
  /** Explicit noise maps by layer (`b8.conv0` …), or a mode (random maps are drawn from `noiseSeed`). */
  readonly noise?: NoiseMode | Readonly<Record<string, Tensor<'float32'>>>;
  readonly noiseSeed?: number;
  /** Per conv layer multipliers on the learned noise strengths (default all 1). */
  readonly noiseScale?: readonly number[];
  readonly taps?: readonly string[];
  /**
   * StyleGAN3: the input transform, `[3, 3]` for the whole batch or `[B, 3, 3]` per image
   * (default: the one stored with the weights). StyleGAN2 accepts only the identity.
   */
  readonly transform?: Tensor<'float32'>;
}

/** Whether a `[3, 3]` or `[B, 3, 3]` transform is the identity in every image. */
export function isIdentityTransform(t: Tensor<'float32'>): boolean {
  return t.data.every((v, i) => v === (i % 9 === 0 || i % 9 === 4 || i % 9 === 8 ? 1 : 0));
}

export class StyleGAN2 {
  constructor(
    readonly model: StyleGANModel,
    /** Where the networks run; its caches hold their sessions and built models. */
    readonly compute: Compute,
  ) {}

  get config(): GeneratorArch {
    return this.model.generator;
  }

  /** `w_avg [wDim]`, the centre of truncation. */
  get wAvg(): Tensor<'float32'> {
    return wAvg(this.config, this.model.weights.generator);
  }

  /** z `[B, zDim]` (+ c `[B, cDim]`) → W+ `[B, numWs, wDim]`. */
  async mapping(z: Tensor<'float32'>, c?: Tensor<'float32'>): Promise<Tensor<'float32'>> {
    const g = this.config;
    if (g.cDim > 0 && !c) throw new Error(`mapping: this generator is class-conditional (cDim ${g.cDim}); give c`);
    const s = await this.session(['mapping'], () => buildMapping(g, this.model.weights.generator).toModel());
    const out = await s.run({ z, ...(c && g.cDim > 0 && { c }) }, ['ws']);
    return out.ws as Tensor<'float32'>;
  }

  /** The noise maps a mode stands for, for a batch of B. */
  noiseMaps(mode: NoiseMode, batch: number, seed = 0): Record<string, Tensor<'float32'>> {
    const rng = mode === 'random' ? new RandomState(seed) : undefined;
    const maps: Record<string, Tensor<'float32'>> = {};
    for (const l of noiseLayers(this.config)) {
      const n = l.res * l.res;
      const data = new Float32Array(batch * n);
      if (rng) data.set(rng.randn(batch * n));
      else if (mode === 'const') {
        const cst = this.model.weights.generator.get(`synthesis.${l.name}.noise_const`);
        if (!cst) throw new Error(`weights: missing "synthesis.${l.name}.noise_const"`);
        for (let b = 0; b < batch; b++) data.set(cst.data, b * n);
      }
      maps[l.name] = tensor('float32', [batch, 1, l.res, l.res], data);
    }
    return maps;
  }

  /** W+ `[B, numWs, wDim]` → image `[B, C, R, R]` (and taps). */
  async synthesis(ws: Tensor<'float32'>, run: SynthesisRun = {}): Promise<{ img: Tensor<'float32'>; taps: Record<string, Tensor<'float32'>> }> {
    const g = this.config;
    const B = ws.dims[0]!;
    if (ws.dims.length !== 3 || ws.dims[1] !== g.numWs || ws.dims[2] !== g.wDim) {
      throw new Error(`synthesis: ws must be [B, ${g.numWs}, ${g.wDim}], got [${ws.dims.join(', ')}]`);
    }
    if (isStyleGAN3(g)) return this.sg3Synthesis(ws, run);
    if (run.transform && !isIdentityTransform(run.transform)) {
      throw new Error('synthesis: this is a StyleGAN2 generator; only StyleGAN3 generators take an input transform (translate/rotate)');
    }
    const layers = noiseLayers(g);
    const noise = typeof run.noise === 'object' ? run.noise : this.noiseMaps(run.noise ?? 'const', B, run.noiseSeed);
    const scale = run.noiseScale ?? layers.map(() => 1);
    if (scale.length !== layers.length) throw new Error(`synthesis: noiseScale needs ${layers.length} values, got ${scale.length}`);
    const feeds: Record<string, Tensor> = { ws, noise_scale: tensor('float32', [layers.length], Float32Array.from(scale)) };
    for (const l of layers) {
      const m = noise[l.name];
      if (!m) throw new Error(`synthesis: no noise map for layer ${l.name}`);
      feeds[noiseInputName(l.name)] = m;
    }
    const taps = [...(run.taps ?? [])].sort();
    const s = await this.session(['synthesis', taps], () => buildSynthesis(g, this.model.weights.generator, { taps }).toModel());
    const out = await s.run(feeds);
    const tapOut: Record<string, Tensor<'float32'>> = {};
    for (const t of taps) tapOut[t] = out[`tap:${t}`] as Tensor<'float32'>;
    return { img: out.img as Tensor<'float32'>, taps: tapOut };
  }

  private async sg3Synthesis(ws: Tensor<'float32'>, run: SynthesisRun): Promise<{ img: Tensor<'float32'>; taps: Record<string, Tensor<'float32'>> }> {
    const B = ws.dims[0]!;
    const t = run.transform ?? this.model.weights.generator.get('synthesis.input.transform');
    if (!t) throw new Error('weights: missing "synthesis.input.transform"');
    const perImage = t.dims.length === 3;
    if (!(t.dims.length === 2 || (perImage && t.dims[0] === B)) || t.dims.at(-1) !== 3 || t.dims.at(-2) !== 3) {
      throw new Error(`synthesis: transform must be [3, 3] or [${B}, 3, 3], got [${t.dims.join(', ')}]`);
    }
    const transform = perImage ? t : tensor('float32', [B, 3, 3], Float32Array.from({ length: B * 9 }, (_, i) => t.data[i % 9]!));
    const taps = [...(run.taps ?? [])].sort();
    const s = await this.session(['synthesis', taps], () => buildSynthesis(this.config, this.model.weights.generator, { taps }).toModel());
    const out = await s.run({ ws, transform });
    const tapOut: Record<string, Tensor<'float32'>> = {};
    for (const name of taps) tapOut[name] = out[`tap:${name}`] as Tensor<'float32'>;
    return { img: out.img as Tensor<'float32'>, taps: tapOut };
  }

  /** Real/fake logits `[B, 1]` (and taps) for images `[B, C, R, R]`. */
  async discriminate(img: Tensor<'float32'>, c?: Tensor<'float32'>, taps: readonly string[] = []): Promise<{ logits: Tensor<'float32'>; taps: Record<string, Tensor<'float32'>> }> {
    const d = this.model.discriminator;
    const dict = this.model.weights.discriminator;
    if (!d || !dict) throw new Error('this model has no discriminator');
    if (d.cDim > 0 && !c) throw new Error(`discriminator: class-conditional (cDim ${d.cDim}); give c`);
    const batch = img.dims[0]!;
    const sorted = [...taps].sort();
    const s = await this.session(['discriminator', batch, sorted], () => buildDiscriminator(d, dict, { batch, taps: sorted }).toModel());
    const out = await s.run({ img, ...(c && d.cDim > 0 && { c }) });
    const tapOut: Record<string, Tensor<'float32'>> = {};
    for (const t of sorted) tapOut[t] = out[`tap:${t}`] as Tensor<'float32'>;
    return { logits: out.logits as Tensor<'float32'>, taps: tapOut };
  }

  private async session(what: readonly unknown[], build: () => Uint8Array): Promise<Session> {
    return this.compute.session({ key: await cacheKey([this.model.contentHash, ...what]), build });
  }
}
