/**
 * `checkPlugin(dir)`: checks a plugin package the way a host will meet it — its package.json
 * (`checkManifest`), the files it names, loading it through the host's own loader
 * (`loadRegistry` of `@stylegraph/runner`, which decides from the manifest how to run it), and
 * every node it registers run once with default params on small generated inputs.
 */
import { readFile, readdir, stat } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FileAccess, PluginDefinition, Registry, ResolvedPlugin, RunServices } from '@stylegraph/core';
import { checkManifest } from './manifest.js';
import { memoryFiles } from './memory-files.js';
import type { NodeCheck, PluginReport, Problem } from './report.js';
import { RunNodeError, runNode } from './run-node.js';
import { sampleInputs } from './sample-inputs.js';

export interface CheckPluginOptions {
  /**
   * Host services lent to the nodes. Default: a CPU compute (onnxruntime-node), made when a node
   * first asks for `compute`; a node needing a service not given is skipped.
   */
  readonly services?: Partial<RunServices>;
  /** Files the nodes may read (default: none). */
  readonly files?: () => FileAccess;
  /** Check package.json and the files it names only; do not load or run anything. */
  readonly manifestOnly?: boolean;
  /**
   * Run a code plugin inside this process, as a host started with `--trust <plugin>` does,
   * instead of isolated in a process of its own with the capabilities it declares (the default).
   */
  readonly trust?: boolean;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const exists = (p: string) => stat(p).then((s) => s.isFile(), () => false);
const message = (e: unknown) => (e instanceof Error ? e.message : String(e));

/** The files a package.json's stylegraph field names: the entry module, the operator manifests and their models. */
async function checkFiles(root: string, sg: Record<string, unknown>): Promise<Problem[]> {
  const problems: Problem[] = [];
  const missing = (field: string, msg: string) => problems.push({ severity: 'error', code: 'FILE_MISSING', field, message: msg });
  if (typeof sg.entry === 'string' && !(await exists(join(root, sg.entry)))) {
    missing('stylegraph.entry', `${sg.entry} does not exist; build the plugin first (npm run build)`);
  }
  if (typeof sg.operators === 'string') {
    const pattern = sg.operators.replace(/^\.\//, '');
    const folder = dirname(pattern);
    const [before, after] = pattern.slice(folder === '.' ? 0 : folder.length + 1).split('*') as [string, string];
    const names = (await readdir(join(root, folder)).catch(() => [] as string[])).filter((n) => n.startsWith(before) && n.endsWith(after) && n.length >= before.length + after.length).sort();
    if (names.length === 0) missing('stylegraph.operators', `${sg.operators} matches no file`);
    for (const n of names) {
      const rel = folder === '.' ? n : `${folder}/${n}`;
      let op: unknown;
      try {
        op = JSON.parse(await readFile(join(root, rel), 'utf8'));
      } catch (e) {
        problems.push({ severity: 'error', code: 'MANIFEST_INVALID', field: rel, message: `${rel} is not JSON: ${message(e)}` });
        continue;
      }
      const model = isObject(op) ? op.model : undefined;
      if (typeof model !== 'string') problems.push({ severity: 'error', code: 'MANIFEST_INVALID', field: `${rel}: model`, message: `${rel} names no "model" (its .onnx file)` });
      else if (!(await exists(join(root, folder, model)))) missing(`${rel}: model`, `${rel} names model ${model}, which does not exist`);
    }
  }
  return problems;
}

export interface LoadedPluginPackage {
  /** The plugin as the host registered it (for an isolated plugin, nodes that run in its process). */
  readonly plugin: ResolvedPlugin;
  /** The host's registry: the built-in plugins and this one. */
  readonly registry: Registry;
  /** Stops the isolated plugin processes the host started (this one’s and any other loaded in this process). */
  close(): void;
}

/**
 * Loads the plugin package in `dir` as a host does: the host's loader (`loadRegistry` of
 * `@stylegraph/runner`) decides from its package.json whether it runs isolated, in this process
 * (`trust`) or as data-only operators. Throws when it cannot be loaded.
 */
export async function loadPlugin(dir: string | URL, opts: { trust?: boolean } = {}): Promise<LoadedPluginPackage> {
  const root = resolve(typeof dir === 'string' ? dir : fileURLToPath(dir));
  const runner = await import('@stylegraph/runner');
  const loaded: PluginDefinition[] = [];
  // Isolated plugins run in processes of their own, stopped when the caller is done.
  const close = () => runner.closeIsolatedPlugins();
  try {
    const registry = await runner.loadRegistry({ fromDir: root, extra: [root], loaded: (p) => loaded.push(p.plugin), ...(opts.trust && { trust: new Set([root]) }) });
    const plugin = loaded[0] && registry.plugin(loaded[0].name);
    if (!plugin) throw new Error(`the host registered no plugin from ${root}`);
    return { plugin, registry, close };
  } catch (e) {
    close();
    throw e;
  }
}

/** Host services for nodes that run ONNX models: a CPU compute (onnxruntime-node), one per process. */
let cpu: Promise<Partial<RunServices>> | undefined;
export function cpuServices(): Promise<Partial<RunServices>> {
  cpu ??= import('@stylegraph/ops-gpu/node').then(({ createNodeCompute }) => ({ compute: createNodeCompute().withBackend('cpu') }));
  return cpu;
}

/** Checks the plugin package in `dir` (a folder path or file URL); never throws for what is wrong with the plugin. */
export async function checkPlugin(dir: string | URL, opts: CheckPluginOptions = {}): Promise<PluginReport> {
  const root = resolve(typeof dir === 'string' ? dir : fileURLToPath(dir));
  const problems: Problem[] = [];
  const nodes: NodeCheck[] = [];
  const report = (name?: string): PluginReport => ({ ok: !problems.some((p) => p.severity === 'error'), ...(name && { name }), problems, nodes });
  let pkg: unknown;
  try {
    pkg = JSON.parse(await readFile(join(root, 'package.json'), 'utf8'));
  } catch (e) {
    problems.push({ severity: 'error', code: 'PACKAGE_JSON', field: '(package.json)', message: `cannot read ${join(root, 'package.json')}: ${message(e)}` });
    return report();
  }
  const name = isObject(pkg) && typeof pkg.name === 'string' ? pkg.name : undefined;
  problems.push(...checkManifest(pkg));
  const sg = isObject(pkg) && isObject(pkg.stylegraph) ? pkg.stylegraph : undefined;
  if (sg) problems.push(...(await checkFiles(root, sg)));
  if (opts.manifestOnly || !report().ok) return report(name);

  let loaded: LoadedPluginPackage;
  try {
    loaded = await loadPlugin(root, { trust: opts.trust ?? false });
  } catch (e) {
    problems.push({ severity: 'error', code: 'LOAD_FAILED', message: message(e) });
    return report(name);
  }
  try {
    const plugin = loaded.plugin;
    const ns = plugin.namespace;
    if (plugin.name !== name) problems.push({ severity: 'error', code: 'MANIFEST_INVALID', field: 'name', message: `the plugin calls itself ${plugin.name} but its package is ${name}; graphs name plugins by package` });
    if (sg && typeof sg.namespace === 'string' && ns !== undefined && ns !== sg.namespace) {
      problems.push({ severity: 'error', code: 'MANIFEST_INVALID', field: 'stylegraph.namespace', message: `package.json declares namespace "${sg.namespace}" but the plugin's is "${ns}"` });
    }
    if (isObject(pkg) && typeof pkg.version === 'string' && plugin.version !== pkg.version) {
      problems.push({ severity: 'warning', code: 'MANIFEST_INVALID', field: 'version', message: `the plugin says version ${plugin.version}, its package.json ${pkg.version}; graphs require package versions` });
    }
    const more = lazyServices(opts);
    for (const def of plugin.nodes) nodes.push(await runOnce(plugin, def, opts, more, problems));
  } finally {
    loaded.close();
  }
  return report(name);
}

/** The default services: a CPU compute, made when a node first needs it. */
const lazyServices = (opts: CheckPluginOptions) => async (): Promise<Partial<RunServices> | undefined> => (opts.services ? undefined : cpuServices());

type Def = PluginDefinition['nodes'][number];

/** Runs one node with default params on generated inputs (twice for a pure node, which must agree with itself). */
async function runOnce(plugin: PluginDefinition, def: Def, opts: CheckPluginOptions, more: () => Promise<Partial<RunServices> | undefined>, problems: Problem[]): Promise<NodeCheck> {
  const parsed = def.params.safeParse({});
  if (!parsed.success) return { type: def.type, status: 'skipped', message: `its params have no defaults to run with (${parsed.error.issues[0]?.path.join('.') || 'params'})` };
  const sample = sampleInputs(def, parsed.data as Record<string, unknown>);
  if ('skip' in sample) return { type: def.type, status: 'skipped', message: sample.skip };
  let services = opts.services;
  const run = () => runNode(plugin, def.type, { inputs: sample.inputs, files: opts.files?.() ?? memoryFiles(), ...(services && { services }) });
  const runWithServices = async () => {
    try {
      return await run();
    } catch (e) {
      const extra = e instanceof RunNodeError && e.code === 'SERVICE_MISSING' && /"compute"/.test(e.message) ? await more() : undefined;
      if (!extra) throw e;
      services = extra;
      return run();
    }
  };
  try {
    const first = await runWithServices();
    if (def.purity === 'pure') {
      const again = await run();
      const differs = Object.keys(first).find((port) => !sameValue(first[port], again[port]));
      if (differs) problems.push({ severity: 'warning', code: 'NODE_IMPURE', node: def.type, message: `a pure node gave a different "${differs}" for the same params and inputs (seed its randomness from a param with ctx.random)` });
    }
    return { type: def.type, status: 'ok' };
  } catch (e) {
    if (e instanceof RunNodeError && e.code === 'SERVICE_MISSING') return { type: def.type, status: 'skipped', message: `${message(e)}; pass services to checkPlugin` };
    problems.push({ severity: 'error', code: 'NODE_FAILED', node: def.type, message: message(e) });
    return { type: def.type, status: 'failed', message: message(e) };
  }
}

/** Equal tensors (bit for bit), or equal JSON. */
function sameValue(a: unknown, b: unknown): boolean {
  if (ArrayBuffer.isView((a as { data?: unknown })?.data) && ArrayBuffer.isView((b as { data?: unknown })?.data)) {
    const x = a as { dims: number[]; data: ArrayBufferView };
    const y = b as { dims: number[]; data: ArrayBufferView };
    if (x.dims.join() !== y.dims.join() || x.data.byteLength !== y.data.byteLength) return false;
    const u = new Uint8Array(x.data.buffer, x.data.byteOffset, x.data.byteLength);
    const v = new Uint8Array(y.data.buffer, y.data.byteOffset, y.data.byteLength);
    return u.every((byte, i) => byte === v[i]);
  }
  try {
    return JSON.stringify(a) === JSON.stringify(b);
  } catch {
    return true; // not comparable (a handle): not judged
  }
}
