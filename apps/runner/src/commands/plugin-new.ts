/**
 * `stylegraph plugin new <name> [--onnx] [--dir DIR] [--force]`: writes a new plugin package
 * from the templates in apps/runner/templates/ — `plugin/` (TypeScript code: one example node,
 * its tests with @stylegraph/plugin-testing, CI) or `plugin-onnx/` (data-only: an operator
 * manifest, its ONNX model built here with ops-gpu's GraphBuilder, and the script that builds it).
 *
 * Templates are files: a name ending in `.tmpl` is filled in (`{{packageName}}`, `{{namespace}}`,
 * …) and loses the suffix; a path segment starting with `_` starts with `.` instead
 * (`_gitignore` → `.gitignore`, `_github/` → `.github/`), since npm leaves dot-files out of
 * the runner's own package. The package is written into a temporary folder next to the target
 * and renamed into place, so a failure leaves nothing half-written; an existing non-empty
 * folder is replaced only with --force.
 */
import { chmod, lstat, mkdir, mkdtemp, readFile, readdir, rename, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { PLUGIN_API_VERSION, isPackageName } from '@stylegraph/core';
import { BUILTIN_PLUGINS } from '../host/plugins.js';
import { describeErrno, isErrno } from '../host/errno.js';

export interface PluginNewOptions {
  /** The folder to create (default `./stylegraph-plugin-<name>`), relative to the current folder. */
  readonly dir?: string;
  /** A data-only plugin: ONNX operators and JSON manifests, no plugin code. */
  readonly onnx?: boolean;
  /** Replace an existing non-empty folder. */
  readonly force?: boolean;
}

/** What a plugin name means: its npm package, the namespace it owns and a title. */
export interface PluginName {
  readonly packageName: string;
  readonly namespace: string;
  readonly title: string;
}

const PREFIX = 'stylegraph-plugin-';
const SHORT = /^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$/;
const SCOPED = /^(@[a-z0-9~-][a-z0-9._~-]*)\/(.*)$/;

/** Tool versions the code template's devDependencies use (test/cli/plugin-scaffold.test.ts keeps them those of this workspace). */
export const TEMPLATE_TOOL_RANGES = { typescript: '^6.0.3', vitest: '^4.1.12' } as const;

/** The folder holding the templates, beside src/ and dist/. */
export const TEMPLATES_DIR = fileURLToPath(new URL('../../templates/', import.meta.url));

/** Namespaces a new plugin cannot own: the built-in plugins' (a registry refuses a second owner). */
function takenNamespaces(): Set<string> {
  return new Set([...BUILTIN_PLUGINS.map((p) => p.namespace ?? p.nodes[0]?.type.split('/')[0] ?? ''), 'plugin-testing']);
}

/**
 * `sepia` → stylegraph-plugin-sepia, namespace `sepia`; `stylegraph-plugin-sepia` likewise;
 * `@me/stylegraph-plugin-sepia` → that package, namespace `sepia`. A string says why not.
 */
export function parsePluginName(name: string): PluginName | string {
  const example = '(e.g. "sepia" or "@scope/stylegraph-plugin-sepia")';
  const scoped = SCOPED.exec(name);
  const rest = scoped ? scoped[2]! : name;
  if (scoped && !rest.startsWith(PREFIX)) return `"${name}" is not a plugin name: a scoped plugin package is named @scope/${PREFIX}<name> ${example}`;
  const short = rest.startsWith(PREFIX) ? rest.slice(PREFIX.length) : rest;
  if (!SHORT.test(short) || short.length > 50) {
    return `"${name.length > 60 ? `${name.slice(0, 57)}...` : name}" is not a plugin name: use lower-case letters, digits and single dashes, starting with a letter, at most 50 characters ${example}`;
  }
  const packageName = scoped ? `${scoped[1]}/${PREFIX}${short}` : `${PREFIX}${short}`;
  if (!isPackageName(packageName)) return `"${name}" is not a plugin name: ${packageName} is not an npm package name ${example}`;
  if (takenNamespaces().has(short)) return `"${name}" is not a plugin name: the namespace "${short}" belongs to a built-in plugin; choose another name`;
  const words = short.replace(/-/g, ' ');
  return { packageName, namespace: short, title: words.charAt(0).toUpperCase() + words.slice(1) };
}

/** The values the templates' `{{…}}` placeholders take. */
export function templateValues(n: PluginName): Record<string, string> {
  return {
    packageName: n.packageName,
    namespace: n.namespace,
    title: n.title,
    apiRange: `^${PLUGIN_API_VERSION}`,
    // Core's major version is the plugin API version; plugin-testing's follows it.
    coreRange: `^${PLUGIN_API_VERSION}.0.0`,
    typescriptRange: TEMPLATE_TOOL_RANGES.typescript,
    vitestRange: TEMPLATE_TOOL_RANGES.vitest,
  };
}

/** Fills `{{name}}` placeholders; one without a value is a bug in the template. */
function fill(text: string, values: Record<string, string>, file: string): string {
  return text.replace(/\{\{(\w+)\}\}/g, (_, key: string) => {
    if (!Object.hasOwn(values, key)) throw new Error(`template ${file} uses {{${key}}}, which has no value`);
    return values[key]!;
  });
}

/** The template's files as [path in the new package, contents]. */
export async function renderTemplate(kind: 'plugin' | 'plugin-onnx', values: Record<string, string>): Promise<[string, Uint8Array | string][]> {
  const root = join(TEMPLATES_DIR, kind);
  const out: [string, Uint8Array | string][] = [];
  const walk = async (rel: string) => {
    for (const e of (await readdir(join(root, rel), { withFileTypes: true })).sort((a, b) => a.name.localeCompare(b.name))) {
      const from = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) await walk(from);
      else if (e.isFile()) {
        const to = from
          .split('/')
          .map((s) => (s.startsWith('_') ? `.${s.slice(1)}` : s))
          .join('/')
          .replace(/\.tmpl$/, '');
        out.push([to, from.endsWith('.tmpl') ? fill(await readFile(join(root, from), 'utf8'), values, from) : new Uint8Array(await readFile(join(root, from)))]);
      }
    }
  };
  await walk('');
  if (kind === 'plugin-onnx') {
    // The operators' models, built by the template's own script (what `npm run build` runs there).
    const script = (await import(pathToFileURL(join(root, 'scripts', 'build-operators.mjs')).href)) as { MODELS: Record<string, () => Uint8Array> };
    for (const [name, build] of Object.entries(script.MODELS)) out.push([`operators/${name}`, build()]);
  }
  return out;
}

type Io = { out(s: string): void; err(s: string): void };

/** Whether `dir` exists as a folder with something in it; throws a line for what is not a folder. */
async function occupied(dir: string, shown: string): Promise<boolean> {
  const st = await lstat(dir).catch((e: NodeJS.ErrnoException) => (e.code === 'ENOENT' ? undefined : Promise.reject(e)));
  if (!st) return false;
  if (st.isSymbolicLink() || !st.isDirectory()) throw new RefusedError(`${shown} exists and is not a folder`);
  return (await readdir(dir)).length > 0;
}

class RefusedError extends Error {}

export async function pluginNewCommand(name: string, opts: PluginNewOptions, io: Io): Promise<number> {
  const refuse = (why: string) => {
    io.err(`stylegraph: plugin new: ${why}`);
    return 2;
  };
  const parsed = parsePluginName(name);
  if (typeof parsed === 'string') return refuse(parsed);
  const target = resolve(opts.dir ?? `${PREFIX}${parsed.namespace}`);
  const shown = relative(process.cwd(), target) || '.';
  let tmp: string | undefined;
  try {
    const full = await occupied(target, shown);
    if (full && !opts.force) return refuse(`${shown} exists and is not empty; choose another --dir or pass --force to replace it`);
    const files = await renderTemplate(opts.onnx ? 'plugin-onnx' : 'plugin', templateValues(parsed));
    JSON.parse(String(files.find(([p]) => p === 'package.json')![1])); // a template that fills in to invalid JSON is a bug, caught before writing
    await mkdir(dirname(target), { recursive: true });
    tmp = await mkdtemp(join(dirname(target), `.${basename(target)}.new-`));
    await chmod(tmp, 0o755); // mkdtemp's folder is private; the package is an ordinary folder
    for (const [path, data] of files) {
      await mkdir(dirname(join(tmp, path)), { recursive: true });
      await writeFile(join(tmp, path), data);
    }
    await replaceFolder(tmp, target);
    tmp = undefined;
  } catch (e) {
    if (e instanceof RefusedError) return refuse(e.message);
    if (isErrno(e)) return refuse(describeErrno(e));
    throw e;
  } finally {
    if (tmp) await rm(tmp, { recursive: true, force: true });
  }
  io.out(`created ${parsed.packageName} (${opts.onnx ? 'data-only ONNX operators' : 'code'}, namespace "${parsed.namespace}") in ${shown}`);
  io.out(`next: cd ${shown} && npm install && npm run build && npm test`);
  return 0;
}

/** Puts folder `from` at `to`: a rename, moving an existing folder aside first and restoring it if the rename fails. */
async function replaceFolder(from: string, to: string): Promise<void> {
  const existing = await lstat(to).catch(() => undefined);
  if (!existing) return rename(from, to);
  const old = `${from}.old`;
  await rename(to, old);
  try {
    await rename(from, to);
  } catch (e) {
    await rename(old, to);
    throw e;
  }
  await rm(old, { recursive: true, force: true });
}
