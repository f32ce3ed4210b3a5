/**
 * Loading a data-only plugin: its operator manifests (JSON) and ONNX files, read from inside its
 * package folder and nowhere else. No file of the package is imported or run, so it needs no
 * isolation: its nodes run the ONNX models through the host's compute.
 */
import { readFile, readdir, realpath, stat } from 'node:fs/promises';
import { dirname, join, relative, sep } from 'node:path';
import { operatorPlugin } from '@stylegraph/ops-gpu';
import type { PluginDefinition, Registry } from '@stylegraph/core';
import type { PluginManifest } from './plugin-manifest.js';
import { PluginLoadError } from './plugin-error.js';

const MAX_MANIFEST_BYTES = 1 << 20;
const MAX_MODEL_BYTES = 512 * 2 ** 20;
const MAX_OPERATORS = 256;

const inside = (root: string, p: string) => p === root || p.startsWith(root + sep);

/** `./operators/*.json` → the matching files, sorted; one `*` in the file name part at most. */
async function expand(root: string, pattern: string): Promise<string[]> {
  const rel = pattern.replace(/^\.\//, '');
  const dir = dirname(rel);
  const name = rel.slice(dir === '.' ? 0 : dir.length + 1);
  if (dir.includes('*') || name.split('*').length > 2) throw new Error(`"${pattern}": only one * in the file name is supported`);
  const [pre, post] = name.includes('*') ? (name.split('*') as [string, string]) : [name, undefined];
  const entries = await readdir(join(root, dir)).catch(() => {
    throw new Error(`"${pattern}": no folder ${dir}`);
  });
  return entries
    .filter((e) => (post === undefined ? e === pre : e.startsWith(pre) && e.endsWith(post) && e.length >= pre.length + post.length))
    .sort()
    .map((e) => join(root, dir, e));
}

/** Reads a file of the package, refusing anything that leads outside it or is too large. */
async function readInside(root: string, path: string, max: number): Promise<Uint8Array> {
  const real = await realpath(join(root, path)).catch(() => {
    throw new Error(`${path}: no such file in the package`);
  });
  if (!inside(root, real)) throw new Error(`${path} leads outside the package`);
  const st = await stat(real);
  if (!st.isFile()) throw new Error(`${path} is not a file`);
  if (st.size > max) throw new Error(`${path} is ${st.size} bytes, more than ${max}`);
  return new Uint8Array(await readFile(real));
}

export async function loadDataPlugin(manifest: PluginManifest, registry: Registry): Promise<PluginDefinition> {
  const root = await realpath(manifest.dir);
  try {
    const files = await expand(root, manifest.operators!);
    if (files.length === 0) throw new Error(`stylegraph.operators "${manifest.operators}" matches no file`);
    if (files.length > MAX_OPERATORS) throw new Error(`stylegraph.operators matches ${files.length} files, more than ${MAX_OPERATORS}`);
    const operators = [];
    for (const f of files) {
      const rel = relative(root, f).split(sep).join('/');
      const text = new TextDecoder().decode(await readInside(root, rel, MAX_MANIFEST_BYTES));
      let json: unknown;
      try {
        json = JSON.parse(text);
      } catch (e) {
        throw new Error(`${rel}: not valid JSON (${(e as Error).message})`);
      }
      operators.push({ file: rel, manifest: json });
    }
    return await operatorPlugin({
      name: manifest.name,
      version: manifest.version,
      namespace: manifest.namespace ?? manifest.name.replace(/^(@[^/]+\/)?stylegraph-plugin-/, ''),
      ...(manifest.description !== undefined && { description: manifest.description }),
      operators,
      kind: (name) => registry.kind(name),
      readFile: (path) => readInside(root, path, MAX_MODEL_BYTES),
    });
  } catch (e) {
    throw new PluginLoadError(`plugin ${manifest.name} (${root}): ${(e as Error).message}`);
  }
}
