/**
 * Model folders on disk (Node only): a file source that stays inside its folder, and saving a
 * checked model atomically — everything is written to a temporary folder beside the target and
 * renamed into place, so a failure leaves either the old folder or nothing, never half a model.
 * Only a model folder or an empty folder is ever replaced.
 */
import { mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { randomBytes } from 'node:crypto';
import type { Tensor } from '@stylegraph/core';
import { ModelFileError } from './errors.js';
import { checkTensors, MODEL_FILES, parseModelConfig, type ModelFileSource } from './load.js';
import type { ModelConfig } from './config.js';
import { writeSafetensors } from './safetensors.js';
import { expectedDiscriminatorTensors, expectedGeneratorTensors } from './state-dict.js';

/** Refuses names that could leave the folder (separators, `..`) or hide (leading dot). */
function plainName(name: string): string {
  if (!/^[^/\\.\0][^/\\\0]*$/.test(name)) throw new ModelFileError('FILE_NAME', name, 'is not a plain file name (no path separators, no leading dot)');
  return name;
}

/** A ModelFileSource over the files directly inside `dir`. */
export function folderSource(dir: string): ModelFileSource {
  return {
    read: async (name) => new Uint8Array(await readFile(join(dir, plainName(name)))),
    exists: async (name) => stat(join(dir, plainName(name))).then((s) => s.isFile(), () => false),
  };
}

export interface ModelToSave {
  readonly config: ModelConfig;
  readonly generator: ReadonlyMap<string, Tensor>;
  /** Required exactly when `config.discriminator` is not null. */
  readonly discriminator?: ReadonlyMap<string, Tensor>;
  /** Extra files (e.g. MODEL.md), by plain file name. */
  readonly extra?: Readonly<Record<string, string | Uint8Array>>;
}

/** The files of a model folder, checked as `loadModel` would check them. */
function modelFiles(model: ModelToSave): Map<string, string | Uint8Array> {
  const configText = `${JSON.stringify(model.config, null, 2)}\n`;
  const config = parseModelConfig(configText);
  const files = new Map<string, string | Uint8Array>([[MODEL_FILES.config, configText]]);
  files.set(MODEL_FILES.generator, writeSafetensors(checkTensors(MODEL_FILES.generator, model.generator, expectedGeneratorTensors(config.generator))));
  if (config.discriminator) {
    if (!model.discriminator) throw new ModelFileError('FILE_MISSING', MODEL_FILES.discriminator, 'is needed: the config has a discriminator but no weights were given');
    files.set(MODEL_FILES.discriminator, writeSafetensors(checkTensors(MODEL_FILES.discriminator, model.discriminator, expectedDiscriminatorTensors(config.discriminator))));
  } else if (model.discriminator) {
    throw new ModelFileError('FILE_UNEXPECTED', MODEL_FILES.discriminator, 'weights were given but the config has no discriminator');
  }
  for (const [name, data] of Object.entries(model.extra ?? {})) {
    if (files.has(plainName(name))) throw new ModelFileError('FILE_NAME', name, 'is a model file and cannot be an extra file');
    files.set(name, data);
  }
  return files;
}

/**
 * Whether `target` exists and may be replaced by a model folder: only an empty folder or a
 * model folder (one with `config.json`) may; anything else is refused, so a mistyped path
 * never deletes unrelated files.
 */
async function replaceable(target: string): Promise<boolean> {
  const s = await stat(target).catch(() => undefined);
  if (!s) return false;
  if (s.isDirectory()) {
    const names = await readdir(target);
    if (names.length === 0 || names.includes(MODEL_FILES.config)) return true;
  }
  const what = s.isDirectory() ? `is a folder without ${MODEL_FILES.config}` : 'exists and is not a folder';
  throw new ModelFileError('FOLDER_NOT_MODEL', target, `${what}; refusing to replace it with a model`);
}

/**
 * Writes a model folder at `dir` after checking it. An existing model folder (or empty folder)
 * there is replaced, and only once the new one is completely written; anything else at `dir`
 * is refused with `FOLDER_NOT_MODEL`.
 */
export async function saveModel(dir: string, model: ModelToSave): Promise<void> {
  const files = modelFiles(model);
  const target = resolve(dir);
  const replacing = await replaceable(target);
  const tmp = join(dirname(target), `.${basename(target)}.${randomBytes(6).toString('hex')}.tmp`);
  const old = `${tmp}.old`;
  await mkdir(tmp, { recursive: true });
  try {
    for (const [name, data] of files) await writeFile(join(tmp, name), data);
    if (replacing) await rename(target, old);
    try {
      await rename(tmp, target);
    } catch (e) {
      if (replacing) await rename(old, target);
      throw e;
    }
    if (replacing) await rm(old, { recursive: true, force: true });
  } catch (e) {
    await rm(tmp, { recursive: true, force: true });
    throw e;
  }
}
