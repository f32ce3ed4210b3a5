/**
 * Which plugins a host loads, and how. A graph is data, never code: its `plugins` map holds npm
 * package names, never paths. Hosts load the built-in plugins (in-process), the `--plugin`
 * modules named on their own command line (a path or a package), and installed packages that
 * declare themselves stylegraph plugins (the keyword `stylegraph-plugin` or a `"stylegraph"`
 * field): the CLI those a graph requires, the server every one in its workspace at start — it
 * never loads because of a request. A third-party code plugin runs isolated (isolate/) unless the
 * command line trusts it; a data-only one is read as data (data-plugin.ts). A package's default
 * export (or `plugin` export) is its plugin, and bears the package's name and version.
 */
import { readFile, readdir, realpath, stat } from 'node:fs/promises';
import { createRequire, isBuiltin } from 'node:module';
import { within } from './safe-write.js';
import { dirname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { PLUGIN_API_VERSION, Registry, isPackageName, pluginOfModule, type PluginDefinition } from '@stylegraph/core';
import { provideHostPackages } from './plugin-resolve.js';
import { DEFAULT_CAPABILITIES, readPluginManifest, type Capabilities, type PluginManifest } from './plugin-manifest.js';
import { IsolatedPlugin } from './isolate/isolated-plugin.js';
import { hostPackages } from './isolate/host-roots.js';
import { readFileSync } from 'node:fs';
import semver from 'semver';
import { loadDataPlugin } from './data-plugin.js';
import { PluginLoadError } from './plugin-error.js';
import { stdPlugin } from '@stylegraph/plugin-std';
import { styleganPlugin } from '@stylegraph/plugin-stylegan';
import { ioPlugin } from '@stylegraph/plugin-io';
import { facesPlugin } from '@stylegraph/plugin-faces';
import { attacksPlugin } from '@stylegraph/plugin-attacks';
import { watermarkPlugin } from '@stylegraph/plugin-watermark';
import { detectPlugin } from '@stylegraph/plugin-detect';
import { inversionPlugin } from '@stylegraph/plugin-inversion';

export const BUILTIN_PLUGINS: readonly PluginDefinition[] = [stdPlugin, styleganPlugin, ioPlugin, facesPlugin, attacksPlugin, watermarkPlugin, detectPlugin, inversionPlugin];

/** The keyword an installed package's package.json carries to be loadable because a graph requires it. */
export const PLUGIN_KEYWORD = 'stylegraph-plugin';

export { PluginLoadError };

/** A plugin, the file its module is (its package folder for a data-only one), and how it runs. */
export interface LoadedPlugin {
  readonly plugin: PluginDefinition;
  readonly file: string;
  readonly mode: PluginMode;
  /** Its package folder; absent for a loose module file. */
  readonly root?: string;
  readonly manifest?: PluginManifest;
  /** Stops its isolated process(es). */
  readonly stop?: () => void;
}

/** How the host runs a plugin: built in, trusted in-process (`--trust`), isolated in its own process, or data only. */
export type PluginMode = 'builtin' | 'trusted' | 'isolated' | 'data';

/** How a plugin is loaded: what the registry gets for it. */
export interface LoadOptions {
  /** Package names (or `--plugin` specs) allowed to run inside the host process. */
  readonly trust?: ReadonlySet<string>;
  /** Hears warnings (a trusted third-party plugin, a plugin with install scripts). */
  readonly warn?: (message: string) => void;
  /** The folder a server serves ($workspace in capabilities). */
  readonly workspace?: string;
}

/** Where a path spec's package is: the nearest package.json above the file, if it declares a plugin. */
async function packageOfFile(file: string): Promise<string | undefined> {
  for (let dir = dirname(file); ; dir = dirname(dir)) {
    const text = await readFile(join(dir, 'package.json'), 'utf8').catch(() => undefined);
    if (text !== undefined) {
      try {
        const pkg = JSON.parse(text) as { stylegraph?: unknown; keywords?: unknown };
        return pkg.stylegraph !== undefined || (Array.isArray(pkg.keywords) && pkg.keywords.includes(PLUGIN_KEYWORD)) ? dir : undefined;
      } catch {
        return undefined;
      }
    }
    if (dirname(dir) === dir) return undefined;
  }
}

/** The folder of installed package `name`, looked up in node_modules folders from `fromDir` upwards. */
export async function installedDir(name: string, fromDir: string): Promise<string | undefined> {
  for (let dir = resolve(fromDir); ; dir = dirname(dir)) {
    const candidate = join(dir, 'node_modules', name);
    if ((await stat(join(candidate, 'package.json')).catch(() => undefined))?.isFile()) return realpath(candidate);
    if (dirname(dir) === dir) return undefined;
  }
}

async function importInProcess(file: string, spec: string): Promise<PluginDefinition> {
  let mod: Record<string, unknown>;
  try {
    provideHostPackages();
    mod = (await import(pathToFileURL(file).href)) as Record<string, unknown>;
  } catch (e) {
    throw new PluginLoadError(`plugin ${spec} failed to load: ${e instanceof Error ? e.message : String(e)}`);
  }
  const plugin = pluginOfModule(mod);
  if (!plugin) throw new PluginLoadError(`${spec} does not export a stylegraph plugin (default export from definePlugin)`);
  return plugin;
}

/**
 * Loads a plugin a host was told about: a path (a module file or a package folder) or an
 * installed package resolved from `fromDir`. A package's `"stylegraph"` field decides how: a
 * data-only plugin's operators are read as data; a code plugin runs isolated in its own process
 * with the capabilities it declares, unless the host trusts it (`--trust`).
 */
async function loadPluginModule(spec: string, fromDir: string, registry: Registry, opts: LoadOptions): Promise<LoadedPlugin> {
  const isPath = spec.startsWith('.') || spec.startsWith('/');
  let file: string | undefined;
  let root: string | undefined;
  if (isPath) {
    const p = resolve(fromDir, spec);
    const st = await stat(p).catch(() => undefined);
    if (!st) throw new PluginLoadError(`plugin ${spec}: no such file or folder (${p})`);
    if (st.isDirectory()) root = await realpath(p);
    else {
      file = await realpath(p);
      root = await packageOfFile(file);
    }
  } else {
    root = isPackageName(spec) ? await installedDir(spec, fromDir) : undefined;
    if (!root) throw new PluginLoadError(`plugin ${spec} is not installed (looked from ${fromDir}); install it with npm install ${spec}`);
  }
  let manifest: PluginManifest | undefined;
  try {
    manifest = root ? await readPluginManifest(root) : undefined;
  } catch (e) {
    throw new PluginLoadError(`plugin ${spec}: ${(e as Error).message}`);
  }
  // An installed package is the package it was asked for: checked before any of its code runs.
  if (!isPath && manifest && manifest.name !== spec) throw new PluginLoadError(`plugin ${spec}: the package installed there is named ${manifest.name}`);
  if (manifest?.coreRange !== undefined) {
    const core = hostCoreVersion();
    if (semver.validRange(manifest.coreRange) !== null && !semver.satisfies(core, manifest.coreRange)) {
      throw new PluginLoadError(`plugin ${manifest.name} needs @stylegraph/core ${manifest.coreRange}, but this stylegraph provides ${core} (plugin API ${semver.major(core)})`);
    }
  }
  if (manifest?.installScripts.length) opts.warn?.(`plugin ${manifest.name} declares install scripts (${manifest.installScripts.join(', ')}); stylegraph never needs or runs them`);
  if (manifest?.operators !== undefined) {
    return { plugin: await loadDataPlugin(manifest, registry), file: root!, mode: 'data', root: root!, manifest };
  }
  if (!file) {
    file = manifest?.entry !== undefined ? join(root!, manifest.entry) : await packageEntry(root!);
    if (!file) throw new PluginLoadError(`plugin ${spec}: its package has no entry (declare "stylegraph": { "entry": … }, "exports" or "main")`);
  }
  const label = manifest?.name ?? spec;
  // Trust goes to what the command line named: the package (checked above to be the one asked for), or the path.
  const trusted = !!opts.trust && [spec, label, file, root].some((n) => n !== undefined && opts.trust!.has(n));
  if (trusted) {
    opts.warn?.(`plugin ${label} is trusted (--trust): it runs inside stylegraph’s process with all of its access to this machine`);
    const plugin = samePackage(await importInProcess(file, spec), manifest, spec);
    return { plugin, file, mode: 'trusted', ...(root && { root }), ...(manifest && { manifest }) };
  }
  const own = root ?? file;
  const beyond = beyondOwnFolders(manifest?.capabilities ?? DEFAULT_CAPABILITIES);
  if (beyond.length) opts.warn?.(`plugin ${label} declares capabilities beyond its own folders: ${beyond.join('; ')}`);
  try {
    const { plugin, host } = await IsolatedPlugin.start({
      label,
      entry: file,
      ownFiles: own,
      ownIsFile: root === undefined,
      capabilities: manifest?.capabilities ?? DEFAULT_CAPABILITIES,
      kind: (name) => registry.kind(name),
      ...(opts.workspace !== undefined && { workspace: opts.workspace }),
    });
    isolatedHosts.add(host);
    try {
      samePackage(plugin, manifest, spec);
    } catch (e) {
      host.close();
      throw e;
    }
    const stop = () => {
      host.close();
      isolatedHosts.delete(host);
    };
    return { plugin, file, mode: 'isolated', ...(root && { root }), ...(manifest && { manifest }), stop };
  } catch (e) {
    if (e instanceof PluginLoadError) throw e;
    throw new PluginLoadError(e instanceof Error ? e.message : String(e));
  }
}

/** What a plugin's capabilities grant beyond the run's output and its scratch folder, in words. */
function beyondOwnFolders(c: Capabilities): string[] {
  const out: string[] = [];
  if (c.childProcess) out.push('childProcess (the processes it starts run without any of these limits)');
  if (c.net) out.push('net');
  const wide = (p: string) => !p.startsWith('$out') && !p.startsWith('$tmp');
  if (c.fs.write.some(wide)) out.push(`fs.write ${c.fs.write.filter(wide).join(', ')}`);
  const abs = c.fs.read.filter((p) => p.startsWith('/'));
  if (abs.length) out.push(`fs.read ${abs.join(', ')}`);
  return out;
}

/** A package's plugin must bear the package's name (and the name it was asked for): no plugin stands in for another. */
function samePackage(plugin: PluginDefinition, manifest: PluginManifest | undefined, spec: string): PluginDefinition {
  const isPath = spec.startsWith('.') || spec.startsWith('/');
  const expected = manifest?.name ?? (isPath ? undefined : spec);
  if (expected !== undefined && plugin.name !== expected) throw new PluginLoadError(`plugin ${spec}: its package is ${expected}, but its code defines plugin ${plugin.name}; a package's plugin bears its name`);
  if (manifest && plugin.version !== manifest.version) throw new PluginLoadError(`plugin ${manifest.name}: package.json says version ${manifest.version}, its code ${plugin.version}`);
  return plugin;
}

/** A package's entry module as Node would import it: `exports` (".", import/node/default), then `main`, then index.js. */
async function packageEntry(root: string): Promise<string | undefined> {
  let pkg: { exports?: unknown; main?: unknown };
  try {
    pkg = JSON.parse(await readFile(join(root, 'package.json'), 'utf8')) as typeof pkg;
  } catch {
    return undefined;
  }
  const pick = (e: unknown): string | undefined => {
    if (typeof e === 'string') return e;
    if (!e || typeof e !== 'object' || Array.isArray(e)) return undefined;
    const o = e as Record<string, unknown>;
    if ('.' in o) return pick(o['.']);
    for (const c of ['import', 'node', 'default']) if (c in o) return pick(o[c]);
    return undefined;
  };
  const rel = pick(pkg.exports) ?? (typeof pkg.main === 'string' ? pkg.main : 'index.js');
  const file = resolve(root, rel);
  if (!within(root, file)) return undefined;
  return (await stat(file).catch(() => undefined))?.isFile() ? file : (await stat(`${file}.js`).catch(() => undefined))?.isFile() ? `${file}.js` : undefined;
}

const isolatedHosts = new Set<IsolatedPlugin>();

/** The version of the host's own @stylegraph/core. */
function hostCoreVersion(): string {
  const dir = hostPackages().packages.get('@stylegraph/core');
  return dir ? (JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { version: string }).version : `${PLUGIN_API_VERSION}.0.0`;
}

/** Stops the isolated plugin processes started for one registry. */
export function closePlugins(registry: Registry): void {
  for (const p of pluginSources(registry).values()) p.stop?.();
}

/** Stops every isolated plugin process this host started. */
export function closeIsolatedPlugins(): void {
  for (const h of isolatedHosts) h.close();
  isolatedHosts.clear();
}

/** The package.json of an installed package `name`, looked up in node_modules folders from `fromDir` upwards. */
async function installedManifest(name: string, fromDir: string): Promise<{ keywords?: unknown; stylegraph?: unknown } | undefined> {
  const dir = await installedDir(name, fromDir);
  if (!dir) return undefined;
  try {
    return JSON.parse(await readFile(join(dir, 'package.json'), 'utf8')) as { keywords?: unknown };
  } catch {
    return undefined;
  }
}

/** Whether a package.json declares a stylegraph plugin: the keyword, or the `"stylegraph"` field. */
const declaresPlugin = (pkg: { keywords?: unknown; stylegraph?: unknown } | undefined): boolean =>
  !!pkg && (pkg.stylegraph !== undefined || (Array.isArray(pkg.keywords) && pkg.keywords.includes(PLUGIN_KEYWORD)));

/**
 * An installed plugin package a graph requires, or undefined when there is none to load (then
 * validation reports PLUGIN_MISSING or PLUGIN_NAME_INVALID). Only package names are looked up,
 * and only packages that declare themselves plugins are loaded; one that does but cannot be
 * loaded is a PluginLoadError.
 */
export async function installedPlugin(name: string, fromDir: string, registry: Registry, opts: LoadOptions = {}): Promise<LoadedPlugin | undefined> {
  if (!isPackageName(name) || isBuiltin(name)) return undefined;
  if (!declaresPlugin(await installedManifest(name, fromDir))) return undefined;
  return loadPluginModule(name, fromDir, registry, opts);
}

const sources = new WeakMap<Registry, Map<string, LoadedPlugin>>();

/** How each plugin of a registry that `loadRegistry` made was loaded, by plugin name (built-ins included). */
export function pluginSources(registry: Registry): ReadonlyMap<string, LoadedPlugin> {
  return sources.get(registry) ?? new Map();
}

/**
 * A registry with the built-ins, the host's `--plugin` modules, and (CLI) installed plugins the
 * graph requires; `loaded` hears of each plugin registered besides the built-ins, with its file.
 */
export async function loadRegistry(
  opts: {
    required?: readonly string[];
    extra?: readonly string[];
    /** Where installed plugins are looked up (the graph's folder, the workspace). */
    fromDir: string;
    /** Where `extra` paths and packages resolve from (default `fromDir`; the CLI: the current folder, as a shell would). */
    extraFromDir?: string;
    loaded?: (p: LoadedPlugin) => void;
  } & LoadOptions,
): Promise<Registry> {
  const registry = new Registry(BUILTIN_PLUGINS);
  const known = new Map<string, LoadedPlugin>(BUILTIN_PLUGINS.map((p) => [p.name, { plugin: p, file: builtinFile(p.name), mode: 'builtin' as const }]));
  sources.set(registry, known);
  const add = (p: LoadedPlugin) => {
    try {
      registry.register(p.plugin);
    } catch (e) {
      // A plugin for another API version, or one claiming a namespace that is taken: one line, exit 2.
      throw new PluginLoadError(`plugin ${p.file}: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
    }
    known.set(p.plugin.name, p);
    opts.loaded?.(p);
  };
  for (const spec of opts.extra ?? []) add(await loadPluginModule(spec, opts.extraFromDir ?? opts.fromDir, registry, opts));
  for (const name of opts.required ?? []) {
    if (registry.plugin(name)) continue;
    const p = await installedPlugin(name, opts.fromDir, registry, opts);
    if (p && !registry.plugin(p.plugin.name)) add(p);
  }
  return registry;
}

/** The entry file of a built-in plugin package. */
function builtinFile(name: string): string {
  try {
    return createRequire(import.meta.url).resolve(name);
  } catch {
    return name;
  }
}

/** Names of the installed packages in `<dir>/node_modules` (scoped ones too) that declare themselves plugins. */
export async function discoverPlugins(dir: string): Promise<string[]> {
  const root = join(resolve(dir), 'node_modules');
  const entries = await readdir(root).catch(() => [] as string[]);
  const names: string[] = [];
  for (const e of entries.sort()) {
    if (e.startsWith('@')) names.push(...(await readdir(join(root, e)).catch(() => [] as string[])).sort().map((s) => `${e}/${s}`));
    else if (!e.startsWith('.')) names.push(e);
  }
  const found: string[] = [];
  for (const name of names) if (isPackageName(name) && declaresPlugin(await installedManifest(name, dir))) found.push(name);
  return found;
}
