/**
 * Loading a model folder through host-provided file access (works in Node and browsers):
 * `config.json`, `generator.safetensors`, and `discriminator.safetensors` when the config has
 * a discriminator. Every tensor the config implies must be present with its shape; nothing
 * else may be there. Errors name the file and the tensor.
 */
import { sha256Hex, type Tensor } from '@stylegraph/core';

import type { StyleGANModel } from '../stylegan/generator.js';
import { ModelFileError } from './errors.js';
import { ModelConfigSchema, type ModelConfig } from './config.js';
import { readSafetensors } from './safetensors.js';
import { expectedDiscriminatorTensors, expectedGeneratorTensors, type ShapeMap } from './state-dict.js';

export interface ModelFileSource {
  read(name: string): Promise<Uint8Array>;
  exists(name: string): Promise<boolean>;
}

export interface LoadedModel extends StyleGANModel {
  readonly config: ModelConfig;
}

export const MODEL_FILES = { config: 'config.json', generator: 'generator.safetensors', discriminator: 'discriminator.safetensors' } as const;

/** Parses and validates `config.json` text. */
export function parseModelConfig(text: string, file: string = MODEL_FILES.config): ModelConfig {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new ModelFileError('CONFIG_INVALID', file, `is not valid JSON (${(e as Error).message})`);
  }
  const r = ModelConfigSchema.safeParse(raw);
  if (!r.success) {
    const issue = r.error.issues[0]!;
    throw new ModelFileError('CONFIG_INVALID', file, `${issue.path.join('.') || 'config'}: ${issue.message}${r.error.issues.length > 1 ? ` (and ${r.error.issues.length - 1} more)` : ''}`);
  }
  return r.data;
}

/** Checks tensors against the expected state dict; returns them as float32. */
export function checkTensors(file: string, tensors: Map<string, Tensor>, expected: ShapeMap): Map<string, Tensor<'float32'>> {
  for (const [name, shape] of expected) {
    const t = tensors.get(name);
    if (!t) throw new ModelFileError('TENSOR_MISSING', file, `is missing (the config needs shape [${shape.join(', ')}])`, name);
    if (t.dims.length !== shape.length || t.dims.some((d, i) => d !== shape[i])) {
      throw new ModelFileError('TENSOR_SHAPE', file, `has shape [${t.dims.join(', ')}] but the config needs [${shape.join(', ')}]`, name);
    }
    if (t.dtype !== 'float32') throw new ModelFileError('TENSOR_SHAPE', file, `has dtype ${t.dtype}; weights must be floating point`, name);
  }
  for (const name of tensors.keys()) {
    if (!expected.has(name)) throw new ModelFileError('TENSOR_UNEXPECTED', file, 'is not part of the network the config describes', name);
  }
  return tensors as Map<string, Tensor<'float32'>>;
}

async function readFile(src: ModelFileSource, name: string): Promise<Uint8Array> {
  if (!(await src.exists(name))) throw new ModelFileError('FILE_MISSING', name, 'is missing from the model folder');
  return src.read(name);
}

export async function loadModel(src: ModelFileSource): Promise<LoadedModel> {
  const configBytes = await readFile(src, MODEL_FILES.config);
  const config = parseModelConfig(new TextDecoder().decode(configBytes));
  const gBytes = await readFile(src, MODEL_FILES.generator);
  const generator = checkTensors(MODEL_FILES.generator, readSafetensors(gBytes, MODEL_FILES.generator).tensors, expectedGeneratorTensors(config.generator));
  let discriminator: Map<string, Tensor<'float32'>> | undefined;
  let dHash = '';
  if (config.discriminator) {
    const dBytes = await readFile(src, MODEL_FILES.discriminator);
    discriminator = checkTensors(MODEL_FILES.discriminator, readSafetensors(dBytes, MODEL_FILES.discriminator).tensors, expectedDiscriminatorTensors(config.discriminator));
    dHash = await sha256Hex(dBytes);
  }
  const contentHash = await sha256Hex([await sha256Hex(configBytes), await sha256Hex(gBytes), dHash].join(':'));
  return {
    config,
    generator: config.generator,
    discriminator: config.discriminator,
    weights: { generator, ...(discriminator && { discriminator }) },
    contentHash,
  };
}

