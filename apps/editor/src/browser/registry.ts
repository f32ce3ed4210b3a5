/**
 * The node types that can run in the browser: the built-in plugins (their code is browser-safe)
 * and the other plugins the server loaded and offers the page once it has named them — trusted
 * ones imported into the page, isolated ones run in a Worker (worker-plugin.ts), data-only ones
 * built from their manifests and models. Their `@stylegraph/core` is the editor's own (the import
 * map in the built index.html).
 */
import { Registry, pluginOfModule } from '@stylegraph/core';
import { stdPlugin } from '@stylegraph/plugin-std';
import { styleganPlugin } from '@stylegraph/plugin-stylegan';
import { ioPlugin } from '@stylegraph/plugin-io';
import { facesPlugin } from '@stylegraph/plugin-faces';
import { attacksPlugin } from '@stylegraph/plugin-attacks';
import { watermarkPlugin } from '@stylegraph/plugin-watermark';
import { detectPlugin } from '@stylegraph/plugin-detect';
import { inversionPlugin } from '@stylegraph/plugin-inversion';
import { loadOperatorPackage } from '@stylegraph/ops-gpu/web';
import { workerPlugin } from './worker-plugin';

export const browserRegistry = new Registry([stdPlugin, styleganPlugin, ioPlugin, facesPlugin, attacksPlugin, watermarkPlugin, detectPlugin, inversionPlugin]);

/**
 * A plugin as the server lists it: `browser` is the URL of its entry module when the page may
 * import it — or, for a data-only plugin, of its package.json, with `operators` the files beside it.
 */
export interface ServerPlugin {
  readonly name: string;
  readonly browser?: string;
  readonly operators?: readonly string[];
  /** An isolated plugin: its code runs in a Worker, never in the page. */
  readonly worker?: { readonly timeoutS: number };
}


const loads = new Map<string, Promise<void>>();

/** A data-only plugin: its manifests and ONNX models fetched from the server; none of its files is code. */
async function loadData(name: string, url: string, files: readonly string[]): Promise<void> {
  const base = url.slice(0, -'package.json'.length);
  const fetchBytes = async (path: string) => {
    if (!files.includes(path)) throw new Error(`${path} is not among the plugin's files`);
    const res = await fetch(`${base}${path.split('/').map(encodeURIComponent).join('/')}`);
    if (!res.ok) throw new Error(`${path}: HTTP ${res.status}`);
    return new Uint8Array(await res.arrayBuffer());
  };
  const plugin = await loadOperatorPackage({
    packageJson: JSON.parse(new TextDecoder().decode(await fetchBytes('package.json'))) as unknown,
    // `dir` is '' or ends in '/': the names of the listed files directly in it.
    listFiles: (dir) => Promise.resolve(files.filter((f) => f.startsWith(dir) && !f.slice(dir.length).includes('/')).map((f) => f.slice(dir.length))),
    readFile: fetchBytes,
    kind: (k) => browserRegistry.kind(k),
  });
  if (plugin.name !== name) throw new Error(`${url} declares plugin ${plugin.name}`);
  browserRegistry.register(plugin);
}

async function load(name: string, url: string, operators?: readonly string[], worker?: { readonly timeoutS: number }): Promise<void> {
  if (new URL(url, location.href).origin !== location.origin) throw new Error(`${url} is not on this server`);
  if (operators) return loadData(name, url, operators);
  if (worker) {
    browserRegistry.register(await workerPlugin(name, url, worker.timeoutS, (k) => browserRegistry.kind(k)));
    return;
  }
  const mod = (await import(/* @vite-ignore */ url)) as Record<string, unknown>;
  const plugin = pluginOfModule(mod);
  if (!plugin) throw new Error(`${url} exports no stylegraph plugin`);
  if (plugin.name !== name) throw new Error(`${url} exports plugin ${plugin.name}`);
  browserRegistry.register(plugin);
}

/**
 * Imports the server's plugins that offer browser code (each once); resolves to a message for
 * each that could not be loaded — its nodes then run on the server only.
 */
export async function loadServerPlugins(plugins: readonly ServerPlugin[]): Promise<string[]> {
  const offered = plugins.filter((p): p is ServerPlugin & { browser: string } => p.browser !== undefined);
  for (const p of offered) if (!loads.has(p.name)) loads.set(p.name, load(p.name, p.browser, p.operators, p.worker));
  const results = await Promise.allSettled(offered.map((p) => loads.get(p.name)!));
  return results.flatMap((r, i) => (r.status === 'rejected' ? [`plugin ${offered[i]!.name} cannot run in the browser: ${r.reason instanceof Error ? r.reason.message : String(r.reason)}`] : []));
}

/** Why a graph cannot run in the browser, or undefined when every node type can. */
export function browserUnsupported(types: Iterable<string>): string | undefined {
  const missing = [...new Set(types)].filter((t) => !browserRegistry.node(t));
  return missing.length ? `node types not available in the browser: ${missing.join(', ')}` : undefined;
}
