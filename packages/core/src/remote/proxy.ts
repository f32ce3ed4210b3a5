/**
 * The host's side of a boundary: a plugin definition built from a plugin's description, whose
 * nodes run on the other side. Validation sees it as it sees any plugin — kinds, ports, params
 * (rebuilt from their JSON Schema), and, where the link can ask synchronously, migrations and
 * `inferShapes`. The plugin's side parses params again with its own schema before running.
 */
import { z } from 'zod';
import { NodeError, type RunContext } from '../plugin/context.js';
import type { AnyNodeDefinition, PluginDefinition } from '../plugin/define.js';
import { isCoreKindName } from '../types/core-kinds.js';
import type { PortKind } from '../types/port-kind.js';
import { kindOf, type PortSpec } from '../types/port-types.js';
import { encodeForWire, proxyKind, wireCodec } from './values.js';
import type { ChildMessage, ErrorWire, HostMessage, InferRequest, MigrateRequest, NodeWire, PluginWire, Request, RunRequest, ValueTransport, WireValue } from './wire.js';

/** A node run in flight on the plugin's side. */
export interface RemoteCall {
  readonly id: number;
  readonly done: Promise<unknown>;
  /** Sends a message to the plugin's side on behalf of this call (replies to its requests, cancel). */
  forward(m: HostMessage): void;
  /** Stops the plugin's side (its process, its Worker): a cancelled node that does not stop in time. */
  stop?(): void;
}

/** How long a cancelled node has to stop before its side is stopped for it. */
export const CANCEL_GRACE_MS = 2000;

export interface PluginLink {
  /** Starts a node run; the host may choose where by the run's context. Messages of the call arrive at `onMessage`. */
  run(req: Request<RunRequest>, ctx: RunContext, onMessage: (m: ChildMessage) => void): RemoteCall;
  /** Answers validation's questions synchronously; absent where the host cannot wait (a browser's page). */
  readonly ask?: (req: Request<MigrateRequest> | Request<InferRequest>) => unknown;
  readonly values: ValueTransport;
  /** The host's error for a call that failed on the plugin's side (or was stopped). */
  error(e: ErrorWire): Error;
}

export interface RemotePluginOptions {
  /** How messages name the plugin (its package name). */
  readonly label: string;
  readonly link: PluginLink;
  /** Kinds the host knows (core's and other plugins'), by name. */
  readonly kind: (name: string) => PortKind | undefined;
}

export function remotePlugin(wire: PluginWire, { label, link, kind }: RemotePluginOptions): PluginDefinition {
  const own = new Map(wire.kinds.filter((k) => k.name.startsWith(`${wire.namespace}/`)).map((k) => [k.name, proxyKind(label, k)]));
  const ports = (n: NodeWire, side: 'inputs' | 'outputs'): Record<string, PortSpec> =>
    Object.fromEntries(
      Object.entries(n[side]).map(([name, p]) => {
        const type = isCoreKindName(p.kind) ? p.kind : (own.get(p.kind) ?? kind(p.kind));
        if (!type) throw new Error(`plugin ${wire.name}: ${n.type} ${side.slice(0, -1)} "${name}" uses port kind ${p.kind}, which no loaded plugin declares`);
        const spec: PortSpec = {
          type,
          ...(p.shape && { shape: p.shape }),
          ...(p.elements !== undefined && { elements: p.elements }),
          ...(p.optional && { optional: true }),
          ...(p.description !== undefined && { description: p.description }),
        };
        return [name, spec];
      }),
    );

  const run = async (n: NodeWire, inPorts: Record<string, PortSpec>, outPorts: Record<string, PortSpec>, inputs: Record<string, unknown>, params: Record<string, unknown>, ctx: RunContext) => {
    const wires: Record<string, WireValue> = {};
    for (const [port, value] of Object.entries(inputs)) if (value !== undefined) wires[port] = await encodeForWire(kindOf(inPorts[port]!), value, link.values);
    const files = ctx.files;
    const onMessage = (m: ChildMessage) => {
      if (m.op === 'event') {
        if (m.what === 'progress') ctx.progress(m.fraction, m.message);
        else if (m.what === 'show') ctx.show(m.name, m.value, m.step);
        else ctx.log[m.level](m.message);
      } else if (m.op === 'request') {
        const answer = (p: Promise<unknown>) =>
          p.then(
            (result) => call.forward({ op: 'reply', rid: m.rid, result }),
            (e: unknown) => call.forward({ op: 'reply', rid: m.rid, error: { code: (e as { code?: string }).code ?? 'FILE_READ', message: (e as Error).message } }),
          );
        if (m.what === 'read') void answer(files.read(m.path));
        else if (m.what === 'exists') void answer(files.exists(m.path));
        else if (m.what === 'write') void answer(m.data instanceof Uint8Array ? files.write(m.path, m.data) : Promise.reject(new Error('a write without data')));
        else void answer(files.hash ? files.hash(m.path) : Promise.reject(new Error('this host does not hash files')));
      }
    };
    const release = async (ws: readonly WireValue[]) => {
      if (link.values.release) for (const w of ws) await link.values.release(w).catch(() => undefined);
    };
    // Messages of the call arrive later, never while `run` starts it.
    let call: RemoteCall;
    try {
      call = link.run({ op: 'run', type: n.type, nodeId: ctx.nodeId, params, inputs: wires, ...(ctx.document && { document: ctx.document as never }), ...(ctx.batchOffset !== undefined && { batchOffset: ctx.batchOffset }) }, ctx, onMessage);
    } catch (e) {
      await release(Object.values(wires));
      throw e;
    }
    let grace: ReturnType<typeof setTimeout> | undefined;
    const onAbort = () => {
      call.forward({ op: 'abort', id: call.id });
      grace = setTimeout(() => call.stop?.(), CANCEL_GRACE_MS);
    };
    ctx.signal.addEventListener('abort', onAbort, { once: true });
    let result: Record<string, WireValue> | undefined;
    try {
      result = (await call.done) as Record<string, WireValue>;
      const out: Record<string, unknown> = {};
      for (const [port, spec] of Object.entries(outPorts)) {
        const w = result?.[port];
        if (!w) throw new NodeError('OUTPUT_MISSING', `${n.type} returned no output "${port}"`);
        const k = kindOf(spec);
        const encoded = await link.values.fromWire(w);
        out[port] = own.has(k.name) && !k.tensor ? { opaqueKind: k.name, header: encoded.header, bytes: encoded.bytes, ...(w.sizes && { sizes: w.sizes }) } : await wireCodec(k).decode(encoded, { files });
      }
      return out;
    } catch (e) {
      throw e instanceof Error ? e : link.error(e as ErrorWire);
    } finally {
      ctx.signal.removeEventListener('abort', onAbort);
      if (grace) clearTimeout(grace);
      // Whatever the call left unread — inputs the other side never took, outputs not read — is freed.
      await release([...Object.values(wires), ...Object.values(result ?? {})]);
    }
  };

  const nodes = wire.nodes.map((n): AnyNodeDefinition => {
    const inputs = ports(n, 'inputs');
    const outputs = ports(n, 'outputs');
    const ask = link.ask;
    const def = {
      type: n.type,
      version: n.version,
      title: n.title,
      category: n.category,
      ...(n.description !== undefined && { description: n.description }),
      inputs,
      outputs,
      // Unknown keys dropped, as the plugin's own object schema does.
      params: (z.fromJSONSchema(n.params as never) as z.ZodObject).strip(),
      purity: n.purity,
      ...(n.fileParams && { fileParams: n.fileParams }),
      ...(n.perItem === true && { perItem: true }),
      ...(ask &&
        n.migrations.length && {
          migrations: Object.fromEntries(n.migrations.map((v) => [v, (params: Record<string, unknown>) => ask({ op: 'migrate', type: n.type, from: v, params }) as Record<string, unknown>])),
        }),
      ...(ask &&
        n.inferShapes && {
          inferShapes: (params: Record<string, unknown>, shape: { dims: Record<string, number>; connected: ReadonlySet<string> }) =>
            ask({ op: 'infer', type: n.type, params, dims: { ...shape.dims }, connected: [...shape.connected] }) as Record<string, number>,
        }),
      run: ({ inputs: values, params, ctx }: { inputs: Record<string, unknown>; params: Record<string, unknown>; ctx: RunContext }) => run(n, inputs, outputs, values, params, ctx),
    };
    return def as unknown as AnyNodeDefinition;
  });
  return {
    name: wire.name,
    version: wire.version,
    apiVersion: wire.apiVersion,
    namespace: wire.namespace,
    ...(wire.description !== undefined && { description: wire.description }),
    kinds: [...own.values()],
    nodes,
  };
}
