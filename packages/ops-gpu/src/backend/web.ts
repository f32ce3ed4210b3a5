/**
 * Browser backends on onnxruntime-web: `webgpu` and `wasm`. This entry is for browsers (and
 * also runs under Node for tests); Node code uses ./node.js and never imports this file.
 *
 * A software (fallback) WebGPU adapter counts as unavailable unless the backend was made with
 * `allowSoftwareAdapter`: wasm is faster than a CPU-emulated GPU. A web compute (see
 * compute/web.ts) owns one set of these backends, with `auto` = webgpu → wasm.
 */
import { defaultOptimization } from './optimization.js';
import * as ort from 'onnxruntime-web';
import { ortMemoryOptions } from './ort-memory.js';
import { OrtSession } from './ort-session.js';
import { probeFeeds, probeModel, probeOk } from './probe-model.js';
import { BackendUnavailableError, type Availability, type Backend, type Session, type SessionOptions } from './types.js';

export type WebProvider = 'wasm' | 'webgpu';

/** The providers a web compute offers, and the order `auto` tries. */
export const WEB_PROVIDERS: readonly WebProvider[] = ['webgpu', 'wasm'];

interface GpuAdapterLike {
  readonly isFallbackAdapter?: boolean;
  readonly info?: { readonly isFallbackAdapter?: boolean };
}
interface NavigatorGpuLike {
  readonly gpu?: { requestAdapter(opts?: { powerPreference?: string }): Promise<GpuAdapterLike | null> };
}

export interface WebBackendOptions {
  /**
   * Let `webgpu` use a software (fallback) adapter, e.g. SwiftShader, when a user asks for
   * WebGPU explicitly (`auto` then picks it too).
   */
  readonly allowSoftwareAdapter?: boolean;
}

/** Why WebGPU cannot be used here, or undefined when a usable adapter exists. */
async function webgpuProblem(allowSoftwareAdapter: boolean): Promise<string | undefined> {
  const nav = (globalThis as { navigator?: NavigatorGpuLike }).navigator;
  if (!nav?.gpu) return 'this environment has no WebGPU (navigator.gpu is missing)';
  const adapter = await nav.gpu.requestAdapter({ powerPreference: 'high-performance' });
  if (!adapter) return 'no WebGPU adapter was granted';
  if ((adapter.info?.isFallbackAdapter ?? adapter.isFallbackAdapter) && !allowSoftwareAdapter) return 'only a software (fallback) WebGPU adapter exists; wasm is faster';
  return undefined;
}

class WebBackend implements Backend {
  private probe?: Promise<Availability>;
  constructor(
    readonly name: WebProvider,
    private readonly opts: WebBackendOptions,
  ) {}

  available(): Promise<Availability> {
    this.probe ??= this.check();
    return this.probe;
  }

  private async check(): Promise<Availability> {
    if (typeof WebAssembly === 'undefined') return 'WebAssembly is not available';
    if (this.name === 'webgpu') {
      const problem = await webgpuProblem(this.opts.allowSoftwareAdapter ?? false);
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
      ...ortMemoryOptions(opts.memory),
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

/** A new backend on one onnxruntime-web provider (it probes itself on first use). */
export const webBackend = (provider: WebProvider, opts: WebBackendOptions = {}): Backend => new WebBackend(provider, opts);

/** New webgpu and wasm backends. */
export const createWebBackends = (opts: WebBackendOptions = {}): Backend[] => WEB_PROVIDERS.map((p) => webBackend(p, opts));

export interface WasmRuntimeOptions {
  /** Where onnxruntime-web's .wasm files are served from, when the bundler does not place them. */
  readonly wasmPaths?: string;
  /** wasm worker threads (needs cross-origin isolation); default: onnxruntime's choice. */
  readonly threads?: number;
}

/**
 * Hands the wasm runtime settings to onnxruntime-web, whose environment is one per page and is
 * read when its first session starts (so the first web compute of a page decides them).
 */
export function configureWasmRuntime(opts: WasmRuntimeOptions): void {
  if (opts.wasmPaths !== undefined) ort.env.wasm.wasmPaths = opts.wasmPaths;
  if (opts.threads !== undefined) ort.env.wasm.numThreads = opts.threads;
}
