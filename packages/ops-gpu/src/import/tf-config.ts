/**
 * The settings of TensorFlow StyleGAN2 / StyleGAN2-ADA networks that their variables do not
 * show, from the networks' static kwargs (TF's defaults where absent), and the refusal of the
 * ones stylegraph does not run: another architecture, activation or resampling filter, labels
 * fed the original StyleGAN2's way, PA-GAN. Unknown kwargs are refused too: their meaning is
 * not known here.
 */
import type { ModelConfig } from '../model/config.js';
import { ModelConfigSchema } from '../model/config.js';
import { CheckpointError } from './errors.js';
import { PyTuple, shownName, type PyValue } from './pickle.js';
import { kindOf, kwarg, type TfNet } from './tf-network.js';

/** Kwargs that do not change what a trained network computes (precision, training, truncation defaults, sizes the variables show). */
const HARMLESS_G = [
  'latent_size', 'label_size', 'dlatent_size', 'resolution', 'num_channels', 'mapping_layers', 'mapping_fmaps', 'label_fmaps',
  'fmap_base', 'fmap_decay', 'fmap_min', 'fmap_max', 'fmap_const', 'num_fp16_res', 'dtype', 'randomize_noise', 'fused_modconv',
  'truncation_psi', 'truncation_cutoff', 'truncation_psi_val', 'truncation_cutoff_val', 'dlatent_avg_beta', 'w_avg_beta',
  'style_mixing_prob', 'structure', 'is_training', 'is_validation', 'return_dlatents', 'is_template_graph', 'components',
];
const HARMLESS_D = [
  'label_size', 'resolution', 'num_channels', 'mapping_layers', 'mapping_fmaps', 'fmap_base', 'fmap_decay', 'fmap_min', 'fmap_max',
  'num_fp16_res', 'dtype', 'freeze_layers', 'structure', 'augment_strength', 'pagan_num', 'pagan_fade', 'is_training', 'is_template_graph',
];

/** Supported build functions: stylegan2's and stylegan2-ada's names. */
const G_FUNCS = ['G_main'];
const MAPPING_FUNCS = ['G_mapping'];
const SYNTHESIS_FUNCS = ['G_synthesis_stylegan2', 'G_synthesis'];
const D_FUNCS = ['D_stylegan2', 'D_main'];

export interface TfGeneratorSettings {
  readonly lrMultiplier: number;
  readonly convClamp: number | null;
}

export interface TfDiscriminatorSettings {
  readonly lrMultiplier: number;
  readonly convClamp: number | null;
  readonly mbstdGroupSize: number;
  readonly mbstdNumFeatures: number;
}

const text = (v: PyValue | undefined) => (typeof v === 'string' ? JSON.stringify(shownName(v)) : typeof v === 'number' || typeof v === 'boolean' ? String(v) : kindOf(v));

class Kwargs {
  private readonly known = new Set<string>();
  constructor(
    private readonly file: string,
    readonly net: TfNet,
  ) {}

  unsupported(msg: string): never {
    throw new CheckpointError('CHECKPOINT_UNSUPPORTED', `${this.file}: ${this.net.path}: ${msg}`);
  }

  get(key: string): PyValue | undefined {
    this.known.add(key);
    return kwarg(this.net, key);
  }

  /** A kwarg that must be one of `allowed` when present. */
  oneOf(key: string, allowed: readonly PyValue[], why: string): void {
    const v = this.get(key);
    if (v !== undefined && !allowed.includes(v)) this.unsupported(`${key} ${text(v)} is not supported (${why})`);
  }

  number(key: string, fallback: number | null, check: (n: number) => boolean): number | null {
    const v = this.get(key);
    if (v === undefined || v === null) return fallback;
    if (typeof v !== 'number' || !check(v)) this.unsupported(`${key} ${text(v)} is not a valid value`);
    return v as number;
  }

  /** The resampling filter: only [1, 3, 3, 1] (the default). */
  filter(): void {
    const v = this.get('resample_kernel');
    if (v === undefined) return;
    const items = Array.isArray(v) ? v : v instanceof PyTuple ? v.items : undefined;
    if (!items || items.length !== 4 || items.some((x, i) => x !== [1, 3, 3, 1][i])) this.unsupported(`resample_kernel ${kindOf(v)} other than [1, 3, 3, 1] is not supported`);
  }

  /** Refuses kwargs neither read nor listed as harmless. */
  rest(harmless: readonly string[]): void {
    for (const k of this.net.kwargs.map.keys()) {
      const key = typeof k === 'string' ? k : '';
      if (!this.known.has(key) && !harmless.includes(key)) {
        this.unsupported(`static kwarg ${typeof k === 'string' ? JSON.stringify(shownName(k)) : kindOf(k as PyValue)} is not one stylegraph knows the meaning of`);
      }
    }
  }
}

function buildFunc(file: string, net: TfNet, allowed: readonly string[]): void {
  if (!allowed.includes(net.buildFunc)) {
    throw new CheckpointError('CHECKPOINT_UNSUPPORTED', `${file}: ${net.path} is built by ${JSON.stringify(shownName(net.buildFunc))}; stylegraph reads networks built by ${allowed.join(' or ')}`);
  }
}

/** The generator's settings; refuses what stylegraph does not run. */
export function generatorSettings(file: string, G: TfNet): TfGeneratorSettings {
  buildFunc(file, G, G_FUNCS);
  const mapping = G.components.get('mapping');
  const synthesis = G.components.get('synthesis');
  if (!mapping || !synthesis) throw new CheckpointError('CHECKPOINT_STRUCTURE', `${file}: ${G.path} has no ${mapping ? 'synthesis' : 'mapping'} component`);
  buildFunc(file, mapping, MAPPING_FUNCS);
  buildFunc(file, synthesis, SYNTHESIS_FUNCS);
  const kw = new Kwargs(file, G);
  kw.oneOf('architecture', ['skip'], "stylegraph runs StyleGAN2 generators of the 'skip' architecture, configs E and F");
  kw.oneOf('nonlinearity', ['lrelu'], 'only leaky ReLU is');
  kw.oneOf('mapping_nonlinearity', ['lrelu'], 'only leaky ReLU is');
  kw.oneOf('use_noise', [true], 'the synthesis layers have noise inputs');
  kw.oneOf('normalize_latents', [true], 'z is normalized before mapping');
  kw.oneOf('mapping_func', MAPPING_FUNCS, `the mapping network must be ${MAPPING_FUNCS.join(' or ')}`);
  kw.oneOf('synthesis_func', SYNTHESIS_FUNCS, `the synthesis network must be ${SYNTHESIS_FUNCS.join(' or ')}`);
  kw.filter();
  const lrMultiplier = kw.number('mapping_lrmul', 0.01, (n) => n > 0)!;
  const convClamp = kw.number('conv_clamp', null, (n) => n > 0);
  kw.rest(HARMLESS_G);
  return { lrMultiplier, convClamp };
}

/** The discriminator's settings; refuses what stylegraph does not run. */
export function discriminatorSettings(file: string, D: TfNet): TfDiscriminatorSettings {
  buildFunc(file, D, D_FUNCS);
  const kw = new Kwargs(file, D);
  kw.oneOf('architecture', ['resnet'], "stylegraph runs discriminators of the 'resnet' architecture");
  kw.oneOf('nonlinearity', ['lrelu'], 'only leaky ReLU is');
  kw.oneOf('use_pagan', [false], 'PA-GAN is not supported');
  kw.oneOf('use_spectral_norm', [false], 'spectral normalization is not supported');
  kw.oneOf('adaptive_dropout', [0], 'adaptive dropout is not supported');
  kw.oneOf('score_size', [1], 'the discriminator gives one score');
  kw.oneOf('score_max', [1], 'the discriminator gives one score');
  kw.filter();
  const labels = kw.number('label_size', 0, (n) => Number.isInteger(n) && n >= 0)!;
  if (labels > 0 && D.buildFunc === 'D_stylegan2') {
    kw.unsupported("the original StyleGAN2's class-conditional discriminator (labels projected in Output) is not supported; StyleGAN2-ADA's (D_main) is");
  }
  const convClamp = kw.number('conv_clamp', null, (n) => n > 0);
  // TF's D_main defaults to 0.1 for its class mapping (stylegan2-ada-pytorch's converter too).
  const lrMultiplier = kw.number('mapping_lrmul', 0.1, (n) => n > 0)!;
  // None means "the whole minibatch", which a stylegraph config cannot say; TF's stylegan2 default is 4.
  const mbstdGroupSize = kw.number('mbstd_group_size', 4, (n) => Number.isInteger(n) && n >= 1)!;
  const mbstdNumFeatures = kw.number('mbstd_num_features', 1, (n) => Number.isInteger(n) && n >= 0)!;
  kw.rest(HARMLESS_D);
  return { lrMultiplier, convClamp, mbstdGroupSize, mbstdNumFeatures };
}

/** Static kwargs that state sizes the config also derives from shapes: they must agree. */
const SIZE_KWARGS: [string, (c: ModelConfig) => number | undefined, 'G' | 'D'][] = [
  ['resolution', (c) => c.generator.resolution, 'G'],
  ['num_channels', (c) => c.generator.imgChannels, 'G'],
  ['label_size', (c) => c.generator.cDim, 'G'],
  ['latent_size', (c) => c.generator.zDim, 'G'],
  ['dlatent_size', (c) => c.generator.wDim, 'G'],
  ['mapping_layers', (c) => c.generator.mapping.numLayers, 'G'],
  ['resolution', (c) => c.discriminator?.resolution, 'D'],
  ['num_channels', (c) => c.discriminator?.imgChannels, 'D'],
  ['label_size', (c) => c.discriminator?.cDim, 'D'],
];

/**
 * The config from the shapes (`inferred`, by inferConfig) with the settings the kwargs give,
 * checked against the sizes the kwargs state.
 */
export function tfConfig(file: string, inferred: ModelConfig, G: TfNet, g: TfGeneratorSettings, D: TfNet | undefined, d: TfDiscriminatorSettings | undefined): ModelConfig {
  if (inferred.generator.architecture !== 'skip') throw new CheckpointError('CHECKPOINT_UNSUPPORTED', `${file}: a TensorFlow pickle holds a StyleGAN2 generator`);
  const disc = inferred.discriminator;
  const config: ModelConfig = {
    ...inferred,
    generator: { ...inferred.generator, mapping: { ...inferred.generator.mapping, lrMultiplier: g.lrMultiplier }, convClamp: g.convClamp },
    discriminator:
      disc && d
        ? { ...disc, convClamp: d.convClamp, mbstdGroupSize: d.mbstdGroupSize, mapping: disc.mapping && { ...disc.mapping, lrMultiplier: d.lrMultiplier } }
        : null,
  };
  if (config.discriminator && d && config.discriminator.mbstdNumChannels !== d.mbstdNumFeatures) {
    const n = config.discriminator.mbstdNumChannels;
    throw new CheckpointError('CHECKPOINT_STRUCTURE', `${file}: ${D!.path}: mbstd_num_features is ${d.mbstdNumFeatures} but 4x4/Conv/weight takes ${n} minibatch-stddev channel${n === 1 ? '' : 's'}`);
  }
  for (const [key, of, which] of SIZE_KWARGS) {
    const net = which === 'G' ? G : D;
    const stated = net && kwarg(net, key);
    const derived = of(config);
    if (net && typeof stated === 'number' && derived !== undefined && stated !== derived) {
      throw new CheckpointError('CHECKPOINT_STRUCTURE', `${file}: ${net.path}: static kwarg ${key} is ${stated} but its variables make it ${derived}`);
    }
  }
  const parsed = ModelConfigSchema.safeParse(config);
  if (!parsed.success) {
    const i = parsed.error.issues[0]!;
    throw new CheckpointError('CHECKPOINT_STRUCTURE', `${file}: the networks do not form a supported StyleGAN2 config: ${i.path.join('.')}: ${i.message}`);
  }
  return parsed.data;
}
