/**
 * A data-only operator plugin as an npm package: its package.json declares
 *
 * ```json
 * "keywords": ["stylegraph-plugin"],
 * "stylegraph": { "apiVersion": "^2", "namespace": "edge", "operators": "./operators/*.json" }
 * ```
 *
 * and ships the manifests and models that pattern finds (one folder, `*` wildcards in the file
 * name only). `loadOperatorPackage` turns such a package into a plugin definition from its
 * package.json, a folder listing and file reads the host provides (from disk in Node; from a
 * fetched folder, an archive or an index of files in a browser). Browser-safe.
 */
import { PLUGIN_API_VERSION, isPackageName, type PortKind, type ResolvedPlugin } from '@stylegraph/core';
import { OperatorManifestError, fieldPath } from './manifest.js';
import { operatorPlugin, type OperatorSource } from './plugin.js';

/** The `stylegraph` section of an operator package's package.json, with its name and version. */
export interface OperatorPackage {
  readonly name: string;
  readonly version: string;
  readonly description?: string;
  readonly namespace: string;
  /** The plugin API range the package targets (`^2`). */
  readonly apiVersion: string;
  /** Where the manifests are: a folder relative to the package root (`operators/`, or '' for the root) and a file-name pattern. */
  readonly operators: { readonly dir: string; readonly pattern: string };
}

const SEMVER = /^\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?$/;
const NAMESPACE = /^[a-z][a-z0-9-]*$/;
const API_RANGE = /^(?:\^|~)?(\d+)(?:\.(?:\d+|x|\*)){0,2}$/;
const OPERATORS_GLOB = /^(?:\.\/)?((?:[A-Za-z0-9_-][A-Za-z0-9_.-]*\/)*)([A-Za-z0-9_*-][A-Za-z0-9_.*-]*\.json)$/;

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Reads an operator package's package.json (parsed JSON; `file` names it in errors). Throws an
 * OperatorManifestError (`<file>: <field>: <what is wrong>`), also when the package targets
 * another plugin API than this stylegraph's.
 */
export function parseOperatorPackage(json: unknown, file = 'package.json'): OperatorPackage {
  const fail = (path: readonly PropertyKey[], why: string): never => {
    throw new OperatorManifestError(file, path.length ? fieldPath(path) : '(package)', why);
  };
  if (!isRecord(json)) return fail([], 'expected an object');
  const { name, version, description, stylegraph: sg } = json;
  if (typeof name !== 'string' || !isPackageName(name)) fail(['name'], 'must be an npm package name');
  if (typeof version !== 'string' || !SEMVER.test(version)) fail(['version'], 'must be a semver version such as 1.0.0');
  if (description !== undefined && typeof description !== 'string') fail(['description'], 'must be a string');
  if (!isRecord(sg)) return fail(['stylegraph'], 'required: { "apiVersion": "^2", "namespace": "…", "operators": "./operators/*.json" }');
  const unknown = Object.keys(sg).filter((k) => !['apiVersion', 'namespace', 'operators'].includes(k));
  if (unknown.length) fail(['stylegraph', unknown[0]!], 'unknown field');
  const { apiVersion, namespace, operators } = sg;
  if (typeof apiVersion !== 'string') return fail(['stylegraph', 'apiVersion'], `required: the plugin API range, e.g. "^${PLUGIN_API_VERSION}"`);
  const major = API_RANGE.exec(apiVersion)?.[1];
  if (major === undefined) fail(['stylegraph', 'apiVersion'], `"${apiVersion}" is not a range like "^${PLUGIN_API_VERSION}"`);
  if (Number(major) !== PLUGIN_API_VERSION) fail(['stylegraph', 'apiVersion'], `targets plugin API ${apiVersion}; this stylegraph provides API ${PLUGIN_API_VERSION}`);
  if (typeof namespace !== 'string' || !NAMESPACE.test(namespace)) fail(['stylegraph', 'namespace'], 'must be lower-case letters, digits and dashes, starting with a letter');
  const glob = typeof operators === 'string' ? OPERATORS_GLOB.exec(operators) : null;
  if (!glob) return fail(['stylegraph', 'operators'], 'must be a relative pattern of .json files in one folder, e.g. "./operators/*.json" ("*" in the file name only, no "..")');
  return {
    name: name as string,
    version: version as string,
    ...(description !== undefined && { description: description as string }),
    namespace: namespace as string,
    apiVersion,
    operators: { dir: glob[1]!, pattern: glob[2]! },
  };
}

/** The manifest files of a package among the names of the files in its operators folder, sorted, as paths relative to the package root. */
export function operatorFiles(pkg: OperatorPackage, names: readonly string[]): string[] {
  const re = new RegExp(`^${pkg.operators.pattern.split('*').map((s) => s.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('[^/]*')}$`);
  return names.filter((n) => re.test(n)).sort().map((n) => pkg.operators.dir + n);
}

/** Most bytes a manifest file may have. */
export const MAX_MANIFEST_BYTES = 1 << 20;

/** A manifest file's bytes as JSON; throws an OperatorManifestError naming the file. */
export function parseManifestBytes(bytes: Uint8Array, file: string): unknown {
  if (bytes.byteLength > MAX_MANIFEST_BYTES) throw new OperatorManifestError(file, '(manifest)', `is ${bytes.byteLength} bytes, more than ${MAX_MANIFEST_BYTES}`);
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new OperatorManifestError(file, '(manifest)', 'is not UTF-8 text');
  }
  try {
    return JSON.parse(text.replace(/^\uFEFF/, '')) as unknown;
  } catch (e) {
    throw new OperatorManifestError(file, '(manifest)', `is not valid JSON: ${e instanceof Error ? e.message : String(e)}`);
  }
}

export interface LoadOperatorPackageOptions {
  /** The package's package.json, parsed. */
  readonly packageJson: unknown;
  /** Names of the files in a folder of the package (relative to its root, '' for the root, else ending in '/'). */
  readonly listFiles: (dir: string) => Promise<readonly string[]>;
  /** Reads a file by its path relative to the package root. */
  readonly readFile: (path: string) => Promise<Uint8Array>;
  /** Port kinds of other plugins by name (a host passes `name => registry.kind(name)`). */
  readonly kind?: (name: string) => PortKind | undefined;
}

/** The plugin an operator package defines: its package.json, then each manifest its pattern finds, then their models. */
export async function loadOperatorPackage(opts: LoadOperatorPackageOptions): Promise<ResolvedPlugin> {
  const pkg = parseOperatorPackage(opts.packageJson);
  const files = operatorFiles(pkg, await opts.listFiles(pkg.operators.dir));
  if (files.length === 0) throw new OperatorManifestError('package.json', 'stylegraph.operators', `no file matches ${pkg.operators.dir}${pkg.operators.pattern}`);
  const operators: OperatorSource[] = [];
  for (const file of files) operators.push({ file, manifest: parseManifestBytes(await opts.readFile(file), file) });
  return operatorPlugin({
    name: pkg.name,
    version: pkg.version,
    namespace: pkg.namespace,
    ...(pkg.description !== undefined && { description: pkg.description }),
    operators,
    readFile: opts.readFile,
    ...(opts.kind && { kind: opts.kind }),
  });
}
