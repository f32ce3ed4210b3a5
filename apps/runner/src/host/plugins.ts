/**
 * Which plugins a host loads. A graph is data, never code: its `plugins` map holds npm package
 * names, never paths. Hosts load the built-in plugins, the `--plugin` modules named on their own
 * command line (a path or a package), and — the CLI only — installed packages a graph requires
 * that declare themselves stylegraph plugins (`"keywords": ["stylegraph-plugin"]` in their
 * package.json). The server loads everything at start and never imports because of a request.
 * A package's default export (or `plugin` export) is its plugin.
 */
import { readFile, readdir } from 'node:fs/promises';
import { createRequire, isBuiltin } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Registry, isPackageName, type PluginDefinition } from '@stylegraph/core';
import { provideHostPackages } from './plugin-resolve.js';
import { stdPlugin } from '@stylegraph/plugin-std';
import { styleganPlugin } from '@stylegraph/plugin-stylegan';
import { ioPlugin } from '@stylegraph/plugin-io';
import { facesPlugin } from '@stylegraph/plugin-faces';

export const BUILTIN_PLUGINS: readonly PluginDefinition[] = [stdPlugin, styleganPlugin, ioPlugin, facesPlugin];

/** The keyword an installed package's package.json carries to be loadable because a graph requires it. */
export const PLUGIN_KEYWORD = 'stylegraph-plugin';

const isPlugin = (v: unknown): v is PluginDefinition =>
  !!v && typeof v === 'object' && typeof (v as PluginDefinition).name === 'string' && Array.isArray((v as PluginDefinition).nodes);

export class PluginLoadError extends Error {}

/** A plugin and the file its module was imported from. */
export interface LoadedPlugin {
  readonly plugin: PluginDefinition;
  readonly file: string;
}

/** Imports a module the person running the host named (`--plugin`): a path, or a package resolved from `fromDir`. */
export async function importPlugin(spec: string, fromDir: string): Promise<PluginDefinition> {
  return (await loadPluginModule(spec, fromDir)).plugin;
}

async function loadPluginModule(spec: string, fromDir: string): Promise<LoadedPlugin> {
  let file: string;
  try {
    file = spec.startsWith('.') || spec.startsWith('/') ? resolve(fromDir, spec) : createRequire(join(fromDir, 'noop.js')).resolve(spec);
  } catch {
    throw new PluginLoadError(`plugin ${spec} is not installed (looked from ${fromDir}); install it with npm install ${spec}`);
  }
  let mod: Record<string, unknown>;
  try {
    provideHostPackages();
    mod = (await import(pathToFileURL(file).href)) as Record<string, unknown>;
  } catch (e) {
    throw new PluginLoadError(`plugin ${spec} failed to load: ${e instanceof Error ? e.message : String(e)}`);
  }
  const plugin = [mod.default, mod.plugin].find(isPlugin);
  if (!plugin) throw new PluginLoadError(`${spec} does not export a stylegraph plugin (default export from definePlugin)`);
  return { plugin, file };
}

/** The package.json of an installed package `name`, looked up in node_modules folders from `fromDir` upwards. */
async function installedManifest(name: string, fromDir: string): Promise<{ keywords?: unknown } | undefined> {
  for (let dir = resolve(fromDir); ; dir = dirname(dir)) {
    const text = await readFile(join(dir, 'node_modules', name, 'package.json'), 'utf8').catch(() => undefined);
    if (text !== undefined) {
      try {
        return JSON.parse(text) as { keywords?: unknown };
      } catch {
        return undefined;
      }
    }
    if (dirname(dir) === dir) return undefined;
  }
}

/**
 * An installed plugin package a graph requires, or undefined when there is none to load (then
 * validation reports PLUGIN_MISSING or PLUGIN_NAME_INVALID). Only package names are looked up,
 * and only packages that declare the plugin keyword are imported.
 */
export async function installedPlugin(name: string, fromDir: string): Promise<LoadedPlugin | undefined> {
  if (!isPackageName(name) || isBuiltin(name)) return undefined;
  const manifest = await installedManifest(name, fromDir);
  if (!Array.isArray(manifest?.keywords) || !manifest.keywords.includes(PLUGIN_KEYWORD)) return undefined;
  return loadPluginModule(name, fromDir).catch(() => undefined);
}

/**
 * A registry with the built-ins, the host's `--plugin` modules, and (CLI) installed plugins the
 * graph requires; `loaded` hears of each plugin registered besides the built-ins, with its file.
 */
export async function loadRegistry(opts: {
  required?: readonly string[];
  extra?: readonly string[];
  /** Where installed plugins are looked up (the graph's folder, the workspace). */
  fromDir: string;
  /** Where `extra` paths and packages resolve from (default `fromDir`; the CLI: the current folder, as a shell would). */
  extraFromDir?: string;
  loaded?: (p: LoadedPlugin) => void;
}): Promise<Registry> {
  const registry = new Registry(BUILTIN_PLUGINS);
  const add = (p: LoadedPlugin) => {
    try {
      registry.register(p.plugin);
    } catch (e) {
      // A plugin for another API version, or one claiming a namespace that is taken: one line, exit 2.
      throw new PluginLoadError(`plugin ${p.file}: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
    }
    opts.loaded?.(p);
  };
  for (const spec of opts.extra ?? []) add(await loadPluginModule(spec, opts.extraFromDir ?? opts.fromDir));
  for (const name of opts.required ?? []) {
    if (registry.plugin(name)) continue;
    const p = await installedPlugin(name, opts.fromDir);
    if (p && !registry.plugin(p.plugin.name)) add(p);
  }
  return registry;
}

/** Names of the installed packages in `<dir>/node_modules` (scoped ones too) that declare the plugin keyword. */
export async function discoverPlugins(dir: string): Promise<string[]> {
  const root = join(resolve(dir), 'node_modules');
  const entries = await readdir(root).catch(() => [] as string[]);
  const names: string[] = [];
  for (const e of entries.sort()) {
    if (e.startsWith('@')) names.push(...(await readdir(join(root, e)).catch(() => [] as string[])).sort().map((s) => `${e}/${s}`));
    else if (!e.startsWith('.')) names.push(e);
  }
  const found: string[] = [];
  for (const name of names) {
    const manifest = await installedManifest(name, dir);
    if (isPackageName(name) && Array.isArray(manifest?.keywords) && manifest.keywords.includes(PLUGIN_KEYWORD)) found.push(name);
  }
  return found;
}
