/**
 * The process an isolated plugin runs in: started by the host with Node's permission model
 * (file reads and writes only where granted, no child processes, workers or addons) and, unless
 * the plugin declares `net`, with networking denied. It imports the plugin, describes it as data,
 * and runs its nodes on request; a node's files go through the host's own file access.
 * Argument: the exchange folder. Environment: STYLEGRAPH_PLUGIN_NET=1 keeps networking.
 */
import { pathToFileURL } from 'node:url';
import {
  NodeError,
  RandomState,
  definePlugin,
  isNodeError,
  kindOf,
  z,
  type AnyNodeDefinition,
  type FileAccess,
  type Json,
  type PluginDefinition,
  type PortKind,
  type PortSpec,
  type RunContext,
  type RunServices,
} from '@stylegraph/core';
import { installNetGuard } from './net-guard.js';
import { decodeValue, encodeValue, type WireValue } from './transfer.js';
import type { ChildMessage, ErrorWire, HostMessage, KindWire, NodeWire, PluginWire, PortWire } from './protocol.js';

const exchangeDir = process.argv[2]!;
if (process.env.STYLEGRAPH_PLUGIN_NET !== '1') installNetGuard();

const send = (m: ChildMessage) => process.send!(m);
const nodes = new Map<string, AnyNodeDefinition>();
const aborts = new Map<number, AbortController>();
const pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
let nextRid = 1;

function errorWire(e: unknown): ErrorWire {
  const err = e as { code?: unknown; permission?: unknown; resource?: unknown; message?: unknown; details?: unknown };
  if (err && err.code === 'ERR_ACCESS_DENIED') {
    return {
      code: 'PLUGIN_CAPABILITY',
      message: String(err.message ?? 'access denied'),
      capability: String(err.permission ?? 'unknown'),
      ...(err.resource !== undefined && { resource: String(err.resource) }),
    };
  }
  if (isNodeError(e)) return { code: e.code, message: e.message, ...(e.details && { details: e.details }) };
  return { message: e instanceof Error ? e.message : String(e) };
}

function askHost(id: number, what: 'read' | 'exists' | 'write' | 'hash', path: string, data?: Uint8Array): Promise<unknown> {
  const rid = nextRid++;
  return new Promise((resolve, reject) => {
    pending.set(rid, { resolve, reject });
    send({ op: 'request', rid, id, what, path, ...(data && { data }) });
  });
}

const kindWire = (k: PortKind): KindWire => ({
  name: k.name,
  title: k.title,
  description: k.description,
  dims: k.dims,
  tensor: k.tensor,
  ...(k.dtype !== undefined && { dtype: k.dtype }),
  rigidOutputs: k.rigidOutputs,
  color: k.color,
});

const portWire = (s: PortSpec): PortWire => ({
  kind: kindOf(s).name,
  ...(s.shape && { shape: s.shape }),
  ...(s.elements !== undefined && { elements: s.elements }),
  ...(s.optional && { optional: true }),
  ...(s.description !== undefined && { description: s.description }),
});

const mapPorts = (ports: Readonly<Record<string, PortSpec>>) => Object.fromEntries(Object.entries(ports).map(([k, s]) => [k, portWire(s)]));

function describe(p: PluginDefinition): PluginWire {
  const kinds = new Map<string, PortKind>();
  for (const k of p.kinds ?? []) kinds.set(k.name, k);
  for (const n of p.nodes) for (const s of [...Object.values(n.inputs), ...Object.values(n.outputs)]) kinds.set(kindOf(s).name, kindOf(s));
  const wires: NodeWire[] = p.nodes.map((n) => ({
    type: n.type,
    version: n.version,
    title: n.title,
    category: n.category,
    ...(n.description !== undefined && { description: n.description }),
    purity: n.purity,
    inputs: mapPorts(n.inputs),
    outputs: mapPorts(n.outputs),
    params: z.toJSONSchema(n.params, { io: 'input', unrepresentable: 'any' }) as Json,
    ...(n.fileParams && { fileParams: n.fileParams }),
    migrations: Object.keys(n.migrations ?? {}).map(Number),
    inferShapes: typeof n.inferShapes === 'function',
  }));
  return {
    name: p.name,
    version: p.version,
    apiVersion: p.apiVersion,
    namespace: p.namespace ?? p.nodes[0]?.type.split('/')[0] ?? '',
    ...(p.description !== undefined && { description: p.description }),
    kinds: [...kinds.values()].map(kindWire),
    nodes: wires,
  };
}

const isPlugin = (v: unknown): v is PluginDefinition => !!v && typeof v === 'object' && typeof (v as PluginDefinition).name === 'string' && Array.isArray((v as PluginDefinition).nodes);

function nodeOf(type: string): AnyNodeDefinition {
  const def = nodes.get(type);
  if (!def) throw new Error(`this plugin has no node type ${type}`);
  return def;
}

async function run(m: Extract<HostMessage, { op: 'run' }>): Promise<Record<string, WireValue>> {
  const def = nodeOf(m.type);
  const parsed = def.params.safeParse(m.params);
  if (!parsed.success) throw new NodeError('PARAM_INVALID', `${m.type}: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  const abort = new AbortController();
  aborts.set(m.id, abort);
  const files: FileAccess = {
    read: async (path) => (await askHost(m.id, 'read', path)) as Uint8Array,
    exists: async (path) => (await askHost(m.id, 'exists', path)) as boolean,
    write: async (path, data) => (await askHost(m.id, 'write', path, data)) as string,
    hash: async (path) => (await askHost(m.id, 'hash', path)) as string,
  };
  const inputs: Record<string, unknown> = {};
  for (const [port, w] of Object.entries(m.inputs)) inputs[port] = await decodeValue(kindOf(def.inputs[port]!), w, exchangeDir, { files });
  const services = new Proxy({} as RunServices, {
    get: (_t, name) => {
      if (typeof name !== 'string' || name === 'then' || name === 'toJSON') return undefined;
      throw new NodeError('SERVICE_MISSING', `${m.type} needs the host service "${name}"; an isolated plugin gets no host services (run networks as data-only ONNX operators, or trust the plugin with --trust)`);
    },
    has: () => false,
  });
  const ctx: RunContext = {
    nodeId: m.nodeId,
    ...(m.document !== undefined && { document: m.document as never }),
    params: parsed.data,
    services,
    signal: abort.signal,
    files,
    log: {
      debug: (message) => send({ op: 'event', id: m.id, what: 'log', level: 'debug', message: String(message) }),
      info: (message) => send({ op: 'event', id: m.id, what: 'log', level: 'info', message: String(message) }),
      warn: (message) => send({ op: 'event', id: m.id, what: 'log', level: 'warn', message: String(message) }),
    },
    random: (seed) => new RandomState(seed),
    progress: (fraction, message) => send({ op: 'event', id: m.id, what: 'progress', fraction, ...(message !== undefined && { message }) }),
    show: (name, value, step) => send({ op: 'event', id: m.id, what: 'show', name, value, ...(step !== undefined && { step }) }),
    throwIfAborted: () => abort.signal.throwIfAborted(),
  };
  try {
    const out = (await def.run({ inputs: inputs as never, params: parsed.data as never, ctx })) as Record<string, unknown>;
    const wires: Record<string, WireValue> = {};
    for (const [port, spec] of Object.entries(def.outputs)) {
      if (!out || !Object.hasOwn(out, port)) throw new NodeError('OUTPUT_MISSING', `${m.type} returned no output "${port}"`);
      const kind = kindOf(spec);
      const problem = kind.check(out[port]);
      if (problem) throw new NodeError('OUTPUT_INVALID', `${m.type} output "${port}": ${problem}`);
      const w = await encodeValue(kind, out[port], exchangeDir);
      const sizes = kind.tensor ? undefined : kind.sizes?.(out[port]);
      wires[port] = sizes ? { ...w, sizes } : w;
    }
    return wires;
  } finally {
    aborts.delete(m.id);
  }
}

async function handle(m: HostMessage): Promise<unknown> {
  switch (m.op) {
    case 'load': {
      const mod = (await import(m.entry.startsWith('file:') ? m.entry : pathToFileURL(m.entry).href)) as Record<string, unknown>;
      const p = [mod.default, mod.plugin].find(isPlugin);
      if (!p) throw new Error('the module does not export a stylegraph plugin (default export from definePlugin)');
      // Settled by this host's core: a plugin for another API version is refused here, in one line.
      definePlugin(p);
      for (const n of p.nodes) nodes.set(n.type, n);
      return describe(p);
    }
    case 'run':
      return run(m);
    case 'migrate': {
      const migrate = nodeOf(m.type).migrations?.[m.from];
      if (!migrate) throw new Error(`${m.type} has no migration from version ${m.from}`);
      return migrate(m.params);
    }
    case 'infer':
      return nodeOf(m.type).inferShapes!(m.params as never, { dims: m.dims, connected: new Set(m.connected) });
    default:
      return undefined;
  }
}

process.on('message', (m: HostMessage) => {
  if (m.op === 'reply') {
    const p = pending.get(m.rid);
    pending.delete(m.rid);
    if (m.error) p?.reject(Object.assign(new NodeError(m.error.code ?? 'FILE_READ', m.error.message)));
    else p?.resolve(m.result);
    return;
  }
  if (m.op === 'abort') {
    aborts.get(m.id)?.abort(new NodeError('CANCELLED', 'cancelled'));
    return;
  }
  handle(m).then(
    (result) => send({ op: 'done', id: m.id, result }),
    (e: unknown) => send({ op: 'done', id: m.id, error: errorWire(e) }),
  );
});
// The host went away: so does the plugin.
process.on('disconnect', () => process.exit(0));
