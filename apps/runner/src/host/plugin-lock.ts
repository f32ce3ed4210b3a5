/**
 * Plugin locks: a graph records the exact version and an integrity hash of every plugin it uses
 * (`stylegraph lock`), `check` warns when what is installed differs, and `run --frozen` refuses.
 * The integrity is SHA-256 over the plugin package's files — every file of its folder (its own
 * node_modules included, .git not), in path order, each as its path, size and bytes; a link as
 * where it points and, when that is a file, its bytes — so a change to what the host would load
 * changes it. A loose module file is hashed alone.
 */
import { createHash } from 'node:crypto';
import { lstat, readFile, readdir, readlink, stat } from 'node:fs/promises';
import { dirname, join, relative, sep } from 'node:path';
import { isPackageName, type Diagnostic, type GraphDocument, type PluginLock, type Registry } from '@stylegraph/core';
import { BUILTIN_PLUGINS, installedDir, pluginSources, type LoadedPlugin } from './plugins.js';
import { hostPackages } from './isolate/host-roots.js';

const MAX_FILES = 20_000;
const MAX_BYTES = 2 * 2 ** 30;
const SKIP = new Set(['.git']);

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
    const target = l.isSymbolicLink() ? await stat(f).catch(() => undefined) : undefined;
    const bytes = l.isSymbolicLink()
      ? new Uint8Array([...new TextEncoder().encode(`link:${await readlink(f)}\0`), ...(target?.isFile() && target.size <= MAX_BYTES ? await readFile(f) : [])])
      : new Uint8Array(await readFile(f));
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
  const dir = hostPackages().packages.get(p.plugin.name);
  if (!dir) throw new Error(`built-in plugin ${p.plugin.name} is not among the host's packages`);
  return dir;
}

/**
 * The integrity of each loaded plugin, taken once: what runs is what was loaded, so a server
 * validating graph after graph hashes each plugin's files only the first time.
 */
const loadedIntegrity = new WeakMap<LoadedPlugin, Promise<string>>();

/** The lock entries of the plugins a graph requires, as loaded now. */
export async function currentLocks(doc: GraphDocument, registry: Registry): Promise<Record<string, PluginLock>> {
  const sources = pluginSources(registry);
  const out: Record<string, PluginLock> = {};
  for (const name of Object.keys(doc.plugins ?? {}).sort()) {
    const p = sources.get(name);
    if (!p) continue;
    if (!loadedIntegrity.has(p)) loadedIntegrity.set(p, integrityOf(pluginRoot(p)));
    out[name] = { version: p.plugin.version, integrity: await loadedIntegrity.get(p)! };
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

/**
 * `run --frozen`, before any plugin code is loaded: the installed packages a graph requires
 * (built-ins aside), compared with its lock by their package.json version and their files. A
 * drifted or unlocked package is refused here, so its code never runs.
 */
export async function frozenBeforeLoad(doc: GraphDocument, fromDir: string): Promise<Diagnostic[]> {
  const out: Diagnostic[] = [];
  const builtins = new Set(BUILTIN_PLUGINS.map((p) => p.name));
  for (const name of Object.keys(doc.plugins ?? {})) {
    if (builtins.has(name) || !isPackageName(name)) continue;
    const dir = await installedDir(name, fromDir);
    if (!dir) continue; // PLUGIN_MISSING says so.
    const want = doc.lock?.[name];
    if (!want) {
      out.push({ severity: 'error', code: 'PLUGIN_UNLOCKED', path: `lock.${name}`, message: `--frozen: the graph locks no version of ${name}; run stylegraph lock first` });
      continue;
    }
    const version = (JSON.parse(await readFile(join(dir, 'package.json'), 'utf8').catch(() => '{}')) as { version?: unknown }).version;
    if (version !== want.version) out.push({ severity: 'error', code: 'PLUGIN_LOCK_DRIFT', path: `lock.${name}`, message: `${name} is locked at ${want.version}, but ${String(version)} is installed` });
    else if ((await integrityOf(dir)) !== want.integrity) out.push({ severity: 'error', code: 'PLUGIN_LOCK_DRIFT', path: `lock.${name}`, message: `${name} ${want.version} is installed, but its files differ from the ones the graph locks` });
  }
  return out;
}
