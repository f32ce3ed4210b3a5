/**
 * Plugins depend on `@stylegraph/core` (and may on `@stylegraph/ops-gpu` or a built-in plugin)
 * as peers: a plugin folder needs no node_modules of its own. Before the host imports a plugin
 * it installs a module resolve hook: a `@stylegraph/*` import that the plugin's own folders
 * cannot resolve resolves to the host's copy. A plugin that brings its own copy keeps it (a
 * different major version is then refused by `definePlugin`'s API check, in one line).
 */
import { createRequire, register } from 'node:module';
import { pathToFileURL } from 'node:url';

/** The host packages plugins may import without installing them. */
export const HOST_PACKAGES = [
  '@stylegraph/core',
  '@stylegraph/ops-gpu',
  '@stylegraph/ops-gpu/node',
  '@stylegraph/ops-gpu/layers',
  '@stylegraph/plugin-std',
  '@stylegraph/plugin-stylegan',
  '@stylegraph/plugin-io',
  '@stylegraph/plugin-faces',
  '@stylegraph/plugin-attacks',
  '@stylegraph/plugin-watermark',
  '@stylegraph/plugin-detect',
  '@stylegraph/plugin-inversion',
] as const;

// Runs on the loader thread: plain JavaScript, handed the host's URLs in `initialize`.
const HOOKS = `
let hosted = {};
export function initialize(data) { hosted = data.hosted; }
export async function resolve(specifier, context, next) {
  try {
    return await next(specifier, context);
  } catch (e) {
    if (e && e.code === 'ERR_MODULE_NOT_FOUND' && Object.hasOwn(hosted, specifier)) return { url: hosted[specifier], shortCircuit: true };
    throw e;
  }
}`;

let installed = false;

/** Installs the hook once per process; later calls do nothing. */
export function provideHostPackages(): void {
  if (installed) return;
  installed = true;
  const req = createRequire(import.meta.url);
  const hosted: Record<string, string> = {};
  for (const name of HOST_PACKAGES) {
    try {
      hosted[name] = pathToFileURL(req.resolve(name)).href;
    } catch {
      // Not installed with this host: plugins must bring it themselves.
    }
  }
  register(`data:text/javascript,${encodeURIComponent(HOOKS)}`, { data: { hosted } });
}
