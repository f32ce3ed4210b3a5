/**
 * Model folders on disk (Node only): a file source that stays inside its folder, and saving a
 * model atomically — written to a temporary folder beside the target, then renamed into place.
 */
import { mkdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { randomBytes } from 'node:crypto';
import type { Tensor } from '@stylegraph/core';
import { MODEL_FILES, type ModelFileSource } from './load.js';
import type { ModelConfig } from './config.js';
import { writeSafetensors } from './safetensors.js';

export function folderSource(dir: string): ModelFileSource {
  const path = (name: string) => {
    if (name !== basename(name) || name.startsWith('.')) throw new Error(`model file name "${name}" must be a plain file name`);
    return join(dir, name);
  };
  return {
    read: async (name) => new Uint8Array(await readFile(path(name))),
    exists: (name) => stat(path(name)).then((s) => s.isFile(), () => false),
  };
}

export interface ModelToSave {
  readonly config: ModelConfig;
  readonly generator: ReadonlyMap<string, Tensor>;
  readonly discriminator?: ReadonlyMap<string, Tensor>;
  /** Extra files (e.g. MODEL.md), by name. */
  readonly extra?: Readonly<Record<string, string | Uint8Array>>;
}

/** Writes a model folder; an existing folder at `dir` is replaced only once everything is written. */
export async function saveModel(dir: string, model: ModelToSave): Promise<void> {
  const target = resolve(dir);
  const tmp = join(dirname(target), `.${basename(target)}.${randomBytes(6).toString('hex')}.tmp`);
  await mkdir(tmp, { recursive: true });
  try {
    await writeFile(join(tmp, MODEL_FILES.config), `${JSON.stringify(model.config, null, 2)}\n`);
    await writeFile(join(tmp, MODEL_FILES.generator), writeSafetensors(model.generator));
    if (model.discriminator) await writeFile(join(tmp, MODEL_FILES.discriminator), writeSafetensors(model.discriminator));
    for (const [name, data] of Object.entries(model.extra ?? {})) await writeFile(join(tmp, basename(name)), data);
    const old = `${tmp}.old`;
    const existed = await stat(target).then(() => true, () => false);
    if (existed) await rename(target, old);
    await rename(tmp, target);
    if (existed) await rm(old, { recursive: true, force: true });
  } catch (e) {
    await rm(tmp, { recursive: true, force: true });
    throw e;
  }
}
