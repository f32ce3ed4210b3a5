/**
 * Messages between the host and an isolated plugin's process. The host asks; the plugin
 * process answers each request by id, and asks the host in turn for what a running node may use
 * (its files, through the host's own file access) and reports progress, values and logs.
 */
import type { Json } from '@stylegraph/core';
import type { WireValue } from './transfer.js';

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
  /** A capability the plugin was denied (`fs.read`, `fs.write`, `net`, `childProcess`, `worker`, `addons`), with what it tried. */
  readonly capability?: string;
  readonly resource?: string;
}

/** Host → plugin process. */
export type HostMessage =
  | { readonly op: 'load'; readonly id: number; readonly entry: string }
  | {
      readonly op: 'run';
      readonly id: number;
      readonly type: string;
      readonly nodeId: string;
      readonly params: Record<string, unknown>;
      readonly inputs: Readonly<Record<string, WireValue>>;
      readonly document?: Json;
    }
  | { readonly op: 'migrate'; readonly id: number; readonly type: string; readonly from: number; readonly params: Record<string, unknown> }
  | { readonly op: 'infer'; readonly id: number; readonly type: string; readonly params: Record<string, unknown>; readonly dims: Record<string, number>; readonly connected: readonly string[] }
  | { readonly op: 'abort'; readonly id: number }
  | { readonly op: 'reply'; readonly rid: number; readonly result?: unknown; readonly error?: ErrorWire };

/** Plugin process → host. */
export type ChildMessage =
  | { readonly op: 'done'; readonly id: number; readonly result?: unknown; readonly error?: ErrorWire }
  | { readonly op: 'request'; readonly rid: number; readonly id: number; readonly what: 'read' | 'exists' | 'write' | 'hash'; readonly path: string; readonly data?: Uint8Array }
  | { readonly op: 'event'; readonly id: number; readonly what: 'progress'; readonly fraction: number; readonly message?: string }
  | { readonly op: 'event'; readonly id: number; readonly what: 'show'; readonly name: string; readonly value: unknown; readonly step?: number }
  | { readonly op: 'event'; readonly id: number; readonly what: 'log'; readonly level: 'debug' | 'info' | 'warn'; readonly message: string };

/** Node's permission model names denied APIs; these are the capability names a manifest uses. */
export const PERMISSION_CAPABILITY: Readonly<Record<string, string>> = {
  FileSystemRead: 'fs.read',
  FileSystemWrite: 'fs.write',
  ChildProcess: 'childProcess',
  WorkerThreads: 'worker',
  Addons: 'addons',
  WASI: 'wasi',
  Net: 'net',
};
