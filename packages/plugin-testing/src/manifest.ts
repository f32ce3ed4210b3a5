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
 * with `..`; memory 64…1048576 MiB; a timeout up to a day. The field is checked by the host's own
 * rules (`manifestIssues` from @stylegraph/runner), every problem at once, with its field.
 *
 * plus what loading needs of the rest of package.json: an npm name and semver version, the
 * `stylegraph-plugin` keyword, `"type": "module"` for an entry module, `@stylegraph/core` as a
 * peer (not a dependency of its own) and no install scripts.
 */
import semver from 'semver';
import { PLUGIN_API_VERSION, isPackageName } from '@stylegraph/core';
import { manifestIssues } from '@stylegraph/runner';
import type { Problem } from './report.js';

/** The keyword a package.json carries to be loadable as a plugin. */
export const PLUGIN_KEYWORD = 'stylegraph-plugin';
const INSTALL_SCRIPTS = ['preinstall', 'install', 'postinstall', 'prepare'];

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
  // The field's rules are the host's own: every problem it would refuse the package for.
  for (const i of manifestIssues(pkg).filter((i) => i.field !== 'name' && i.field !== 'version')) error(i.field, i.message, i.field === 'stylegraph.apiVersion' && /targets plugin API/.test(i.message) ? 'API_VERSION' : 'MANIFEST_INVALID');
  if (!isObject(sg)) return problems;

  // Beyond what loading needs: what makes a plugin behave as users expect.
  if (sg.namespace === undefined) warn('stylegraph.namespace', 'not declared: hosts learn the namespace only by loading the plugin');
  if (typeof sg.entry === 'string') {
    if (/\.js$/.test(sg.entry) && pkg.type !== 'module') error('type', 'must be "module": the entry is an ES module');
    const peer = isObject(pkg.peerDependencies) ? pkg.peerDependencies['@stylegraph/core'] : undefined;
    if (peer === undefined) warn('peerDependencies.@stylegraph/core', `a code plugin declares the core it was written for, e.g. "^${PLUGIN_API_VERSION}.0.0"`);
    else if (typeof peer !== 'string' || semver.validRange(peer) === null || !semver.intersects(peer, `^${PLUGIN_API_VERSION}.0.0`)) {
      error('peerDependencies.@stylegraph/core', `${show(peer)} admits no @stylegraph/core ${PLUGIN_API_VERSION}.x (the core major version is the plugin API version)`, 'API_VERSION');
    }
    if (sg.capabilities === undefined) warn('stylegraph.capabilities', 'not declared: the host runs the plugin with no file, network or process access and its default limits');
  }
  return problems;
}
