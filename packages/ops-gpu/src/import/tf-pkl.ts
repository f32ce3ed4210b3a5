/**
 * Original TensorFlow StyleGAN2 and StyleGAN2-ADA network pickles (NVIDIA's
 * `stylegan2-ffhq-config-f.pkl`, the TF stylegan2-ada snapshots) → the model their PyTorch
 * conversion is: `pickle.dump((G, D, Gs))` of `dnnlib.tflib.network.Network` objects; Gs becomes
 * the generator (G_ema), D the discriminator, G (the training copy) is not read. Variables are
 * renamed and re-laid-out as stylegan2-ada-pytorch's legacy.py does (tf-names.ts, tf-layout.ts),
 * the settings come from the networks' static kwargs (tf-config.ts). Read with the restricted
 * unpickler: nothing in the file is executed, the Python source it carries included.
 */
import { tensor, type Tensor } from '@stylegraph/core';
import { ModelFileError } from '../model/errors.js';
import type { LoadedModel } from '../model/load.js';
import { expectedDiscriminatorTensors, expectedGeneratorTensors } from '../model/state-dict.js';
import { CheckpointError } from './errors.js';
import { readCheckpointPickle } from './read-pickle.js';
import { assembleModel, inferConfig, modelName } from './nvidia-pkl.js';
import { PyTuple, type PyValue } from './pickle.js';
import { discriminatorSettings, generatorSettings, tfConfig } from './tf-config.js';
import { TfNetwork, explainTfRefusal, tfGlobals } from './tf-globals.js';
import { toTorchLayout } from './tf-layout.js';
import { DISCRIMINATOR_RULES, GENERATOR_RULES, backward, forward, hintFor, isIgnoredVariable, type NameRule } from './tf-names.js';
import { flatVariables, kindOf, readNetwork, variableTensor, type TfNet } from './tf-network.js';
import { TensorBudget } from './torch-storage.js';

const NEEDLE = Array.from('dnnlib.tflib.', (c) => c.charCodeAt(0));

/**
 * Whether a pickle names a `dnnlib.tflib` global: the module as the operand of GLOBAL
 * (`c` module `\n`), SHORT_BINUNICODE / SHORT_BINSTRING (a length byte) or BINUNICODE (4 bytes).
 */
export function refersToTfNetwork(bytes: Uint8Array): boolean {
  for (let i = bytes.indexOf(NEEDLE[0]!); i >= 0; i = bytes.indexOf(NEEDLE[0]!, i + 1)) {
    let j = 1;
    while (j < NEEDLE.length && bytes[i + j] === NEEDLE[j]) j++;
    if (j < NEEDLE.length) continue;
    const short = (bytes[i - 2] === 0x8c || bytes[i - 2] === 0x55) && (bytes[i - 1] ?? 0) >= NEEDLE.length;
    if (bytes[i - 1] === 0x63 || short || bytes[i - 5] === 0x58) return true;
  }
  return false;
}

/** The standard resampling filter [1, 3, 3, 1] ⊗ [1, 3, 3, 1] / 64, as PyTorch's networks register it. */
function resampleFilter(): Tensor<'float32'> {
  const k = [1, 3, 3, 1];
  return tensor('float32', [4, 4], Float32Array.from({ length: 16 }, (_, i) => (k[i >> 2]! * k[i & 3]!) / 64)); // [4, 4]
}

/** A network's variables under PyTorch names and layouts (without the resampling filters). */
function convert(net: TfNet, file: string, rules: readonly NameRule[], budget: TensorBudget): Map<string, Tensor> {
  const out = new Map<string, Tensor>();
  const from = new Map<string, string>();
  for (const [name, v] of flatVariables(file, net)) {
    if (isIgnoredVariable(name)) continue;
    const hit = forward(rules, name);
    if (!hit) {
      const hint = hintFor(name);
      throw new CheckpointError('CHECKPOINT_UNSUPPORTED', `${v.what} is not part of a StyleGAN2 network stylegraph reads${hint ? ` (${hint})` : ''}`);
    }
    const prior = from.get(hit.torch);
    if (prior !== undefined) throw new CheckpointError('CHECKPOINT_STRUCTURE', `${v.what} and ${prior} both stand for ${hit.torch}`);
    const t = toTorchLayout(variableTensor(v, budget), hit.layout);
    if (typeof t === 'string') throw new CheckpointError('CHECKPOINT_STRUCTURE', `${v.what} ${t}`);
    out.set(hit.torch, t);
    from.set(hit.torch, name);
  }
  return out;
}

/** Adds the resampling filter buffers the config's state dict has (they are not TF variables). */
function addFilters(sd: Map<string, Tensor>, expected: Iterable<string>): void {
  for (const name of expected) if (name.endsWith('.resample_filter')) sd.set(name, resampleFilter());
}

/** A tensor check's failure, told in terms of the TF variable behind the PyTorch tensor. */
function explainTensorError(e: ModelFileError, file: string, G: TfNet, D: TfNet | undefined): CheckpointError {
  const isD = e.file.endsWith('(discriminator)');
  const net = isD && D ? D : G;
  const tf = e.tensor === undefined ? undefined : backward(isD ? DISCRIMINATOR_RULES : GENERATOR_RULES, e.tensor);
  const what = tf !== undefined ? `${net.path} variable ${tf}, as PyTorch's ${e.tensor},` : `${net.path}: tensor ${e.tensor ?? '?'}`;
  return new CheckpointError('CHECKPOINT_STRUCTURE', `${file}: ${what} ${e.detail}`);
}

/** The (G, D, Gs) networks of the pickle — or a lone generator network. */
function topNetworks(file: string, top: PyValue): { Gs: TfNet; D?: TfNet } {
  if (top instanceof TfNetwork) return { Gs: readNetwork(file, top, 'the top-level Network') };
  if (!(top instanceof PyTuple) || top.items.length !== 3 || !top.items.every((n) => n instanceof TfNetwork)) {
    const found = top instanceof PyTuple ? `a tuple of ${top.items.length} items (${top.items.slice(0, 3).map(kindOf).join(', ')}${top.items.length > 3 ? ', …' : ''})` : kindOf(top);
    throw new CheckpointError('CHECKPOINT_STRUCTURE', `${file}: expected the tuple (G, D, Gs) of dnnlib.tflib.network.Network objects a TensorFlow StyleGAN2 pickle holds, found ${found}`);
  }
  const [, D, Gs] = top.items;
  return { Gs: readNetwork(file, Gs, 'Gs'), D: readNetwork(file, D, 'D') };
}

/** Reads a TensorFlow StyleGAN2 / StyleGAN2-ADA pickle; `file` names it in errors and becomes the model name. */
export async function readTfPickle(bytes: Uint8Array, file: string): Promise<LoadedModel> {
  const top = readCheckpointPickle(bytes, file, tfGlobals(file, bytes.length), explainTfRefusal);
  const { Gs, D } = topNetworks(file, top);
  const g = generatorSettings(file, Gs);
  const d = D && discriminatorSettings(file, D);
  const budget = new TensorBudget(file, bytes.length);
  const gsd = convert(Gs, file, GENERATOR_RULES, budget);
  const dsd = D && convert(D, file, DISCRIMINATOR_RULES, budget);
  for (const [torch, tf] of [['mapping.fc0.weight', 'mapping/Dense0/weight'], ['mapping.w_avg', 'dlatent_avg']] as const) {
    if (!gsd.has(torch)) throw new CheckpointError('CHECKPOINT_STRUCTURE', `${file}: ${Gs.path} has no variable ${tf}`);
  }
  let inferred;
  try {
    inferred = inferConfig(modelName(file), undefined, gsd, undefined, dsd, { convClamp: g.convClamp });
  } catch (e) {
    if (e instanceof CheckpointError && !e.message.startsWith(`${file}: `)) throw new CheckpointError(e.code, `${file}: ${e.message}`);
    throw e;
  }
  const config = tfConfig(file, inferred, Gs, g, D, d);
  addFilters(gsd, expectedGeneratorTensors(config.generator).keys());
  if (dsd && config.discriminator) addFilters(dsd, expectedDiscriminatorTensors(config.discriminator).keys());
  try {
    return await assembleModel(file, config, gsd, dsd, bytes);
  } catch (e) {
    if (e instanceof ModelFileError) throw explainTensorError(e, file, Gs, D);
    throw e;
  }
}
