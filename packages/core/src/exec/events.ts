/** What an execution reports while it runs, and the summary it returns. */
import type { Diagnostic } from '../graph/diagnostics.js';

export type NodeStatus = 'done' | 'cached' | 'failed' | 'skipped' | 'cancelled';

export interface NodeFailure {
  readonly code: string;
  readonly message: string;
}

export type RunEvent =
  | { readonly type: 'node-start'; readonly node: string }
  | { readonly type: 'node-progress'; readonly node: string; readonly fraction: number; readonly message?: string }
  /**
   * An intermediate value a node shows while it runs (`ctx.show`): a preview image, a point of
   * a curve, a report. Live, like outputs: hosts turn it into what they display or stream.
   */
  | { readonly type: 'node-value'; readonly node: string; readonly name: string; readonly value: unknown; readonly step?: number }
  | { readonly type: 'node-done'; readonly node: string; readonly ms: number; readonly cached: boolean }
  | { readonly type: 'node-failed'; readonly node: string; readonly error: NodeFailure }
  | { readonly type: 'node-skipped'; readonly node: string; readonly reason: string }
  | { readonly type: 'log'; readonly node: string; readonly level: 'debug' | 'info' | 'warn'; readonly message: string };

export interface NodeResult {
  readonly status: NodeStatus;
  /** Wall time of the node's run, 0 when cached or not run. */
  readonly ms: number;
  /** Derivation key of the node's outputs. */
  readonly key?: string;
  readonly error?: NodeFailure;
  /** Why a node was skipped. */
  readonly reason?: string;
}

export type RunStatus = 'ok' | 'failed' | 'cancelled' | 'invalid';

export interface RunSummary {
  readonly status: RunStatus;
  readonly diagnostics: readonly Diagnostic[];
  /** Per node that was needed for the requested outputs. */
  readonly nodes: Readonly<Record<string, NodeResult>>;
  /** Output values of the target nodes, by `node.port`. */
  readonly outputs: Readonly<Record<string, unknown>>;
  readonly ms: number;
  readonly counts: { readonly ran: number; readonly cached: number; readonly failed: number; readonly skipped: number; readonly cancelled: number };
}
