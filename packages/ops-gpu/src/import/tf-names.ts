/**
 * TensorFlow StyleGAN2 / StyleGAN2-ADA variable names → NVIDIA's PyTorch state-dict names and
 * the layout change each needs (what stylegan2-ada-pytorch's legacy.py does), both ways: forward
 * to convert, backward to name the TF variable behind a PyTorch tensor in errors.
 * Generator names are those of G/Gs with its components (`mapping/…`, `synthesis/…`);
 * discriminator names are D's own. `{r}` is a resolution, `{i}` a layer index.
 */
import type { TfLayout } from './tf-layout.js';

export interface NameRule {
  /** The PyTorch name and layout of a TF variable, if this rule covers it. */
  forward(tf: string): { torch: string; layout: TfLayout } | undefined;
  /** The TF name behind a PyTorch name, if this rule covers it. */
  backward(torch: string): string | undefined;
}

const escape = (s: string) => s.replace(/[.*+?^$()|[\]\\]/g, '\\$&');

/** A regex for a template: the first `{x}` captures digits, later ones must repeat it (`{r}x{r}`). */
function compile(template: string): RegExp {
  const seen = new Set<string>();
  const src = escape(template).replace(/\{(\w)\}/g, (_, k: string) => {
    if (seen.has(k)) return `\\k<${k}>`;
    seen.add(k);
    return `(?<${k}>[1-9]\\d{0,5}|0)`;
  });
  return new RegExp(`^${src}$`);
}

const fill = (template: string, groups: Record<string, string>) => template.replace(/\{(\w)\}/g, (_, k: string) => groups[k]!);

/** A rule from two templates, e.g. `synthesis/{r}x{r}/Conv1/weight` ↔ `synthesis.b{r}.conv1.weight`. */
function rule(tf: string, torch: string, layout: TfLayout): NameRule {
  const tfRe = compile(tf);
  const torchRe = compile(torch);
  return {
    forward: (name) => {
      const m = tfRe.exec(name);
      return m ? { torch: fill(torch, { ...m.groups }), layout } : undefined;
    },
    backward: (name) => {
      const m = torchRe.exec(name);
      return m ? fill(tf, { ...m.groups }) : undefined;
    },
  };
}

/**
 * `synthesis/noise{n}` ↔ the noise_const of the n-th convolution layer: 0 is b4.conv1, then
 * conv0 and conv1 of b8, b16, …: n = 2·log2(r) − 5 for conv0, 2·log2(r) − 4 for conv1.
 */
const noiseRule: NameRule = {
  forward: (name) => {
    const m = /^synthesis\/noise([1-9]?\d)$/.exec(name);
    if (!m) return undefined;
    const n = Number(m[1]);
    const [log2r, conv] = n % 2 === 0 ? [(n + 4) / 2, 1] : [(n + 5) / 2, 0];
    return { torch: `synthesis.b${2 ** log2r}.conv${conv}.noise_const`, layout: 'noise' };
  },
  backward: (name) => {
    const m = /^synthesis\.b(\d+)\.conv([01])\.noise_const$/.exec(name);
    if (!m) return undefined;
    const log2r = Math.log2(Number(m[1]));
    return `synthesis/noise${2 * log2r - (m[2] === '0' ? 5 : 4)}`;
  },
};

/** A modulated convolution layer's variables (`Conv`, `Conv0_up`, `Conv1`) or ToRGB's (no noise). */
function modulated(tf: string, torch: string, weight: TfLayout, noise = true): NameRule[] {
  return [
    rule(`${tf}/weight`, `${torch}.weight`, weight),
    rule(`${tf}/bias`, `${torch}.bias`, 'same'),
    rule(`${tf}/mod_weight`, `${torch}.affine.weight`, 'dense'),
    rule(`${tf}/mod_bias`, `${torch}.affine.bias`, 'mod-bias'),
    ...(noise ? [rule(`${tf}/noise_strength`, `${torch}.noise_strength`, 'same')] : []),
  ];
}

const dense = (tf: string, torch: string): NameRule[] => [rule(`${tf}/weight`, `${torch}.weight`, 'dense'), rule(`${tf}/bias`, `${torch}.bias`, 'same')];
const conv = (tf: string, torch: string, bias = true): NameRule[] => [
  rule(`${tf}/weight`, `${torch}.weight`, 'conv'),
  ...(bias ? [rule(`${tf}/bias`, `${torch}.bias`, 'same')] : []),
];

/** The generator (G / Gs, components included). */
export const GENERATOR_RULES: readonly NameRule[] = [
  rule('dlatent_avg', 'mapping.w_avg', 'same'),
  ...dense('mapping/LabelEmbed', 'mapping.embed'),
  ...dense('mapping/Dense{i}', 'mapping.fc{i}'),
  rule('synthesis/4x4/Const/const', 'synthesis.b4.const', 'const'),
  ...modulated('synthesis/4x4/Conv', 'synthesis.b4.conv1', 'conv'),
  ...modulated('synthesis/{r}x{r}/Conv0_up', 'synthesis.b{r}.conv0', 'conv-flipped'),
  ...modulated('synthesis/{r}x{r}/Conv1', 'synthesis.b{r}.conv1', 'conv'),
  ...modulated('synthesis/{r}x{r}/ToRGB', 'synthesis.b{r}.torgb', 'conv', false),
  noiseRule,
];

/** The discriminator (resnet architecture; the class mapping of StyleGAN2-ADA). */
export const DISCRIMINATOR_RULES: readonly NameRule[] = [
  ...conv('{r}x{r}/FromRGB', 'b{r}.fromrgb'),
  ...conv('{r}x{r}/Conv0', 'b{r}.conv0'),
  ...conv('{r}x{r}/Conv1_down', 'b{r}.conv1'), // not flipped: TF filters, then convolves with stride 2, as PyTorch does
  ...conv('{r}x{r}/Skip', 'b{r}.skip', false),
  ...conv('4x4/Conv', 'b4.conv'),
  ...dense('4x4/Dense0', 'b4.fc'),
  ...dense('Output', 'b4.out'),
  ...dense('LabelEmbed', 'mapping.embed'),
  ...dense('Mapping{i}', 'mapping.fc{i}'),
];

/** TF variables with no PyTorch counterpart, skipped (the progressive-growing level of detail). */
export const isIgnoredVariable = (tf: string): boolean => tf === 'lod' || tf.endsWith('/lod');

/** Hints for variables of networks stylegraph does not read, by a part of their name. */
const HINTS: [RegExp, string][] = [
  [/(^|\/)LabelConcat\//, "the original StyleGAN2's label concatenation in the mapping network is not supported (StyleGAN2-ADA's LabelEmbed is)"],
  [/_lod\d+\//, "progressive-growing layers (ToRGB_lod*, FromRGB_lod*) belong to the 'orig' architecture, which is not supported"],
  [/^synthesis\/.*\/Skip\//, "a resnet generator's skip connections are not supported (only the 'skip' architecture is)"],
];

export const hintFor = (tf: string): string | undefined => HINTS.find(([re]) => re.test(tf))?.[1];

export const forward = (rules: readonly NameRule[], tf: string) => {
  for (const r of rules) {
    const hit = r.forward(tf);
    if (hit) return hit;
  }
  return undefined;
};

export const backward = (rules: readonly NameRule[], torch: string): string | undefined => {
  for (const r of rules) {
    const hit = r.backward(torch);
    if (hit !== undefined) return hit;
  }
  return undefined;
};
