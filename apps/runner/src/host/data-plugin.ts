/**
 * Loading a data-only plugin: its operator manifests (JSON) and ONNX files, read from inside its
 * package folder and nowhere else. No file of the package is imported or run, so it needs no
 * isolation: its nodes run the ONNX models through the host's compute.
 */
import { readFile, readdir, realpath, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { within } from './safe-write.js';
import { loadOperatorPackage } from '@stylegraph/ops-gpu';
import type { PluginDefinition, Registry } from '@stylegraph/core';
import type { PluginManifest } from './plugin-manifest.js';
import { PluginLoadError } from './plugin-error.js';

const MAX_FILE_BYTES = 512 * 2 ** 20;

/** Reads a file of the package, refusing anything that leads outside it or is too large. */
async function readInside(root: string, path: string): Promise<Uint8Array> {
  const real = await realpath(join(root, path)).catch(() => {
    throw new Error(`${path}: no such file in the package`);
  });
  if (!within(root, real)) throw new Error(`${path} leads outside the package`);
  const st = await stat(real);
  if (!st.isFile()) throw new Error(`${path} is not a file`);
  if (st.size > MAX_FILE_BYTES) throw new Error(`${path} is ${st.size} bytes, more than ${MAX_FILE_BYTES}`);
  return new Uint8Array(await readFile(real));
}

export async function loadDataPlugin(manifest: PluginManifest, registry: Registry): Promise<PluginDefinition> {
  const root = await realpath(manifest.dir);
  try {
    return await loadOperatorPackage({
      packageJson: JSON.parse(new TextDecoder().decode(await readInside(root, 'package.json'))) as unknown,
      listFiles: async (dir) => {
        const real = await realpath(join(root, dir));
        if (!within(root, real)) throw new Error(`${dir} leads outside the package`);
        return readdir(real);
      },
      readFile: (path) => readInside(root, path),
      kind: (name) => registry.kind(name),
    });
  } catch (e) {
    throw new PluginLoadError(`plugin ${manifest.name} (${root}): ${(e as Error).message}`);
  }
}
