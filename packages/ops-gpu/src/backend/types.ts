/**
 * The execution interface every backend implements: a backend checks whether it can run here
 * and opens sessions on ONNX model bytes; a session runs feeds to outputs. Outputs can stay on
 * the backend's device (`runOnDevice`) and be passed as feeds to another session.
 */
import type { DType, Tensor } from '@stylegraph/core';

export interface SessionOptions {
  /**
   * Ask the backend to keep outputs of `runOnDevice` in device memory (GPU buffers on webgpu),
   * so they can feed the next session without a round trip through host memory.
   */
  readonly keepOutputsOnDevice?: boolean;
  /** CPU kernel threads; default: every core. */
  readonly threads?: number;
  /** Graph optimization level; default 'all' ('basic' on webgpu, see optimization.ts). */
  readonly optimization?: 'disabled' | 'basic' | 'extended' | 'all';
  /** GPU index for cuda/tensorrt; default 0. */
  readonly deviceId?: number;
  /** onnxruntime memory settings; a Compute passes its own to every session it opens. */
  readonly memory?: OrtMemorySettings;
}

/**
 * How onnxruntime manages a session's memory (unset fields keep onnxruntime's defaults; a
 * Compute sets its own, see DEFAULT_ORT_MEMORY).
 */
export interface OrtMemorySettings {
  /** The CPU memory arena (`enableCpuMemArena`); onnxruntime's default: on. */
  readonly cpuArena?: boolean;
  /** Pre-planned buffer reuse for repeated input shapes (`enableMemPattern`); onnxruntime's default: on. */
  readonly memPattern?: boolean;
  /**
   * Further session configuration entries (onnxruntime's `SessionOptions.extra`, flattened keys
   * as in `session.disable_prepacking`), with string values.
   */
  readonly extra?: Readonly<Record<string, string>>;
}

/** An output left where the backend computed it; bring it to the host with `download`. */
export interface DeviceTensor {
  readonly kind: 'device-tensor';
  /** Name of the backend that produced it. */
  readonly backend: string;
  readonly dtype: DType;
  readonly dims: readonly number[];
  /** Where the data lives: 'cpu', 'gpu-buffer', … */
  readonly location: string;
  /** Copies the data to a host tensor (keeps the device copy). */
  download(): Promise<Tensor>;
  /** Frees the device memory; the tensor must not be used afterwards. */
  dispose(): void;
}

/** What a session accepts as an input. */
export type Feed = Tensor | DeviceTensor;

export interface Session {
  readonly backend: string;
  readonly inputNames: readonly string[];
  readonly outputNames: readonly string[];
  /** Runs the model; returns the requested outputs (default: all) as host tensors. */
  run(feeds: Readonly<Record<string, Feed>>, outputs?: readonly string[]): Promise<Record<string, Tensor>>;
  /** Runs the model; returns outputs left on the device (host-backed on CPU backends). */
  runOnDevice(feeds: Readonly<Record<string, Feed>>, outputs?: readonly string[]): Promise<Record<string, DeviceTensor>>;
  /** Frees the session. */
  release(): Promise<void>;
}

/** `true` when usable here, else the reason it is not (one line naming the fix). */
export type Availability = true | string;

export interface Backend {
  readonly name: string;
  /** Whether this backend can run here; probes once and remembers. */
  available(): Promise<Availability>;
  /** Opens a session; rejects with BackendUnavailableError when `available()` is not true. */
  createSession(model: Uint8Array, opts?: SessionOptions): Promise<Session>;
}

export const isDeviceTensor = (v: unknown): v is DeviceTensor =>
  typeof v === 'object' && v !== null && (v as DeviceTensor).kind === 'device-tensor';

/** Raised when a backend cannot run here; the message names the install step. */
export class BackendUnavailableError extends Error {
  override readonly name = 'BackendUnavailableError';
  readonly code = 'backend-unavailable';
  constructor(
    readonly backend: string,
    readonly reason: string,
  ) {
    super(`backend "${backend}" is not available: ${reason}`);
  }
}
