/**
 * What a running node may use: the services the host lends (its compute), seeded NumPy-exact
 * random streams, cancellation, progress, a logger and host-provided file access. Nodes never touch
 * the file system or network directly, so the same node runs in Node and in a browser.
 */
import type { RandomState } from '../rng/random-state.js';
import type { GraphDocument } from '../graph/document.js';
import type { RunServices } from './services.js';

/** Files as the host exposes them; paths are relative to the host's roots (graph dir, out dir). */
export interface FileAccess {
  read(path: string): Promise<Uint8Array>;
  exists(path: string): Promise<boolean>;
  /**
   * Writes a whole file. Hosts write atomically (temporary file, then rename), refuse paths
   * outside their output root, and report the path written.
   */
  write(path: string, data: Uint8Array): Promise<string>;
  /** Content hash (SHA-256 hex) of a file or folder; hosts may cache it by size and mtime. */
  hash?(path: string): Promise<string>;
  /**
   * Names of the files directly inside a folder (no subfolders, no dot-files), sorted; read
   * with the same rules as `read`. Hosts that cannot list folders leave it out.
   */
  list?(folder: string): Promise<string[]>;
}

export interface Logger {
  debug(message: string): void;
  info(message: string): void;
  warn(message: string): void;
}

export interface RunContext {
  /** The node being run. */
  readonly nodeId: string;
  /** The graph document being run (after migrations and overrides), e.g. to embed it in outputs. */
  readonly document?: GraphDocument;
  /** This node's params as resolved (defaults filled in). */
  readonly params?: Readonly<Record<string, unknown>>;
  /**
   * When this run is one shard of a batch job and this node's batch is the job's item axis: the
   * job-wide index of batch element 0 (present, 0 included, only then). A node that names or seeds items by their
   * batch index uses `(batchOffset ?? 0) + b`, so a shard writes and draws what the whole run would.
   */
  readonly batchOffset?: number;
  /**
   * Services the host lends (the compute object, …), typed by the packages that define them
   * (see services.ts). Reading one the host does not provide throws SERVICE_MISSING.
   */
  readonly services: RunServices;
  readonly signal: AbortSignal;
  readonly files: FileAccess;
  readonly log: Logger;
  /** A fresh `np.random.RandomState(seed)`. */
  random(seed: number): RandomState;
  /** Reports progress of this node, fraction in 0…1. */
  progress(fraction: number, message?: string): void;
  /**
   * Shows an intermediate value while the node runs — an image as it improves, a loss value,
   * a report — under a name (`"preview"`, `"loss"`), optionally at a step. Hosts stream it:
   * the CLI prints scalars on a terminal, the server and editor show images and values.
   */
  show(name: string, value: unknown, step?: number): void;
  /** Throws if the run was cancelled. */
  throwIfAborted(): void;
}

/** The brand every NodeError carries; a global symbol, so every copy of core agrees on it. */
const NODE_ERROR = Symbol.for('stylegraph.node-error');

/**
 * An error a node raises on purpose, with a stable code. Core's codes are bare
 * (`FILE_READ`); a plugin's own are best prefixed with its namespace (`stylegan/LAYERS_INVALID`).
 * Hosts match errors with `isNodeError` and `code`, never with `instanceof`: a plugin that
 * resolves its own copy of core still raises errors every host understands.
 */
export class NodeError extends Error {
  readonly [NODE_ERROR] = true;
  constructor(
    readonly code: string,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = 'NodeError';
  }
}

/** What hosts read of a node error, whichever copy of core raised it. */
export interface NodeErrorLike extends Error {
  readonly code: string;
  readonly details?: Record<string, unknown>;
}

/** Whether `e` is a NodeError (from this or any other copy of core), by its brand and code. */
export const isNodeError = (e: unknown): e is NodeErrorLike =>
  e instanceof Error && (e as unknown as Record<symbol, unknown>)[NODE_ERROR] === true && typeof (e as { code?: unknown }).code === 'string';

/** Raised by assertion nodes; the run fails with exit code 1 and this message. */
export class AssertionFailed extends NodeError {
  constructor(message: string) {
    super('ASSERTION_FAILED', message);
    this.name = 'AssertionFailed';
  }
}
