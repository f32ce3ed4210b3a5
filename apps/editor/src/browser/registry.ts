/**
 * The node types that can run in the browser: the built-in plugins (their code is browser-safe)
 * and the other plugins the server loaded and offers the page, imported from the server once
 * it has named them. Their `@stylegraph/core` is the editor's own (the import map in the built
 * index.html).
 */
import { Registry, type PluginDefinition } from '@stylegraph/core';
import { stdPlugin } from '@stylegraph/plugin-std';
import { styleganPlugin } from '@stylegraph/plugin-stylegan';
import { ioPlugin } from '@stylegraph/plugin-io';
import { facesPlugin } from '@stylegraph/plugin-faces';

export const browserRegistry = new Registry([stdPlugin, styleganPlugin, ioPlugin, facesPlugin]);

/** A plugin as the server lists it: `browser` is the URL of its entry module when the page may import it. */
export interface ServerPlugin {
  readonly name: string;
  readonly browser?: string;
}

const isPlugin = (v: unknown): v is PluginDefinition => !!v && typeof v === 'object' && typeof (v as PluginDefinition).name === 'string' && Array.isArray((v as PluginDefinition).nodes);

const loads = new Map<string, Promise<void>>();

async function load(name: string, url: string): Promise<void> {
  if (new URL(url, location.href).origin !== location.origin) throw new Error(`${url} is not on this server`);
  const mod = (await import(/* @vite-ignore */ url)) as Record<string, unknown>;
  const plugin = [mod.default, mod.plugin].find(isPlugin);
  if (!plugin) throw new Error(`${url} exports no stylegraph plugin`);
  if (plugin.name !== name) throw new Error(`${url} exports plugin ${plugin.name}`);
  browserRegistry.register(plugin);
}

/**
 * Imports the server's plugins that offer browser code (each once); resolves to a message for
 * each that could not be loaded — its nodes then run on the server only.
 */
export async function loadServerPlugins(plugins: readonly ServerPlugin[]): Promise<string[]> {
  const offered = plugins.filter((p): p is Required<ServerPlugin> => p.browser !== undefined);
  for (const p of offered) if (!loads.has(p.name)) loads.set(p.name, load(p.name, p.browser));
  const results = await Promise.allSettled(offered.map((p) => loads.get(p.name)!));
  return results.flatMap((r, i) => (r.status === 'rejected' ? [`plugin ${offered[i]!.name} cannot run in the browser: ${r.reason instanceof Error ? r.reason.message : String(r.reason)}`] : []));
}

/** Why a graph cannot run in the browser, or undefined when every node type can. */
export function browserUnsupported(types: Iterable<string>): string | undefined {
  const missing = [...new Set(types)].filter((t) => !browserRegistry.node(t));
  return missing.length ? `node types not available in the browser: ${missing.join(', ')}` : undefined;
}
