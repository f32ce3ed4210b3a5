/**
 * Loading a model folder through host-provided file access (works in Node and browsers):
 * `config.json`, `generator.safetensors`, and `discriminator.safetensors` when the config has
 * a discriminator. Every tensor the config implies must be present with its shape; nothing
 * else may be there. Errors name the file and the tensor.
 */
import { sha256Hex, type Tensor } from '@stylegraph/core';

import type { StyleGANModel } from '../stylegan/generator.js';
import { ModelFileError, quoteTensorName, type ModelFileErrorCode } from './errors.js';
import { ModelConfigSchema, type ModelConfig } from './config.js';
import { onnxInterface } from '../onnx/import.js';
import { readSafetensors } from './safetensors.js';
import { expectedDiscriminatorTensors, expectedGeneratorTensors, type ShapeMap } from './state-dict.js';

/** Read access to the files of one model folder, by plain file name (`config.json`, …). */
export interface ModelFileSource {
  read(name: string): Promise<Uint8Array>;
  exists(name: string): Promise<boolean>;
}

/** A checked model: the config, its architectures, the float32 state dicts and a content hash. */
export interface LoadedModel extends StyleGANModel {
  readonly config: ModelConfig;
  /**
   * The folder's optional inversion encoder (`encoder.onnx`: image [B, C, R, R] in −1…1 →
   * `ws` [B, numWs, wDim]) and its SHA-256. Not part of `contentHash`, which names the networks.
   */
  readonly encoder?: { readonly bytes: Uint8Array; readonly hash: string };
}

/** The file names of a model folder. */
export const MODEL_FILES = { config: 'config.json', generator: 'generator.safetensors', discriminator: 'discriminator.safetensors', encoder: 'encoder.onnx' } as const;

/** Parses and validates `config.json` bytes or text; `file` names it in errors. */
export function parseModelConfig(input: string | Uint8Array, file: string = MODEL_FILES.config): ModelConfig {
  let raw: unknown;
  try {
    raw = JSON.parse(typeof input === 'string' ? input : new TextDecoder('utf-8', { fatal: true }).decode(input));
  } catch (e) {
    throw new ModelFileError('CONFIG_INVALID', file, `is not valid UTF-8 JSON (${(e as Error).message})`);
  }
  const r = ModelConfigSchema.safeParse(raw);
  if (!r.success) {
    const [first, ...rest] = r.error.issues.map((i) => `${i.path.join('.') || 'config'}: ${i.message}`);
    throw new ModelFileError('CONFIG_INVALID', file, `${first!}${rest.length ? ` (and ${rest.length} more: ${rest.slice(0, 4).join('; ')}${rest.length > 4 ? '; …' : ''})` : ''}`);
  }
  return r.data;
}

const shapeText = (dims: readonly number[]) => `[${dims.join(', ')}]`;

/**
 * Checks a state dict against the expected names and shapes and returns it typed as float32.
 * Every problem is found; the error carries the first one's code and tensor and lists the rest.
 */
export function checkTensors(file: string, tensors: ReadonlyMap<string, Tensor>, expected: ShapeMap): Map<string, Tensor<'float32'>> {
  // Plain records, not errors: a hostile file may hold millions of unexpected tensors.
  const problems: { code: ModelFileErrorCode; tensor: string; detail: string }[] = [];
  for (const [name, shape] of expected) {
    const t = tensors.get(name);
    if (!t) problems.push({ code: 'TENSOR_MISSING', tensor: name, detail: `is missing (the config needs shape ${shapeText(shape)})` });
    else if (t.dims.length !== shape.length || t.dims.some((d, i) => d !== shape[i])) {
      problems.push({ code: 'TENSOR_SHAPE', tensor: name, detail: `has shape ${shapeText(t.dims)} but the config needs ${shapeText(shape)}` });
    } else if (t.dtype !== 'float32') problems.push({ code: 'TENSOR_DTYPE', tensor: name, detail: `has dtype ${t.dtype}; weights must be floating point` });
  }
  for (const name of tensors.keys()) {
    if (!expected.has(name)) problems.push({ code: 'TENSOR_UNEXPECTED', tensor: name, detail: 'is not part of the network the config describes' });
  }
  const [first, ...rest] = problems;
  if (first) {
    const more = rest.slice(0, 4).map((p) => `tensor ${quoteTensorName(p.tensor)} ${p.detail}`);
    const tail = rest.length ? ` (and ${rest.length} more: ${more.join('; ')}${rest.length > 4 ? '; …' : ''})` : '';
    throw new ModelFileError(first.code, file, `${first.detail}${tail}`, first.tensor);
  }
  return new Map(tensors as ReadonlyMap<string, Tensor<'float32'>>);
}

async function readFile(src: ModelFileSource, name: string): Promise<Uint8Array> {
  if (!(await src.exists(name))) throw new ModelFileError('FILE_MISSING', name, 'is missing from the model folder');
  return src.read(name);
}

/**
 * Loads and checks a model folder. `contentHash` is SHA-256 (hex) over the hashes of the files
 * read, so it identifies the weights and config exactly.
 */
export async function loadModel(src: ModelFileSource): Promise<LoadedModel> {
  const configBytes = await readFile(src, MODEL_FILES.config);
  const config = parseModelConfig(configBytes);
  const gBytes = await readFile(src, MODEL_FILES.generator);
  const generator = checkTensors(MODEL_FILES.generator, readSafetensors(gBytes, MODEL_FILES.generator).tensors, expectedGeneratorTensors(config.generator));
  let discriminator: Map<string, Tensor<'float32'>> | undefined;
  let dHash = '';
  if (!config.discriminator && (await src.exists(MODEL_FILES.discriminator))) {
    throw new ModelFileError('FILE_UNEXPECTED', MODEL_FILES.discriminator, `is present but ${MODEL_FILES.config} has no discriminator (set "discriminator" or remove the file)`);
  }
  if (config.discriminator) {
    const dBytes = await readFile(src, MODEL_FILES.discriminator);
    discriminator = checkTensors(MODEL_FILES.discriminator, readSafetensors(dBytes, MODEL_FILES.discriminator).tensors, expectedDiscriminatorTensors(config.discriminator));
    dHash = await sha256Hex(dBytes);
  }
  const contentHash = await sha256Hex([await sha256Hex(configBytes), await sha256Hex(gBytes), dHash].join(':'));
  const encoder = (await src.exists(MODEL_FILES.encoder)) ? await readEncoder(src) : undefined;
  return {
    ...(encoder && { encoder }),
    config,
    generator: config.generator,
    discriminator: config.discriminator,
    weights: { generator, ...(discriminator && { discriminator }) },
    contentHash,
  };
}

/** `encoder.onnx`, checked to be an ONNX model with one image input and a `ws` output. */
async function readEncoder(src: ModelFileSource): Promise<{ bytes: Uint8Array; hash: string }> {
  const bytes = await readFile(src, MODEL_FILES.encoder);
  let io: { inputs: string[]; outputs: string[] };
  try {
    io = onnxInterface(bytes);
  } catch (e) {
    throw new ModelFileError('FILE_INVALID', MODEL_FILES.encoder, (e as Error).message);
  }
  if (io.inputs.length !== 1 || !io.outputs.includes('ws')) {
    throw new ModelFileError('FILE_INVALID', MODEL_FILES.encoder, `an encoder needs one image input and a "ws" output; it has inputs [${io.inputs.join(', ')}] and outputs [${io.outputs.join(', ')}]`);
  }
  return { bytes, hash: await sha256Hex(bytes) };
}
