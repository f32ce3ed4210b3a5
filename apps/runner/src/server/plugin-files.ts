/**
 * The browser code of the plugins the server loaded at start, so the editor can run their
 * nodes in the page: GET `/plugins/<package>/<file>` serves JavaScript modules from inside that
 * package's folder, read-only. The page imports a trusted plugin's (`--trust`) code itself and
 * runs an isolated plugin's in a Worker, never in the page. A code plugin is offered when its entry module lies in a package whose package.json is
 * named like the plugin (an installed package, or a `--plugin` path inside one). A data-only
 * plugin offers its package.json and operator files (JSON and ONNX, no code). The set is fixed at start: a request only picks one of those packages by
 * name, and no path leads outside its folder (links included), into its `node_modules` or to
 * hidden files. Their `@stylegraph/core` imports are pointed at the editor's own copy of core
 * (the built editor's import map; module-specifiers.ts).
 */
import { readFile, readdir, realpath, stat } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { dirname, join, relative, sep } from 'node:path';
import { isPackageName } from '@stylegraph/core';
import { within } from '../host/safe-write.js';
import type { LoadedPlugin } from '../host/plugins.js';
import { DEFAULT_CAPABILITIES } from '../host/plugin-manifest.js';
import { rewriteSpecifiers, type ImportMap } from './module-specifiers.js';

export const PLUGIN_ROUTE = '/plugins/';

export interface BrowserPlugin {
  readonly name: string;
  /** The package folder (its real path). */
  readonly dir: string;
  /** URL path of the entry module, `/plugins/<name>/<file>`; for a data-only plugin, of its package.json. */
  readonly url: string;
  /** A data-only plugin: its package.json and its operator files (JSON manifests, ONNX models) are served, no code. */
  readonly data?: { readonly files: readonly string[] };
  /** An isolated plugin: the page runs its code in a Worker (never in the page itself), stopped past `timeoutS`. */
  readonly worker?: { readonly timeoutS: number };
}

/** Path segments a served file may have: no hidden files or folders, nothing from `node_modules`. */
// Compared without case: on case-insensitive file systems NODE_MODULES is node_modules.
const servable = (segments: readonly string[], data = false): boolean =>
  segments.length > 0 &&
  segments.every((s) => s !== '' && !s.startsWith('.') && s.toLowerCase() !== 'node_modules' && !/[/\\\0~]/.test(s)) &&
  (data ? /\.(json|onnx)$/i : /\.m?js$/i).test(segments.at(-1)!);

async function packageName(dir: string): Promise<string | undefined> {
  try {
    const manifest = JSON.parse(await readFile(join(dir, 'package.json'), 'utf8')) as { name?: unknown } | null;
    return typeof manifest?.name === 'string' ? manifest.name : undefined;
  } catch {
    return undefined;
  }
}

/** The package holding a loaded plugin's entry (the nearest package.json with a name), when that package is the plugin. */
export async function browserPlugin(loaded: LoadedPlugin): Promise<BrowserPlugin | undefined> {
  const { plugin, file } = loaded;
  if (loaded.mode === 'data') return dataPlugin(loaded);
  // Third-party code runs in the page only when trusted (`--trust`); an isolated plugin's in a Worker.
  if (loaded.mode !== 'trusted' && loaded.mode !== 'isolated') return undefined;
  const worker = loaded.mode === 'isolated' ? { worker: { timeoutS: (loaded.manifest?.capabilities ?? DEFAULT_CAPABILITIES).timeoutS } } : {};
  const entry = isPackageName(plugin.name) ? await realpath(file).catch(() => undefined) : undefined;
  if (!entry) return undefined;
  for (let dir = dirname(entry); ; dir = dirname(dir)) {
    const name = await packageName(dir);
    if (name !== undefined) {
      const segments = relative(dir, entry).split(sep);
      if (name !== plugin.name || !servable(segments)) return undefined;
      return { name: plugin.name, dir, url: `${PLUGIN_ROUTE}${plugin.name}/${segments.map(encodeURIComponent).join('/')}`, ...worker };
    }
    if (dirname(dir) === dir) return undefined;
  }
}

/** A data-only plugin's files for the page: package.json and the JSON and ONNX files of its operators folder. */
async function dataPlugin({ plugin, root, manifest }: LoadedPlugin): Promise<BrowserPlugin | undefined> {
  if (!root || !manifest?.operators) return undefined;
  const dir = await realpath(root);
  const folder = dirname(manifest.operators.replace(/^\.\//, ''));
  const names = await readdir(join(dir, folder)).catch(() => [] as string[]);
  const files = ['package.json', ...names.map((n) => (folder === '.' ? n : `${folder}/${n}`)).filter((f) => servable(f.split('/'), true))].sort();
  return { name: plugin.name, dir, url: `${PLUGIN_ROUTE}${plugin.name}/package.json`, data: { files } };
}

/** The file a `/plugins/…` path names, or undefined when it names none that may be served. */
async function fileOf(plugins: ReadonlyMap<string, BrowserPlugin>, pathname: string): Promise<string | undefined> {
  let segments: string[];
  try {
    segments = pathname.slice(PLUGIN_ROUTE.length).split('/').map(decodeURIComponent);
  } catch {
    return undefined;
  }
  const scoped = segments[0]?.startsWith('@') ? 2 : 1;
  const plugin = plugins.get(segments.slice(0, scoped).join('/'));
  const rest = segments.slice(scoped);
  const data = plugin?.data !== undefined;
  if (!plugin || !servable(rest, data)) return undefined;
  // A data-only plugin serves exactly the files it was listed with.
  if (data && !plugin.data!.files.includes(rest.join('/'))) return undefined;
  const file = await realpath(join(plugin.dir, ...rest)).catch(() => undefined);
  // Checked again on the real path: what the request named and what it resolved to must both be servable.
  if (!file || !within(plugin.dir, file) || !servable(relative(plugin.dir, file).split(sep), data)) return undefined;
  return (await stat(file)).isFile() ? file : undefined;
}

/** Serves the plugins' files; JavaScript with its `@stylegraph/*` imports pointed where `importMap` says. */
export function pluginFilesHandler(plugins: readonly BrowserPlugin[], importMap: ImportMap = {}) {
  const byName = new Map(plugins.map((p) => [p.name, p]));
  return async (req: IncomingMessage, res: ServerResponse, pathname: string): Promise<void> => {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD' }).end();
      return;
    }
    const file = await fileOf(byName, pathname);
    if (!file) {
      res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end('no such plugin module\n');
      return;
    }
    const js = /\.m?js$/i.test(file);
    const body = js ? Buffer.from(await rewriteSpecifiers(await readFile(file, 'utf8'), importMap)) : await readFile(file);
    res.writeHead(200, {
      'content-type': js ? 'text/javascript; charset=utf-8' : /\.json$/i.test(file) ? 'application/json; charset=utf-8' : 'application/octet-stream',
      'content-length': body.length,
      'cache-control': 'no-cache',
      'x-content-type-options': 'nosniff',
      'cross-origin-resource-policy': 'same-origin',
    });
    res.end(req.method === 'HEAD' ? undefined : body);
  };
}
