/**
 * The `"stylegraph"` field of a plugin's package.json, checked as a host reads it:
 *
 * ```json
 * "stylegraph": {
 *   "apiVersion": "^2",                  // semver range (or a number n = "^n") of plugin API versions; must admit this stylegraph's
 *   "namespace": "sepia",                // the namespace the plugin owns
 *   "entry": "./dist/index.js",          // a code plugin: the module whose default export is definePlugin(...)
 *   "operators": "./operators/*.json",   // or a data-only plugin: operator manifests (ONNX + JSON); exactly one of the two
 *   "capabilities": { "fs": { "read": [], "write": [] }, "net": false, "childProcess": false, "maxMemoryMB": 512, "timeoutS": 60 }
 * }
 * ```
 *
 * Capabilities (code plugins only) grant what the isolated plugin process may use: paths are
 * `$graphDir`, `$out`, `$workspace` or `$tmp` (optionally with a sub-folder) or absolute, never
 * with `..`; memory 16…1048576 MiB; a timeout up to a day. The rules are the host's
 * (apps/runner/src/host/plugin-manifest.ts); this check reports every problem at once, with the field.
 *
 * plus what loading needs of the rest of package.json: an npm name and semver version, the
 * `stylegraph-plugin` keyword, `"type": "module"` for an entry module, `@stylegraph/core` as a
 * peer (not a dependency of its own) and no install scripts.
 */
import semver from 'semver';
import { PLUGIN_API_VERSION, isPackageName } from '@stylegraph/core';
import type { Problem } from './report.js';

/** The keyword a package.json carries to be loadable as a plugin. */
export const PLUGIN_KEYWORD = 'stylegraph-plugin';
const NAMESPACE = /^[a-z][a-z0-9-]*$/;
/** `./a/b.js`: relative, `/`-separated, no `..`, no empty segments. */
const RELATIVE = /^\.\/(?:[A-Za-z0-9_@-][A-Za-z0-9_.@-]*\/)*[A-Za-z0-9_@-][A-Za-z0-9_.@-]*$/;
/** `./operators/*.json`: a folder and a `*` file pattern. */
const OPERATORS = /^\.\/(?:[A-Za-z0-9_-][A-Za-z0-9_.-]*\/)*[A-Za-z0-9_.-]*\*[A-Za-z0-9_.-]*\.json$/;
const FIELDS = ['apiVersion', 'namespace', 'entry', 'operators', 'capabilities'];
const CAPABILITIES = ['fs', 'net', 'childProcess', 'maxMemoryMB', 'timeoutS'];
const INSTALL_SCRIPTS = ['preinstall', 'install', 'postinstall', 'prepare'];
/** Folders a path capability may start with (or an absolute path). */
const PATH_PLACEHOLDERS = ['$graphDir', '$out', '$workspace', '$tmp'];

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const show = (v: unknown) => (JSON.stringify(v) ?? String(v)).slice(0, 80);

/** The stylegraph field as checked (only what was valid). */
export interface PluginManifest {
  readonly name: string;
  readonly apiVersion: string;
  readonly namespace: string;
  readonly entry?: string;
  readonly operators?: string;
}

/** Problems with a plugin's package.json (parsed JSON); empty when a host can load it. */
export function checkManifest(pkg: unknown): Problem[] {
  const problems: Problem[] = [];
  const error = (field: string, message: string, code: Problem['code'] = 'MANIFEST_INVALID') => problems.push({ severity: 'error', code, field, message });
  const warn = (field: string, message: string) => problems.push({ severity: 'warning', code: 'MANIFEST_INVALID', field, message });
  if (!isObject(pkg)) {
    error('(package.json)', 'package.json is not a JSON object', 'PACKAGE_JSON');
    return problems;
  }
  if (typeof pkg.name !== 'string' || !isPackageName(pkg.name)) error('name', `${show(pkg.name)} is not an npm package name`);
  if (typeof pkg.version !== 'string' || !semver.valid(pkg.version)) error('version', `${show(pkg.version)} is not a semver version`);
  if (!Array.isArray(pkg.keywords) || !pkg.keywords.includes(PLUGIN_KEYWORD)) error('keywords', `must include "${PLUGIN_KEYWORD}": hosts load only packages that declare it`);
  const scripts = isObject(pkg.scripts) ? pkg.scripts : {};
  for (const s of INSTALL_SCRIPTS) if (s in scripts) warn(`scripts.${s}`, `an install script runs code on every machine that installs the plugin; build before publishing instead`);
  if (isObject(pkg.dependencies) && '@stylegraph/core' in pkg.dependencies) {
    error('dependencies.@stylegraph/core', 'declare @stylegraph/core as a peerDependency: a plugin uses the host’s copy, and a copy of its own may be another plugin API');
  }

  const sg = pkg.stylegraph;
  if (sg === undefined) {
    warn('stylegraph', 'not declared: hosts run the package’s main module isolated with no capabilities; declare { "stylegraph": { "apiVersion", "namespace", "entry" or "operators", "capabilities" } }');
    return problems;
  }
  if (!isObject(sg)) {
    error('stylegraph', 'must be an object');
    return problems;
  }
  for (const k of Object.keys(sg)) if (!FIELDS.includes(k)) error(`stylegraph.${k}`, `unknown field (known: ${FIELDS.join(', ')})`);

  // A number n reads as "^n", as hosts read it.
  const api = typeof sg.apiVersion === 'number' && Number.isInteger(sg.apiVersion) && sg.apiVersion > 0 ? `^${sg.apiVersion}` : sg.apiVersion;
  if (typeof api !== 'string' || semver.validRange(api) === null) {
    error('stylegraph.apiVersion', `${show(sg.apiVersion)} is not a semver range of plugin API versions (e.g. "^${PLUGIN_API_VERSION}")`);
  } else if (!semver.satisfies(`${PLUGIN_API_VERSION}.0.0`, api)) {
    error('stylegraph.apiVersion', `"${api}" does not admit plugin API ${PLUGIN_API_VERSION}, the one this stylegraph provides`, 'API_VERSION');
  }
  if (sg.namespace === undefined) warn('stylegraph.namespace', 'not declared: hosts learn the namespace only by loading the plugin');
  else if (typeof sg.namespace !== 'string' || !NAMESPACE.test(sg.namespace)) error('stylegraph.namespace', `${show(sg.namespace)} is not a namespace (lower-case letters, digits and dashes, starting with a letter)`);

  if (sg.entry === undefined && sg.operators === undefined) error('stylegraph', 'declares neither "entry" (a code plugin) nor "operators" (a data-only plugin)');
  if (sg.entry !== undefined && sg.operators !== undefined) error('stylegraph', 'declares both "entry" and "operators"; a plugin is either code or data-only operators');
  if (sg.entry !== undefined) {
    if (typeof sg.entry !== 'string' || !RELATIVE.test(sg.entry)) error('stylegraph.entry', `${show(sg.entry)} is not a relative path inside the package ("./dist/index.js")`);
    else if (/\.js$/.test(sg.entry) && pkg.type !== 'module') error('type', 'must be "module": the entry is an ES module');
    const peer = isObject(pkg.peerDependencies) ? pkg.peerDependencies['@stylegraph/core'] : undefined;
    if (peer === undefined) warn('peerDependencies.@stylegraph/core', `a code plugin declares the core it was written for, e.g. "^${PLUGIN_API_VERSION}.0.0"`);
    else if (typeof peer !== 'string' || semver.validRange(peer) === null || !semver.intersects(peer, `^${PLUGIN_API_VERSION}.0.0`)) {
      error('peerDependencies.@stylegraph/core', `${show(peer)} admits no @stylegraph/core ${PLUGIN_API_VERSION}.x (the core major version is the plugin API version)`, 'API_VERSION');
    }
  }
  if (sg.operators !== undefined && (typeof sg.operators !== 'string' || !OPERATORS.test(sg.operators))) {
    error('stylegraph.operators', `${show(sg.operators)} is not a pattern of operator manifests inside the package ("./operators/*.json")`);
  }

  if (sg.capabilities !== undefined && sg.operators !== undefined && sg.entry === undefined) error('stylegraph.capabilities', 'a data-only plugin runs no code and declares no capabilities');
  else if (sg.capabilities !== undefined) checkCapabilities(sg.capabilities, error);
  else if (sg.entry !== undefined) warn('stylegraph.capabilities', 'not declared: the host runs the plugin with no file, network or process access and its default limits');
  return problems;
}

function checkCapabilities(caps: unknown, error: (field: string, message: string) => void): void {
  const at = (k: string) => `stylegraph.capabilities${k ? `.${k}` : ''}`;
  if (!isObject(caps)) return error(at(''), 'must be an object');
  for (const k of Object.keys(caps)) if (!CAPABILITIES.includes(k)) error(at(k), `unknown capability (known: ${CAPABILITIES.join(', ')})`);
  if (caps.fs !== undefined) {
    if (!isObject(caps.fs)) error(at('fs'), 'must be { "read": [paths], "write": [paths] }');
    else {
      for (const k of Object.keys(caps.fs)) if (k !== 'read' && k !== 'write') error(at(`fs.${k}`), 'unknown field (known: read, write)');
      for (const k of ['read', 'write'] as const) {
        const v = caps.fs[k];
        if (v === undefined) continue;
        if (!Array.isArray(v)) error(at(`fs.${k}`), 'must be a list of paths');
        else v.forEach((p, i) => {
          const why = pathGrantProblem(p);
          if (why) error(at(`fs.${k}[${i}]`), why);
        });
      }
    }
  }
  for (const k of ['net', 'childProcess'] as const) if (caps[k] !== undefined && typeof caps[k] !== 'boolean') error(at(k), `must be true or false, not ${show(caps[k])}`);
  const mb = caps.maxMemoryMB;
  if (mb !== undefined && !(typeof mb === 'number' && Number.isInteger(mb) && mb >= 16 && mb <= 1_048_576)) error(at('maxMemoryMB'), `must be a whole number of MiB from 16 to 1048576, not ${show(mb)}`);
  const t = caps.timeoutS;
  if (t !== undefined && !(typeof t === 'number' && t > 0 && t <= 86_400)) error(at('timeoutS'), `must be a number of seconds above 0 and at most 86400, not ${show(t)}`);
}

/** Why `p` is not a path a capability may grant: a placeholder folder (`$graphDir/sub`) or an absolute path, without "..". */
function pathGrantProblem(p: unknown): string | undefined {
  if (typeof p !== 'string' || p.length === 0 || p.length > 4096) return `${show(p)} is not a path`;
  if (!(p.startsWith('/') || PATH_PLACEHOLDERS.some((ph) => p === ph || p.startsWith(`${ph}/`)))) return `"${p}" must start with ${PATH_PLACEHOLDERS.join(', ')} or be an absolute path`;
  if (p.split('/').includes('..')) return `"${p}" may not contain ".."`;
  return undefined;
}
