/**
 * What a running node may use: the compute backend the host chose, seeded NumPy-exact random
 * streams, cancellation, progress, a logger and host-provided file access. Nodes never touch
 * the file system or network directly, so the same node runs in Node and in a browser.
 */
import type { RandomState } from '../rng/random-state.js';
import type { GraphDocument } from '../graph/document.js';

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
  /** Host-chosen compute backend (owned by the compute package); undefined when none. */
  readonly backend: unknown;
  readonly signal: AbortSignal;
  readonly files: FileAccess;
  readonly log: Logger;
  /** A fresh `np.random.RandomState(seed)`. */
  random(seed: number): RandomState;
  /** Reports progress of this node, fraction in 0…1. */
  progress(fraction: number, message?: string): void;
  /** Throws if the run was cancelled. */
  throwIfAborted(): void;
}

/** An error a node raises on purpose, with a stable code. */
export class NodeError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = 'NodeError';
  }
}

/** Raised by assertion nodes; the run fails with exit code 1 and this message. */
export class AssertionFailed extends NodeError {
  constructor(message: string) {
    super('ASSERTION_FAILED', message);
    this.name = 'AssertionFailed';
  }
}
