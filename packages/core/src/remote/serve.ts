/**
 * The plugin's side of a boundary: runs its nodes on the host's requests. A node's files go
 * through the host's own file access (asked over the channel); its progress, values and logs are
 * sent back; a node may be cancelled. An error thrown by Node's permission model (code
 * ERR_ACCESS_DENIED) is reported as PLUGIN_CAPABILITY with what was denied.
 */
import { NodeError, isNodeError, type FileAccess, type RunContext } from '../plugin/context.js';
import type { AnyNodeDefinition, PluginDefinition } from '../plugin/define.js';
import type { RunServices } from '../plugin/services.js';
import { RandomState } from '../rng/random-state.js';
import { kindOf } from '../types/port-types.js';
import { encodeForWire, wireCodec } from './values.js';
import type { ChildMessage, ErrorWire, HostMessage, RunRequest, ValueTransport, WireValue } from './wire.js';

export function errorWire(e: unknown): ErrorWire {
  const err = e as { code?: unknown; permission?: unknown; resource?: unknown; message?: unknown };
  if (err && err.code === 'ERR_ACCESS_DENIED') {
    return { code: 'PLUGIN_CAPABILITY', message: String(err.message ?? 'access denied'), capability: String(err.permission ?? 'unknown'), ...(err.resource !== undefined && { resource: String(err.resource) }) };
  }
  if (isNodeError(e)) return { code: e.code, message: e.message, ...(e.details && { details: e.details }) };
  return { message: e instanceof Error ? e.message : String(e) };
}

export interface PluginServerOptions {
  readonly send: (m: ChildMessage) => void;
  readonly values: ValueTransport;
}

/** Handles the host's messages for one plugin; `load` is the caller's (it imported the plugin). */
export function servePlugin(plugin: PluginDefinition, { send, values }: PluginServerOptions): (m: HostMessage) => void {
  const nodes = new Map<string, AnyNodeDefinition>(plugin.nodes.map((n) => [n.type, n]));
  const aborts = new Map<number, AbortController>();
  const pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  let nextRid = 1;

  const nodeOf = (type: string): AnyNodeDefinition => {
    const def = nodes.get(type);
    if (!def) throw new Error(`this plugin has no node type ${type}`);
    return def;
  };
  const askHost = (id: number, what: 'read' | 'exists' | 'write' | 'hash', path: string, data?: Uint8Array) =>
    new Promise<unknown>((resolve, reject) => {
      const rid = nextRid++;
      pending.set(rid, { resolve, reject });
      send({ op: 'request', rid, id, what, path, ...(data && { data }) });
    });

  async function run(m: RunRequest): Promise<Record<string, WireValue>> {
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
    try {
      const inputs: Record<string, unknown> = {};
      for (const [port, w] of Object.entries(m.inputs)) inputs[port] = await wireCodec(kindOf(def.inputs[port]!)).decode(await values.fromWire(w), { files });
      const services = new Proxy({} as RunServices, {
        get: (_t, name) => {
          if (typeof name !== 'string' || name === 'then' || name === 'toJSON') return undefined;
          throw new NodeError('SERVICE_MISSING', `${m.type} needs the host service "${name}"; an isolated plugin gets no host services (run networks as data-only ONNX operators, or trust the plugin)`);
        },
        has: () => false,
      });
      const log = (level: 'debug' | 'info' | 'warn') => (message: string) => send({ op: 'event', id: m.id, what: 'log', level, message: String(message) });
      const ctx: RunContext = {
        nodeId: m.nodeId,
        ...(m.document !== undefined && { document: m.document as never }),
        ...(typeof m.batchOffset === 'number' && Number.isSafeInteger(m.batchOffset) && m.batchOffset >= 0 && { batchOffset: m.batchOffset }),
        params: parsed.data,
        services,
        signal: abort.signal,
        files,
        log: { debug: log('debug'), info: log('info'), warn: log('warn') },
        random: (seed) => new RandomState(seed),
        progress: (fraction, message) => send({ op: 'event', id: m.id, what: 'progress', fraction, ...(message !== undefined && { message }) }),
        show: (name, value, step) => send({ op: 'event', id: m.id, what: 'show', name, value, ...(step !== undefined && { step }) }),
        throwIfAborted: () => abort.signal.throwIfAborted(),
      };
      const out = (await def.run({ inputs: inputs as never, params: parsed.data as never, ctx })) as Record<string, unknown>;
      const wires: Record<string, WireValue> = {};
      for (const [port, spec] of Object.entries(def.outputs)) {
        if (!out || !Object.hasOwn(out, port)) throw new NodeError('OUTPUT_MISSING', `${m.type} returned no output "${port}"`);
        const kind = kindOf(spec);
        const problem = kind.check(out[port]);
        if (problem) throw new NodeError('OUTPUT_INVALID', `${m.type} output "${port}": ${problem}`);
        wires[port] = await encodeForWire(kind, out[port], values, kind.tensor ? undefined : kind.sizes?.(out[port] as never));
      }
      return wires;
    } finally {
      aborts.delete(m.id);
    }
  }

  const handle = async (m: HostMessage): Promise<unknown> => {
    switch (m.op) {
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
        throw new Error(`unexpected message ${m.op}`);
    }
  };

  return (m) => {
    if (m.op === 'reply') {
      const p = pending.get(m.rid);
      pending.delete(m.rid);
      if (m.error) p?.reject(new NodeError(m.error.code ?? 'FILE_READ', m.error.message));
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
  };
}
