/**
 * The `"stylegraph"` field of a plugin package's package.json: which plugin API it targets,
 * where its code is (`entry`) or its data-only operators are (`operators`), the namespace it
 * owns, and the capabilities its code needs when it runs isolated. Read without running any of
 * the package's code.
 */
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import semver from 'semver';
import { PLUGIN_API_VERSION, isPackageName, z } from '@stylegraph/core';

/** Path placeholders a capability may name; each stands for a folder the host knows at run time. */
export const PATH_PLACEHOLDERS = ['$graphDir', '$out', '$workspace', '$tmp'] as const;

const PathGrant = z
  .string()
  .min(1)
  .max(4096)
  .refine((p) => PATH_PLACEHOLDERS.some((ph) => p === ph || p.startsWith(`${ph}/`)) || p.startsWith('/'), {
    message: `a path is ${PATH_PLACEHOLDERS.join(', ')} (optionally followed by /sub/folder) or an absolute path`,
  })
  .refine((p) => !p.split('/').includes('..'), { message: 'a path may not contain ".."' });

export const CapabilitiesSchema = z
  .object({
    fs: z
      .object({ read: z.array(PathGrant).max(64).default([]), write: z.array(PathGrant).max(64).default([]) })
      .strict()
      .default({ read: [], write: [] }),
    net: z.boolean().default(false),
    childProcess: z.boolean().default(false),
    // A Node process alone holds about 40 MB.
    maxMemoryMB: z.number().int().min(64).max(1_048_576).default(2048),
    timeoutS: z.number().positive().max(86_400).default(600),
  })
  .strict();

export type Capabilities = z.output<typeof CapabilitiesSchema>;

/** What a plugin gets when it declares nothing: no files beyond its own, no network, no processes. */
export const DEFAULT_CAPABILITIES: Capabilities = CapabilitiesSchema.parse({});

const FieldSchema = z
  .object({
    apiVersion: z.union([z.number().int().min(1), z.string().min(1).max(100)]),
    entry: z.string().min(1).max(1000).optional(),
    operators: z.string().min(1).max(1000).optional(),
    namespace: z.string().regex(/^[a-z][a-z0-9-]*$/, 'a namespace is lower-case letters, digits and dashes').optional(),
    capabilities: CapabilitiesSchema.optional(),
  })
  .strict();

export interface PluginManifest {
  /** The package's name and version (package.json). */
  readonly name: string;
  readonly version: string;
  /** The package's folder (absolute). */
  readonly dir: string;
  /** The semver range of plugin API versions it targets (a number n reads as `^n`). */
  readonly apiVersion: string;
  /** Its code, relative to `dir`; absent for a data-only plugin. */
  readonly entry?: string;
  /** A glob (`./operators/*.json`) of its data-only operator manifests. */
  readonly operators?: string;
  readonly namespace?: string;
  readonly capabilities: Capabilities;
  /** Whether package.json declares lifecycle install scripts (never run by stylegraph; flagged). */
  readonly installScripts: readonly string[];
  readonly keywords: readonly string[];
  readonly description?: string;
  /** The range of `@stylegraph/core` it declares as a peer (or dependency), if any. */
  readonly coreRange?: string;
}

export class ManifestError extends Error {}

const INSTALL_SCRIPTS = ['preinstall', 'install', 'postinstall', 'prepare'];

const relativeInside = (p: string) => !p.startsWith('/') && !p.split(/[\\/]/).includes('..');

/**
 * The manifest of the package in `dir`, or undefined when its package.json has no
 * `"stylegraph"` field. Throws ManifestError (one line naming the file and field) when the
 * field is malformed or targets a plugin API this host does not provide.
 */
export async function readPluginManifest(dir: string): Promise<PluginManifest | undefined> {
  const file = join(resolve(dir), 'package.json');
  let pkg: Record<string, unknown>;
  try {
    pkg = JSON.parse(await readFile(file, 'utf8')) as Record<string, unknown>;
  } catch (e) {
    throw new ManifestError(`${file}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no package.json' : `not valid JSON (${(e as Error).message})`}`);
  }
  if (!pkg || typeof pkg !== 'object' || Array.isArray(pkg)) throw new ManifestError(`${file}: not a JSON object`);
  return parsePluginManifest(pkg, resolve(dir), file);
}

/** A problem with a package.json's plugin fields: the field and what is wrong. */
export interface ManifestIssue {
  readonly field: string;
  readonly message: string;
}

/**
 * Every problem a host finds with a package.json that has a `"stylegraph"` field — what
 * `parsePluginManifest` refuses, all at once (the plugin test kit reports them together).
 */
export function manifestIssues(pkg: Record<string, unknown>): ManifestIssue[] {
  const issues: ManifestIssue[] = [];
  const issue = (field: string, message: string) => issues.push({ field, message });
  if (typeof pkg.name !== 'string' || !isPackageName(pkg.name)) issue('name', 'a plugin package needs an npm package name');
  if (typeof pkg.version !== 'string' || !semver.valid(pkg.version)) issue('version', 'a plugin package needs a semver version');
  const parsed = FieldSchema.safeParse(pkg.stylegraph);
  if (!parsed.success) {
    for (const i of parsed.error.issues) {
      const at = i.path.reduce<string>((f, k) => (typeof k === 'number' ? `${f}[${k}]` : `${f}.${String(k)}`), 'stylegraph');
      // An unknown field is named as the field itself.
      if (i.code === 'unrecognized_keys') for (const k of i.keys) issue(`${at}.${k}`, 'unknown field');
      else issue(at, i.message);
    }
    return issues;
  }
  const field = parsed.data;
  const apiVersion = typeof field.apiVersion === 'number' ? `^${field.apiVersion}` : field.apiVersion;
  if (semver.validRange(apiVersion) === null) issue('stylegraph.apiVersion', `"${apiVersion}" is not a semver range`);
  else if (!semver.satisfies(`${PLUGIN_API_VERSION}.0.0`, apiVersion)) issue('stylegraph.apiVersion', `the plugin targets plugin API ${apiVersion}; this stylegraph provides API ${PLUGIN_API_VERSION}`);
  if ((field.entry === undefined) === (field.operators === undefined)) issue('stylegraph', 'declare exactly one of "entry" (code) or "operators" (data-only ONNX operators)');
  if (field.entry !== undefined && !relativeInside(field.entry)) issue('stylegraph.entry', 'must be a path inside the package');
  if (field.operators !== undefined && !relativeInside(field.operators)) issue('stylegraph.operators', 'must be a path inside the package');
  if (field.operators !== undefined && field.capabilities !== undefined) issue('stylegraph.capabilities', 'a data-only plugin runs no code and declares no capabilities');
  return issues;
}

/** `readPluginManifest` on an already parsed package.json. */
export function parsePluginManifest(pkg: Record<string, unknown>, dir: string, file = join(dir, 'package.json')): PluginManifest | undefined {
  if (pkg.stylegraph === undefined) return undefined;
  const [first] = manifestIssues(pkg);
  if (first) throw new ManifestError(`${file}: ${first.field}: ${first.message}`);
  const field = FieldSchema.parse(pkg.stylegraph);
  const deps = { ...(pkg.dependencies as object | undefined), ...(pkg.peerDependencies as object | undefined) } as Record<string, unknown>;
  const coreRange = typeof deps['@stylegraph/core'] === 'string' ? deps['@stylegraph/core'] : undefined;
  const scripts = pkg.scripts && typeof pkg.scripts === 'object' ? Object.keys(pkg.scripts) : [];
  return {
    name: pkg.name as string,
    version: pkg.version as string,
    dir,
    apiVersion: typeof field.apiVersion === 'number' ? `^${field.apiVersion}` : field.apiVersion,
    ...(field.entry !== undefined && { entry: field.entry }),
    ...(field.operators !== undefined && { operators: field.operators }),
    ...(field.namespace !== undefined && { namespace: field.namespace }),
    capabilities: field.capabilities ?? DEFAULT_CAPABILITIES,
    installScripts: scripts.filter((s) => INSTALL_SCRIPTS.includes(s)),
    keywords: Array.isArray(pkg.keywords) ? pkg.keywords.filter((k): k is string => typeof k === 'string') : [],
    ...(typeof pkg.description === 'string' && { description: pkg.description }),
    ...(coreRange !== undefined && { coreRange }),
  };
}

/** Capabilities as one line, for listings and warnings. */
export function describeCapabilities(c: Capabilities): string {
  const parts = [
    `fs.read ${c.fs.read.length ? c.fs.read.join(',') : 'none'}`,
    `fs.write ${c.fs.write.length ? c.fs.write.join(',') : 'none'}`,
    `net ${c.net ? 'yes' : 'no'}`,
    `childProcess ${c.childProcess ? 'yes' : 'no'}`,
    `memory ${c.maxMemoryMB} MB`,
    `time ${c.timeoutS} s`,
  ];
  return parts.join('; ');
}
