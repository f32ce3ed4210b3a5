/**
 * Plugin locks: a graph records the exact version and an integrity hash of every plugin it uses
 * (`stylegraph lock`), `check` warns when what is installed differs, and `run --frozen` refuses.
 * The integrity is SHA-256 over the plugin package's files — every file of its folder except
 * node_modules and .git, in path order, each as its path, size and bytes — so any change to what
 * the host would load or read changes it. A loose module file is hashed alone.
 */
import { createHash } from 'node:crypto';
import { lstat, readFile, readdir, readlink } from 'node:fs/promises';
import { dirname, join, relative, sep } from 'node:path';
import type { Diagnostic, GraphDocument, PluginLock, Registry } from '@stylegraph/core';
import { pluginSources, type LoadedPlugin } from './plugins.js';

const MAX_FILES = 20_000;
const MAX_BYTES = 2 * 2 ** 30;
const SKIP = new Set(['node_modules', '.git']);

async function packageFiles(root: string): Promise<string[]> {
  const out: string[] = [];
  const walk = async (dir: string) => {
    for (const name of (await readdir(dir)).sort()) {
      if (SKIP.has(name)) continue;
      const p = join(dir, name);
      const st = await lstat(p);
      if (st.isDirectory()) await walk(p);
      else if (st.isFile() || st.isSymbolicLink()) out.push(p);
      if (out.length > MAX_FILES) throw new Error(`${root} holds more than ${MAX_FILES} files`);
    }
  };
  await walk(root);
  return out.sort();
}

/** `sha256-<base64>` over a package folder's files, or over one file. */
export async function integrityOf(path: string): Promise<string> {
  const h = createHash('sha256');
  const st = await lstat(path);
  const root = st.isDirectory() ? path : dirname(path);
  const files = st.isDirectory() ? await packageFiles(path) : [path];
  let total = 0;
  for (const f of files) {
    const l = await lstat(f);
    // A link is hashed as where it points, never followed.
    const bytes = l.isSymbolicLink() ? new TextEncoder().encode(`link:${await readlink(f)}`) : new Uint8Array(await readFile(f));
    total += bytes.byteLength;
    if (total > MAX_BYTES) throw new Error(`${path} is larger than ${MAX_BYTES} bytes`);
    h.update(`${relative(root, f).split(sep).join('/')}\0${bytes.byteLength}\0`);
    h.update(bytes);
  }
  return `sha256-${h.digest('base64')}`;
}

/** The package folder a loaded plugin's files are in (a built-in's too), or its one file. */
export function pluginRoot(p: LoadedPlugin): string {
  if (p.root) return p.root;
  if (p.mode !== 'builtin') return p.file;
  // A built-in: the package folder above its entry file.
  let dir = dirname(p.file);
  while (!dir.endsWith(`${sep}dist`) && dirname(dir) !== dir) dir = dirname(dir);
  return dirname(dir);
}

/** The lock entries of the plugins a graph requires, as installed now. */
export async function currentLocks(doc: GraphDocument, registry: Registry): Promise<Record<string, PluginLock>> {
  const sources = pluginSources(registry);
  const out: Record<string, PluginLock> = {};
  for (const name of Object.keys(doc.plugins ?? {}).sort()) {
    const p = sources.get(name);
    if (!p) continue;
    out[name] = { version: p.plugin.version, integrity: await integrityOf(pluginRoot(p)) };
  }
  return out;
}

/**
 * What differs between a graph's lock and the plugins installed: warnings, or errors when
 * `frozen` (then a required plugin the lock lacks is an error too).
 */
export async function checkLock(doc: GraphDocument, registry: Registry, frozen: boolean): Promise<Diagnostic[]> {
  const lock = doc.lock ?? {};
  const now = await currentLocks(doc, registry);
  const severity = frozen ? 'error' : 'warning';
  const out: Diagnostic[] = [];
  for (const name of Object.keys(doc.plugins ?? {})) {
    const want = lock[name];
    const have = now[name];
    if (!have) continue; // PLUGIN_MISSING says so.
    if (!want) {
      if (frozen) out.push({ severity: 'error', code: 'PLUGIN_UNLOCKED', path: `lock.${name}`, message: `--frozen: the graph locks no version of ${name}; run stylegraph lock first` });
      continue;
    }
    if (want.version !== have.version) {
      out.push({ severity, code: 'PLUGIN_LOCK_DRIFT', path: `lock.${name}`, message: `${name} is locked at ${want.version}, but ${have.version} is installed${frozen ? '' : ' (run stylegraph lock to accept it)'}` });
    } else if (want.integrity !== have.integrity) {
      out.push({ severity, code: 'PLUGIN_LOCK_DRIFT', path: `lock.${name}`, message: `${name} ${have.version} is installed, but its files differ from the ones the graph locks (integrity ${have.integrity}, locked ${want.integrity})` });
    }
  }
  return out;
}
