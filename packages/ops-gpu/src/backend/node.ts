/**
 * Node.js backends on onnxruntime-node: `cpu` (all cores), `webgpu` (bundled Dawn over Vulkan),
 * `cuda` and `tensorrt` (provider libraries installed on demand). Each probes itself once by
 * running a tiny model and, when it cannot run, says why and what to install.
 *
 * With `keepOutputsOnDevice`, webgpu sessions leave outputs in GPU buffers that feed other
 * webgpu sessions directly; cuda/tensorrt/cpu outputs always come back to host memory (the
 * Node binding has no CUDA tensor type), and device tensors then simply wrap them.
 *
 * Each call of `createNodeBackends` makes new backends with their own probes; a Node compute
 * (see compute/node.ts) owns one set. `auto` there prefers cuda, then cpu. TensorRT builds
 * engines per model and input shape (minutes on first use), and the webgpu provider cannot
 * tell a hardware adapter from a software one (SwiftShader, lavapipe), where it is slower than
 * cpu: both are opt-in by name.
 */
import { defaultOptimization } from './optimization.js';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { availableParallelism } from 'node:os';
import { dirname, join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { identityDownloader } from './node-gpu-download.js';
import { ortMemoryOptions } from './ort-memory.js';
import { OrtSession, type Downloader } from './ort-session.js';
import { probeFeeds, probeModel, probeOk } from './probe-model.js';
import { BackendUnavailableError, type Availability, type Backend, type Session, type SessionOptions } from './types.js';

const CUDA_INSTALL = 'ONNXRUNTIME_NODE_INSTALL=cuda12 npm rebuild onnxruntime-node';

/** Folder holding onnxruntime-node's native libraries for this platform. */
function nativeDir(): string {
  const main = createRequire(import.meta.url).resolve('onnxruntime-node');
  return join(dirname(main), '..', 'bin', 'napi-v6', process.platform, process.arch);
}

export type NodeProvider = 'cpu' | 'webgpu' | 'cuda' | 'tensorrt';
type Provider = NodeProvider;

/** The providers a Node compute offers, and the order `auto` tries. */
export const NODE_PROVIDERS: readonly NodeProvider[] = ['cpu', 'webgpu', 'cuda', 'tensorrt'];
export const NODE_AUTO_ORDER: readonly NodeProvider[] = ['cuda', 'cpu'];

/** Files a provider needs beyond the bundled runtime, with the step that installs them. */
const NEEDS: Partial<Record<Provider, { files: string[]; install: string }>> = {
  cuda: {
    files: ['libonnxruntime_providers_shared.so', 'libonnxruntime_providers_cuda.so'],
    install: `the CUDA provider libraries are not installed; run \`${CUDA_INSTALL}\` (needs CUDA 12 and cuDNN 9 on the host)`,
  },
  tensorrt: {
    files: ['libonnxruntime_providers_shared.so', 'libonnxruntime_providers_tensorrt.so'],
    install: `the TensorRT provider libraries are not installed; run \`${CUDA_INSTALL}\` (needs CUDA 12, cuDNN 9 and TensorRT 10 on the host)`,
  },
};

const HINT: Partial<Record<Provider, string>> = {
  webgpu:
    'no WebGPU adapter: needs a Vulkan driver (for a software one: apt-get install chromium, then run with ' +
    'LD_LIBRARY_PATH=/usr/lib/chromium VK_ICD_FILENAMES=/usr/lib/chromium/vk_swiftshader_icd.json)',
  cuda: `CUDA provider failed to start (check the NVIDIA driver, CUDA 12 and cuDNN 9; reinstall with \`${CUDA_INSTALL}\`)`,
  tensorrt: 'TensorRT provider failed to start (check TensorRT 10, CUDA 12 and cuDNN 9 libraries on LD_LIBRARY_PATH)',
};

function ortOptions(p: Provider, opts: SessionOptions): ort.InferenceSession.SessionOptions {
  const ep: ort.InferenceSession.ExecutionProviderConfig =
    p === 'cuda' || p === 'tensorrt' ? { name: p, deviceId: opts.deviceId ?? 0 } : p;
  return {
    executionProviders: [ep],
    graphOptimizationLevel: opts.optimization ?? defaultOptimization(p),
    intraOpNumThreads: opts.threads ?? availableParallelism(),
    ...ortMemoryOptions(opts.memory),
    ...(p === 'webgpu' && opts.keepOutputsOnDevice ? { preferredOutputLocation: 'gpu-buffer' as const } : {}),
  };
}

class NodeBackend implements Backend {
  private probe?: Promise<Availability>;
  private readonly download: Downloader | undefined;
  constructor(readonly name: Provider) {
    this.download = name === 'webgpu' ? identityDownloader() : undefined;
  }

  available(): Promise<Availability> {
    this.probe ??= this.check();
    return this.probe;
  }

  private async check(): Promise<Availability> {
    const listed = ort.listSupportedBackends().find((b) => b.name === this.name);
    if (!listed) return `onnxruntime-node ${ort.env.versions.node ?? ''} on ${process.platform}/${process.arch} has no ${this.name} provider`;
    const need = NEEDS[this.name];
    if (need && !need.files.every((f) => existsSync(join(nativeDir(), f)))) return need.install;
    try {
      const s = await this.open(probeModel(), {});
      const ok = probeOk(await s.run(probeFeeds()));
      await s.release();
      return ok ? true : `${this.name} computed a wrong result on the probe model`;
    } catch (e) {
      const msg = (e as Error).message.split('\n')[0] ?? '';
      return `${HINT[this.name] ?? `${this.name} failed to start`}: ${msg}`;
    }
  }

  private async open(model: Uint8Array, opts: SessionOptions): Promise<Session> {
    const inner = await ort.InferenceSession.create(model, ortOptions(this.name, opts));
    return new OrtSession(this.name, ort, inner, this.download);
  }

  async createSession(model: Uint8Array, opts: SessionOptions = {}): Promise<Session> {
    const ok = await this.available();
    if (ok !== true) throw new BackendUnavailableError(this.name, ok);
    return this.open(model, opts);
  }
}

/** A new backend on one onnxruntime-node provider (it probes itself on first use). */
export const nodeBackend = (provider: NodeProvider): Backend => new NodeBackend(provider);

/** New cpu, webgpu, cuda and tensorrt backends. */
export const createNodeBackends = (): Backend[] => NODE_PROVIDERS.map(nodeBackend);
