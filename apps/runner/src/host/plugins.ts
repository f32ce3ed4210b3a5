/**
 * Which plugins the CLI loads: the built-in ones, plus any package a graph requires that is
 * installed where the graph is (resolved like `import` from the graph's folder), plus
 * `--plugin` modules. A package's default export (or `plugin` export) is its plugin.
 */
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Registry, type PluginDefinition } from '@stylegraph/core';
import { stdPlugin } from '@stylegraph/plugin-std';
import { styleganPlugin } from '@stylegraph/plugin-stylegan';
import { ioPlugin } from '@stylegraph/plugin-io';
import { facesPlugin } from '@stylegraph/plugin-faces';

export const BUILTIN_PLUGINS: readonly PluginDefinition[] = [stdPlugin, styleganPlugin, ioPlugin, facesPlugin];

const isPlugin = (v: unknown): v is PluginDefinition =>
  !!v && typeof v === 'object' && typeof (v as PluginDefinition).name === 'string' && Array.isArray((v as PluginDefinition).nodes);

export class PluginLoadError extends Error {}

/** Imports a plugin module by package name (resolved from `fromDir`) or path. */
export async function importPlugin(spec: string, fromDir: string): Promise<PluginDefinition> {
  let url: string;
  try {
    const path = spec.startsWith('.') || spec.startsWith('/') ? resolve(fromDir, spec) : createRequire(join(fromDir, 'noop.js')).resolve(spec);
    url = pathToFileURL(path).href;
  } catch {
    throw new PluginLoadError(`plugin ${spec} is not installed (looked from ${fromDir}); install it with npm install ${spec}`);
  }
  const mod = (await import(url)) as Record<string, unknown>;
  const plugin = [mod.default, mod.plugin].find(isPlugin);
  if (!plugin) throw new PluginLoadError(`${spec} does not export a stylegraph plugin (default export from definePlugin)`);
  return plugin;
}

/** A registry with the built-ins, extra modules, and installed plugins the graph asks for. */
export async function loadRegistry(opts: { required?: readonly string[]; extra?: readonly string[]; fromDir: string }): Promise<Registry> {
  const registry = new Registry(BUILTIN_PLUGINS);
  for (const spec of opts.extra ?? []) registry.register(await importPlugin(spec, opts.fromDir));
  for (const name of opts.required ?? []) {
    if (registry.plugin(name)) continue;
    // Not installed ⇒ validation reports PLUGIN_MISSING with the installed list.
    const plugin = await importPlugin(name, opts.fromDir).catch(() => undefined);
    if (plugin && !registry.plugin(plugin.name)) registry.register(plugin);
  }
  return registry;
}
