/**
 * Data-only operator plugins: node types made from operator manifests (manifest.ts) and the
 * ONNX models they name, running no plugin JavaScript. `operatorPlugin` checks every manifest
 * against its model when the plugin is built (the ONNX inputs, outputs, nodes and attributes
 * it names exist, with the element types and ranks its kinds and params need, and every model
 * input and output is mapped) and gives a plugin definition whose nodes run their model on the
 * host's compute (`ctx.services.compute`). `operatorOf` tells what an operator node runs, so an
 * optimizer can compose a differentiable one into its own gradient graph. Browser-safe: the
 * host reads the files and passes their bytes.
 */
import {
  NodeError,
  PLUGIN_API_VERSION,
  defineNode,
  definePlugin,
  isTensor,
  tensor,
  type AnyNodeDefinition,
  type DType,
  type PortKind,
  type PortSpec,
  type ResolvedPlugin,
  type RunContext,
  type Tensor,
  type z,
} from '@stylegraph/core';
import type { Compute } from '../compute/compute.js';
import { ByteLru } from '../compute/byte-lru.js';
import { scalarTensor } from '../onnx/tensor-proto.js';
import { OperatorManifestError, paramsSchema, parseOperatorManifest, type OperatorManifest } from './manifest.js';
import { patchAttributes, readSignature, type AttributePatch, type OnnxSignature } from './onnx-model.js';
import { OperatorCheck, type PortBinding } from './binding.js';

/** One operator of a plugin: its manifest file (relative to the plugin root) and its parsed JSON. */
export interface OperatorSource {
  readonly file: string;
  readonly manifest: unknown;
}

export interface OperatorPluginOptions {
  /** The plugin's npm package name. */
  readonly name: string;
  /** The plugin's semver version (part of every output's cache key: bump it when a model changes). */
  readonly version: string;
  /** The namespace the plugin owns: node types are `<namespace>/<manifest name>`. */
  readonly namespace: string;
  readonly description?: string;
  readonly operators: readonly OperatorSource[];
  /**
   * Port kinds by name, for kinds that are not core's (`stylegan/WPlus`); a host passes
   * `name => registry.kind(name)`. Core's kinds are known without it.
   */
  readonly kind?: (name: string) => PortKind | undefined;
  /** Reads a file by its path relative to the plugin root (`operators/sobel.onnx`). */
  readonly readFile: (path: string) => Promise<Uint8Array>;
  /** Bytes of attribute-patched models each operator keeps (default 64 MiB). */
  readonly patchedModelBytes?: number;
}

/** Where a param goes in an operator's model. */
export type OperatorParamBinding =
  | { readonly kind: 'input'; readonly input: string; readonly dtype: 'float32' | 'int64' | 'bool' }
  | { readonly kind: 'attribute'; readonly node: string; readonly attribute: string };

/** What an operator node runs, for hosts and optimizers (see `operatorOf`). */
export interface OperatorInfo {
  /** The node type, `<namespace>/<name>`. */
  readonly type: string;
  /** The manifest file, relative to the plugin root. */
  readonly file: string;
  /** The model file, relative to the plugin root. */
  readonly modelPath: string;
  /** Whether the manifest declares the model differentiable (every op on the path from inputs to outputs has a gradient). */
  readonly differentiable: boolean;
  /** Input port → the ONNX graph input it feeds. */
  readonly inputs: Readonly<Record<string, string>>;
  /** Output port → the ONNX graph output it carries. */
  readonly outputs: Readonly<Record<string, string>>;
  /** Param → the ONNX input it feeds (as a scalar of `dtype`) or the node attribute it sets. */
  readonly params: Readonly<Record<string, OperatorParamBinding>>;
  /**
   * The model bytes the node runs with these params (defaults filled in): the model file, with
   * the attributes that attribute params set patched in. Throws on invalid params.
   */
  model(params?: Readonly<Record<string, unknown>>): Promise<Uint8Array>;
  /** The scalar feeds of the params that are ONNX inputs, by ONNX input name (defaults filled in). */
  paramFeeds(params?: Readonly<Record<string, unknown>>): Record<string, Tensor>;
}

/** The brand operator nodes carry; a global symbol, so every copy of ops-gpu finds it. */
const OPERATOR = Symbol.for('stylegraph.operator');

/** What an operator node (made by `operatorPlugin`) runs; undefined for any other node definition. */
export function operatorOf(def: unknown): OperatorInfo | undefined {
  if (typeof def !== 'object' || def === null) return undefined;
  const info = (def as Record<symbol, unknown>)[OPERATOR];
  return typeof info === 'object' && info !== null ? (info as OperatorInfo) : undefined;
}

function computeOf(ctx: RunContext, type: string): Compute {
  const services = (ctx.services ?? {}) as unknown as Record<string, unknown>;
  const compute = 'compute' in services ? services.compute : undefined;
  if (typeof compute !== 'object' || compute === null || typeof (compute as Partial<Compute>).session !== 'function') {
    throw new NodeError('SERVICE_MISSING', `${type} runs an ONNX model and needs the host service "compute" (a Compute from createNodeCompute or createWebCompute), which this host does not provide`);
  }
  return compute as Compute;
}

/** A rank-0 tensor of `dtype` holding a port's or param's scalar. */
function scalarFeed(v: unknown, dtype: DType, what: string, code: string): Tensor {
  if (dtype === 'bool') {
    if (typeof v !== 'boolean') throw new NodeError(code, `${what} must be a boolean, got ${typeof v}`);
    return tensor('bool', [], Uint8Array.of(v ? 1 : 0));
  }
  if (typeof v !== 'number' || !Number.isFinite(v)) throw new NodeError(code, `${what} must be a finite number, got ${typeof v === 'number' ? v : typeof v}`);
  if ((dtype === 'int64' || dtype === 'int32') && !Number.isSafeInteger(v)) throw new NodeError(code, `${what} must be an integer, got ${v}`);
  return scalarTensor(v, dtype);
}

/** A model output as the port's value. */
function fromOutput(t: Tensor | undefined, b: PortBinding, type: string): unknown {
  const what = `${type} output "${b.port}" (model output "${b.onnx}")`;
  if (!t) throw new NodeError('OPERATOR_FAILED', `${what}: the model returned no such output`);
  if (t.dtype !== b.dtype) throw new NodeError('OPERATOR_FAILED', `${what}: the model returned ${t.dtype}, not the declared ${b.dtype}`);
  if (b.mode === 'tensor') return t;
  if (t.data.length !== 1) throw new NodeError('OPERATOR_FAILED', `${what}: a ${b.mode} port needs one element, the model returned shape [${t.dims.join(', ')}]`);
  const x = t.data[0]!;
  if (b.mode === 'boolean') return x !== 0;
  const n = Number(x);
  if (b.mode === 'integer' && !Number.isSafeInteger(n)) throw new NodeError('OPERATOR_FAILED', `${what}: ${String(x)} is not a safe integer`);
  return n;
}

/** Builds one node type from a checked manifest and its model bytes. */
function operatorNode(namespace: string, m: OperatorManifest, bytes: Uint8Array, sig: OnnxSignature, opts: OperatorPluginOptions): AnyNodeDefinition {
  const type = `${namespace}/${m.name}`;
  const check = new OperatorCheck(m, sig, (n) => opts.kind?.(n));
  const inputs: Record<string, PortSpec> = {};
  const outputs: Record<string, PortSpec> = {};
  const ins: PortBinding[] = [];
  const outs: PortBinding[] = [];
  for (const [port, spec] of Object.entries(m.inputs)) {
    const r = check.port('inputs', port, spec);
    inputs[port] = r.spec;
    ins.push(r.binding);
  }
  for (const [port, spec] of Object.entries(m.outputs)) {
    const r = check.port('outputs', port, spec);
    outputs[port] = r.spec;
    outs.push(r.binding);
  }
  const params: Record<string, OperatorParamBinding> = {};
  for (const [name, p] of Object.entries(m.params)) params[name] = check.param(name, p);
  const fed = new Set([...ins.map((b) => b.onnx), ...Object.values(params).flatMap((b) => (b.kind === 'input' ? [b.input] : []))]);
  check.coverage(fed, new Set(outs.map((b) => b.onnx)));

  const schema = paramsSchema(m.params);
  const attrParams = Object.entries(params).filter((e): e is [string, Extract<OperatorParamBinding, { kind: 'attribute' }>] => e[1].kind === 'attribute');
  const inputParams = Object.entries(params).filter((e): e is [string, Extract<OperatorParamBinding, { kind: 'input' }>] => e[1].kind === 'input');
  const patched = new ByteLru<Uint8Array>(opts.patchedModelBytes ?? 64 * 2 ** 20);
  /** The model for these (parsed) params: patched once per set of attribute values. */
  const modelFor = (values: Readonly<Record<string, unknown>>): Uint8Array => {
    if (attrParams.length === 0) return bytes;
    const patches: AttributePatch[] = attrParams.map(([name, b]) => ({ node: b.node, name: b.attribute, value: values[name] as AttributePatch['value'] }));
    const key = JSON.stringify(patches.map((p) => p.value));
    const hit = patched.get(key);
    if (hit) return hit;
    const out = patchAttributes(bytes, patches);
    patched.set(key, out, out.byteLength);
    return out;
  };
  const feedsFor = (values: Readonly<Record<string, unknown>>): Record<string, Tensor> =>
    Object.fromEntries(inputParams.map(([name, b]) => [b.input, scalarFeed(values[name], b.dtype, `${type} param "${name}"`, 'PARAM_INVALID')]));
  const parse = (p: Readonly<Record<string, unknown>> = {}) => schema.parse(p) as Record<string, unknown>;

  const info: OperatorInfo = Object.freeze({
    type,
    file: m.file,
    modelPath: m.modelPath,
    differentiable: m.differentiable,
    inputs: Object.freeze(Object.fromEntries(ins.map((b) => [b.port, b.onnx]))),
    outputs: Object.freeze(Object.fromEntries(outs.map((b) => [b.port, b.onnx]))),
    params: Object.freeze(params),
    model: async (p?: Readonly<Record<string, unknown>>) => modelFor(parse(p)),
    paramFeeds: (p?: Readonly<Record<string, unknown>>) => feedsFor(parse(p)),
  });

  const def = defineNode({
    type,
    version: m.version,
    title: m.title,
    category: m.category,
    ...(m.description !== undefined && { description: m.description }),
    inputs,
    outputs,
    params: schema as z.ZodObject,
    purity: 'pure',
    run: async ({ inputs: given, params: values, ctx }) => {
      const compute = computeOf(ctx, type);
      const feeds = feedsFor(values as Record<string, unknown>);
      for (const b of ins) {
        const v = (given as Record<string, unknown>)[b.port];
        const what = `${type} input "${b.port}"`;
        if (b.mode !== 'tensor') {
          feeds[b.onnx] = scalarFeed(v, b.dtype, what, 'INPUT_INVALID');
          continue;
        }
        if (!isTensor(v)) throw new NodeError('INPUT_INVALID', `${what} must be a tensor (kind ${b.kind.name})`);
        if (v.dtype !== b.dtype) throw new NodeError('INPUT_INVALID', `${what} is ${v.dtype} but the model's input "${b.onnx}" is ${b.dtype}`);
        feeds[b.onnx] = v;
      }
      const session = await compute.session(modelFor(values as Record<string, unknown>));
      ctx.throwIfAborted();
      let result: Record<string, Tensor>;
      try {
        result = await session.run(feeds, outs.map((b) => b.onnx));
      } catch (e) {
        throw new NodeError('OPERATOR_FAILED', `${type}: running ${m.modelPath} failed: ${e instanceof Error ? e.message : String(e)}`, { model: m.modelPath });
      }
      return Object.fromEntries(outs.map((b) => [b.port, fromOutput(result[b.onnx], b, type)])) as never;
    },
  });
  Object.defineProperty(def, OPERATOR, { value: info, enumerable: false });
  return def;
}

const NAMESPACE = /^[a-z][a-z0-9-]*$/;

/**
 * A plugin definition from operator manifests: each is validated, its model read (through
 * `readFile`, relative to the plugin root) and checked against it, and made a pure node type
 * `<namespace>/<name>` that runs the model on the host's compute. Throws one line
 * (`<manifest file>: <field>: <what is wrong>`) on the first problem.
 */
export async function operatorPlugin(opts: OperatorPluginOptions): Promise<ResolvedPlugin> {
  if (!NAMESPACE.test(opts.namespace)) throw new Error(`operatorPlugin: ${opts.name}: namespace "${opts.namespace}" must be lower-case letters, digits and dashes, starting with a letter`);
  const manifests = opts.operators.map((o) => parseOperatorManifest(o.manifest, o.file));
  const byName = new Map<string, string>();
  for (const m of manifests) {
    const other = byName.get(m.name);
    if (other !== undefined) throw new OperatorManifestError(m.file, 'name', `"${m.name}" is also the name of the operator in ${other}`);
    byName.set(m.name, m.file);
  }
  // A model several operators share is read and decoded once.
  const reads = new Map<string, Promise<{ bytes: Uint8Array; sig: OnnxSignature } | Error>>();
  const load = (path: string) => {
    let p = reads.get(path);
    if (!p) {
      p = opts.readFile(path).then(
        (bytes) => {
          try {
            return { bytes, sig: readSignature(bytes) };
          } catch (e) {
            return e as Error;
          }
        },
        (e: unknown) => new Error(`cannot read ${path}: ${e instanceof Error ? e.message : String(e)}`),
      );
      reads.set(path, p);
    }
    return p;
  };
  const nodes: AnyNodeDefinition[] = [];
  for (const m of manifests) {
    const loaded = await load(m.modelPath);
    if (loaded instanceof Error) {
      const why = loaded.message.startsWith('cannot read') ? loaded.message : `${m.modelPath} is ${loaded.message}`;
      throw new OperatorManifestError(m.file, 'model', why);
    }
    nodes.push(operatorNode(opts.namespace, m, loaded.bytes, loaded.sig, opts));
  }
  return definePlugin({
    name: opts.name,
    version: opts.version,
    namespace: opts.namespace,
    apiVersion: PLUGIN_API_VERSION,
    ...(opts.description !== undefined && { description: opts.description }),
    nodes,
  });
}
