/** Builds the run context a node sees, recording the files it reads for its cache key. */
import type { FileAccess, Logger, RunContext } from '../plugin/context.js';
import { RandomState } from '../rng/random-state.js';
import { sha256Hex } from '../util/hash.js';
import type { RunEvent } from './events.js';
import type { GraphDocument } from '../graph/document.js';
import type { RunServices } from '../plugin/services.js';

export interface NodeContextParts {
  readonly nodeId: string;
  readonly document?: GraphDocument;
  readonly params?: Readonly<Record<string, unknown>>;
  readonly batchOffset?: number;
  /** The host's services as this node sees them (a recording view, see services.ts). */
  readonly services?: RunServices;
  readonly files: FileAccess;
  readonly signal: AbortSignal;
  readonly emit: (e: RunEvent) => void;
}

export interface RecordingContext {
  readonly ctx: RunContext;
  /** Files read so far, with their content hashes, in read order. */
  readonly reads: [path: string, hash: string][];
}

export function fileHash(files: FileAccess, path: string, bytes?: Uint8Array): Promise<string> {
  if (files.hash) return files.hash(path);
  return bytes ? sha256Hex(bytes) : files.read(path).then(sha256Hex);
}

export function makeNodeContext({ nodeId, document, params, batchOffset, services, files, signal, emit }: NodeContextParts): RecordingContext {
  const reads: [string, string][] = [];
  const recorded: FileAccess = {
    read: async (path) => {
      const bytes = await files.read(path);
      if (!reads.some(([p]) => p === path)) reads.push([path, await fileHash(files, path, bytes)]);
      return bytes;
    },
    exists: (path) => files.exists(path),
    write: (path, data) => files.write(path, data),
    ...(files.hash && { hash: (path: string) => files.hash!(path) }),
    ...(files.list && { list: (folder: string) => files.list!(folder) }),
  };
  const log: Logger = {
    debug: (message) => emit({ type: 'log', node: nodeId, level: 'debug', message }),
    info: (message) => emit({ type: 'log', node: nodeId, level: 'info', message }),
    warn: (message) => emit({ type: 'log', node: nodeId, level: 'warn', message }),
  };
  const ctx: RunContext = {
    nodeId,
    ...(document && { document }),
    ...(params && { params }),
    ...(batchOffset !== undefined && { batchOffset }),
    services: services ?? ({} as RunServices),
    signal,
    files: recorded,
    log,
    random: (seed) => new RandomState(seed),
    progress: (fraction, message) =>
      emit({ type: 'node-progress', node: nodeId, fraction: Math.min(1, Math.max(0, fraction)), ...(message !== undefined && { message }) }),
    show: (name, value, step) => emit({ type: 'node-value', node: nodeId, name, value, ...(step !== undefined && { step }) }),
    throwIfAborted: () => signal.throwIfAborted(),
  };
  return { ctx, reads };
}
