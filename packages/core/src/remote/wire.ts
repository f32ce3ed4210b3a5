/**
 * Plugins across a boundary: a plugin run in another process (Node) or a Worker (browser) is
 * described to its host as data, and the two sides exchange messages. The host asks (run a node,
 * migrate params, infer sizes); the plugin's side answers each request by id, and asks the host
 * in turn for what a running node may use (files through the host's own file access), and
 * reports progress, values and logs. Values cross as their kinds' encodings (see values.ts).
 */
import type { EncodedValue, Json } from '../types/port-kind.js';

/** A port kind as data. */
export interface KindWire {
  readonly name: string;
  readonly title: string;
  readonly description: string;
  readonly dims: readonly string[] | null;
  readonly tensor: boolean;
  readonly dtype?: string;
  readonly rigidOutputs: boolean;
  readonly color: string;
}

export interface PortWire {
  readonly kind: string;
  readonly shape?: readonly (number | string)[];
  readonly elements?: number | string;
  readonly optional?: boolean;
  readonly description?: string;
}

export interface NodeWire {
  readonly type: string;
  readonly version: number;
  readonly title: string;
  readonly category: string;
  readonly description?: string;
  readonly purity: 'pure' | 'effect';
  readonly perItem?: boolean;
  readonly inputs: Readonly<Record<string, PortWire>>;
  readonly outputs: Readonly<Record<string, PortWire>>;
  /** The params' JSON Schema (input side), from the plugin's zod schema. */
  readonly params: Json;
  readonly fileParams?: readonly string[];
  /** Versions k that have a migration to k + 1. */
  readonly migrations: readonly number[];
  readonly inferShapes: boolean;
}

export interface PluginWire {
  readonly name: string;
  readonly version: string;
  readonly apiVersion: number;
  readonly namespace: string;
  readonly description?: string;
  readonly kinds: readonly KindWire[];
  readonly nodes: readonly NodeWire[];
}

export interface ErrorWire {
  readonly code?: string;
  readonly message: string;
  readonly details?: Record<string, unknown>;
  /** A permission the plugin's side was denied (Node's permission names: FileSystemRead, ChildProcess, Net, …), or the budget it passed. */
  readonly capability?: string;
  readonly resource?: string;
}

/** A value on the wire: its kind, its encoding's header, and its payload (or where the payload is). */
export interface WireValue {
  readonly kind: string;
  readonly header: Json;
  readonly bytes?: Uint8Array;
  /** A file holding the payload, for transports that move large payloads through files. */
  readonly file?: string;
  /** For values the host holds opaque: the sizes the value binds, computed where its kind lives. */
  readonly sizes?: Readonly<Record<string, number>>;
}

/** How payloads travel: inside the message, or (Node, large ones) through a file. */
export interface ValueTransport {
  toWire(kind: string, e: EncodedValue, sizes?: Readonly<Record<string, number>>): Promise<WireValue>;
  fromWire(w: WireValue): Promise<EncodedValue>;
  /** Frees what a value left behind (a file) once nobody will read it; a no-op when it was read. */
  release?(w: WireValue): Promise<void>;
}

/** Payloads inside the message (structured clone; a Worker may transfer them). */
export const inlineTransport: ValueTransport = {
  toWire: async (kind, e, sizes) => ({ kind, header: e.header, bytes: e.bytes, ...(sizes && { sizes }) }),
  fromWire: async (w) => {
    if (!(w.bytes instanceof Uint8Array)) throw new Error(`a transferred ${w.kind} value has no payload`);
    return { header: w.header, bytes: w.bytes };
  },
};

export type RunRequest = {
  readonly op: 'run';
  readonly id: number;
  readonly type: string;
  readonly nodeId: string;
  readonly params: Record<string, unknown>;
  readonly inputs: Readonly<Record<string, WireValue>>;
  readonly document?: Json;
  readonly batchOffset?: number;
};
export type MigrateRequest = { readonly op: 'migrate'; readonly id: number; readonly type: string; readonly from: number; readonly params: Record<string, unknown> };
export type InferRequest = { readonly op: 'infer'; readonly id: number; readonly type: string; readonly params: Record<string, unknown>; readonly dims: Record<string, number>; readonly connected: readonly string[] };

/** Host → plugin side. `load` is the host's own (how a plugin is imported differs by host). */
export type HostMessage =
  | { readonly op: 'load'; readonly id: number; readonly entry: string }
  | RunRequest
  | MigrateRequest
  | InferRequest
  | { readonly op: 'abort'; readonly id: number }
  | { readonly op: 'reply'; readonly rid: number; readonly result?: unknown; readonly error?: ErrorWire };

/** Plugin side → host. */
export type ChildMessage =
  | { readonly op: 'done'; readonly id: number; readonly result?: unknown; readonly error?: ErrorWire }
  | { readonly op: 'request'; readonly rid: number; readonly id: number; readonly what: 'read' | 'exists' | 'write' | 'hash'; readonly path: string; readonly data?: Uint8Array }
  | { readonly op: 'event'; readonly id: number; readonly what: 'progress'; readonly fraction: number; readonly message?: string }
  | { readonly op: 'event'; readonly id: number; readonly what: 'show'; readonly name: string; readonly value: unknown; readonly step?: number }
  | { readonly op: 'event'; readonly id: number; readonly what: 'log'; readonly level: 'debug' | 'info' | 'warn'; readonly message: string };

/** A request without its id (the host's link numbers them). */
export type Request<M extends HostMessage = HostMessage> = M extends { id: number } ? Omit<M, 'id'> : never;
