/**
 * Browser backends on onnxruntime-web: `webgpu` and `wasm`. This entry is for browsers (and
 * also runs under Node for tests); Node code uses ./node.js and never imports this file.
 *
 * `auto` prefers webgpu on a hardware adapter, then wasm. A software (fallback) WebGPU adapter
 * counts as unavailable: wasm is faster than a CPU-emulated GPU.
 */
import { defaultOptimization } from './optimization.js';
import * as ort from 'onnxruntime-web';
import { OrtSession } from './ort-session.js';
import { probeFeeds, probeModel, probeOk } from './probe-model.js';
import { registerBackend, setAutoOrder } from './registry.js';
import { BackendUnavailableError, type Availability, type Backend, type Session, type SessionOptions } from './types.js';

type WebProvider = 'wasm' | 'webgpu';

interface GpuAdapterLike {
  readonly isFallbackAdapter?: boolean;
  readonly info?: { readonly isFallbackAdapter?: boolean };
}
interface NavigatorGpuLike {
  readonly gpu?: { requestAdapter(opts?: { powerPreference?: string }): Promise<GpuAdapterLike | null> };
}

/** Whether a software (fallback) adapter counts as WebGPU (see WebBackendOptions). */
let allowSoftwareAdapter = false;

/** Why WebGPU cannot be used here, or undefined when a usable adapter exists. */
async function webgpuProblem(): Promise<string | undefined> {
  const nav = (globalThis as { navigator?: NavigatorGpuLike }).navigator;
  if (!nav?.gpu) return 'this environment has no WebGPU (navigator.gpu is missing)';
  const adapter = await nav.gpu.requestAdapter({ powerPreference: 'high-performance' });
  if (!adapter) return 'no WebGPU adapter was granted';
  if ((adapter.info?.isFallbackAdapter ?? adapter.isFallbackAdapter) && !allowSoftwareAdapter) return 'only a software (fallback) WebGPU adapter exists; wasm is faster';
  return undefined;
}

class WebBackend implements Backend {
  private probe?: Promise<Availability>;
  constructor(readonly name: WebProvider) {}

  available(): Promise<Availability> {
    this.probe ??= this.check();
    return this.probe;
  }

  private async check(): Promise<Availability> {
    if (typeof WebAssembly === 'undefined') return 'WebAssembly is not available';
    if (this.name === 'webgpu') {
      const problem = await webgpuProblem();
      if (problem) return problem;
    }
    try {
      const s = await this.open(probeModel(), {});
      const ok = probeOk(await s.run(probeFeeds()));
      await s.release();
      return ok ? true : `${this.name} computed a wrong result on the probe model`;
    } catch (e) {
      return `${this.name} failed to start: ${(e as Error).message.split('\n')[0]}`;
    }
  }

  private async open(model: Uint8Array, opts: SessionOptions): Promise<Session> {
    const inner = await ort.InferenceSession.create(model, {
      executionProviders: [this.name],
      graphOptimizationLevel: opts.optimization ?? defaultOptimization(this.name),
      ...(this.name === 'webgpu' && opts.keepOutputsOnDevice ? { preferredOutputLocation: 'gpu-buffer' as const } : {}),
    });
    return new OrtSession(this.name, ort, inner);
  }

  async createSession(model: Uint8Array, opts: SessionOptions = {}): Promise<Session> {
    const ok = await this.available();
    if (ok !== true) throw new BackendUnavailableError(this.name, ok);
    return this.open(model, opts);
  }
}

export const webBackends: Readonly<Record<WebProvider, Backend>> = {
  webgpu: new WebBackend('webgpu'),
  wasm: new WebBackend('wasm'),
};

export interface WebBackendOptions {
  /** Where onnxruntime-web's .wasm files are served from, when the bundler does not place them. */
  readonly wasmPaths?: string;
  /** wasm worker threads (needs cross-origin isolation); default: onnxruntime's choice. */
  readonly threads?: number;
  /**
   * Let `webgpu` use a software (fallback) adapter, e.g. SwiftShader, when a user asks for WebGPU
   * explicitly (`auto` then picks it too). Set before the first availability check.
   */
  readonly allowSoftwareAdapter?: boolean;
}

/** Registers webgpu and wasm, with `auto` = webgpu (hardware adapter) → wasm. Idempotent. */
export function registerWebBackends(opts: WebBackendOptions = {}): void {
  if (opts.wasmPaths !== undefined) ort.env.wasm.wasmPaths = opts.wasmPaths;
  if (opts.threads !== undefined) ort.env.wasm.numThreads = opts.threads;
  if (opts.allowSoftwareAdapter !== undefined) allowSoftwareAdapter = opts.allowSoftwareAdapter;
  for (const b of Object.values(webBackends)) registerBackend(b);
  setAutoOrder(['webgpu', 'wasm']);
}
