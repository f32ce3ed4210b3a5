/**
 * A Compute: the execution resources one host owns — its backends by name and the `auto`
 * order, a session cache and a built-model cache with byte budgets, and the onnxruntime memory
 * settings every session it opens gets. A host makes one (`createNodeCompute`,
 * `createWebCompute`, or `Compute.create` with its own backends) and lends it to the nodes it
 * runs as the `compute` service. Two computes share nothing.
 *
 * A compute runs on one backend, `auto` by default (resolved on first use to the first backend
 * of the `auto` order that is available). `withBackend(name)` gives a view on another backend
 * that shares this compute's backends and caches, so one host can run graphs on several
 * backends with one set of caches. `cacheIdentity()` ("cpu/float32") tells the executor's
 * output cache which backend and precision computed a node's outputs.
 */
import type { ServiceIdentity } from '@stylegraph/core';
import { BackendUnavailableError, type Backend, type OrtMemorySettings, type Session, type SessionOptions } from '../backend/types.js';
import { cacheKey, hashBytes } from '../onnx/cache.js';
import { ModelBytesCache } from './model-cache.js';
import { SessionCache } from './session-cache.js';
// Wherever the Compute type is seen, `ctx.services.compute` is typed as one.
export type { ComputeServices } from './run-services.js';

/** The number format networks are built and run in. */
export type Precision = 'float32';

/** Default byte budget of open sessions. */
export const DEFAULT_SESSION_BYTES = 2 * 2 ** 30;
/** Default byte budget of built models kept for opening sessions again (on this or another backend). */
export const DEFAULT_MODEL_BYTES = 512 * 2 ** 20;
/**
 * Default onnxruntime memory settings: the CPU arena on, the memory pattern off. The memory
 * pattern plans every intermediate buffer of a run into one block that the arena then keeps
 * beside the buffers it already holds, nearly doubling the resident peak of a large synthesis
 * network; without it the arena still reuses buffers from run to run. Turning the arena off
 * too lowers the peak little, but every run then maps and zeroes fresh pages, which about
 * doubles its CPU time at 1024 px.
 */
export const DEFAULT_ORT_MEMORY: OrtMemorySettings = { cpuArena: true, memPattern: false };

export interface ComputeOptions {
  /** The backends this compute runs on, each under its `name` (a later one of the same name wins). */
  readonly backends: readonly Backend[];
  /** The names `auto` tries, in order (names without a backend are skipped); default: the backends' order. */
  readonly auto?: readonly string[];
  /** The backend this compute runs on: a name, or `'auto'` (default). */
  readonly backend?: string;
  /**
   * Bytes of open sessions to keep (default DEFAULT_SESSION_BYTES). A session counts for its
   * model's byte length: an approximation of the memory it holds (its weights), since
   * onnxruntime reports no session size and a run's buffers come and go with the run.
   */
  readonly sessionBytes?: number;
  /**
   * Bytes of built ONNX models to keep for opening their sessions again, on this backend after
   * an eviction or on another (default DEFAULT_MODEL_BYTES; 0 keeps none).
   */
  readonly modelBytes?: number;
  /** onnxruntime memory settings of every session (default DEFAULT_ORT_MEMORY; the fields given replace its). */
  readonly memory?: OrtMemorySettings;
}

/** A model given by how to build it: built only when neither its session nor its bytes are cached. */
export interface ModelRecipe {
  /** Content signature of the model (see `cacheKey`): equal keys must build equal bytes. */
  readonly key: string;
  build(): Uint8Array | Promise<Uint8Array>;
}

/** What the views of one compute share. */
class Shared {
  readonly backends = new Map<string, Backend>();
  readonly auto: readonly string[];
  readonly sessions: SessionCache;
  readonly models: ModelBytesCache;
  readonly memory: OrtMemorySettings;
  /** SHA-256 of model byte arrays, memoized per array. */
  private readonly hashes = new WeakMap<Uint8Array, Promise<string>>();
  private autoPick?: Promise<Backend>;

  constructor(opts: ComputeOptions) {
    for (const b of opts.backends) this.backends.set(b.name, b);
    this.auto = [...(opts.auto ?? this.backends.keys())];
    this.sessions = new SessionCache(opts.sessionBytes ?? DEFAULT_SESSION_BYTES);
    this.models = new ModelBytesCache(opts.modelBytes ?? DEFAULT_MODEL_BYTES);
    this.memory = { ...DEFAULT_ORT_MEMORY, ...opts.memory };
  }

  modelHash(model: Uint8Array): Promise<string> {
    let h = this.hashes.get(model);
    if (!h) {
      h = hashBytes(model);
      this.hashes.set(model, h);
    }
    return h;
  }

  backend(name: string): Backend {
    const b = this.backends.get(name);
    if (b) return b;
    const known = [...this.backends.keys()];
    throw new BackendUnavailableError(name, known.length ? `this compute has no backend of that name (it has: ${known.join(', ')})` : 'this compute has no backends');
  }

  /** The first available backend of the `auto` order (backends probe themselves once, so this is decided once). */
  pickAuto(): Promise<Backend> {
    this.autoPick ??= (async () => {
      const reasons: string[] = [];
      for (const n of this.auto) {
        const b = this.backends.get(n);
        if (!b) continue;
        const ok = await b.available();
        if (ok === true) return b;
        reasons.push(`${n}: ${ok}`);
      }
      throw new BackendUnavailableError('auto', reasons.length ? reasons.join('; ') : 'this compute has no backends');
    })();
    return this.autoPick;
  }
}

export class Compute implements ServiceIdentity {
  readonly precision: Precision = 'float32';

  private constructor(
    private readonly shared: Shared,
    /** The backend asked for: a name, or `'auto'`. */
    readonly backend: string,
  ) {}

  /** A compute with its own backends and caches. */
  static create(opts: ComputeOptions): Compute {
    return new Compute(new Shared(opts), opts.backend ?? 'auto');
  }

  /** A view of this compute on backend `name` (or `'auto'`), sharing its backends and caches. */
  withBackend(name: string): Compute {
    return name === this.backend ? this : new Compute(this.shared, name);
  }

  /** Names of this compute's backends. */
  backendNames(): string[] {
    return [...this.shared.backends.keys()];
  }

  /** The names `auto` tries, in order. */
  get autoOrder(): readonly string[] {
    return this.shared.auto;
  }

  /** A backend of this compute by name; throws BackendUnavailableError naming the known ones. */
  getBackend(name: string): Backend {
    return this.shared.backend(name);
  }

  /** The backend this compute runs on, checked to be available; `auto` picks the first available. */
  async resolve(): Promise<Backend> {
    if (this.backend === 'auto') return this.shared.pickAuto();
    const b = this.shared.backend(this.backend);
    const ok = await b.available();
    if (ok !== true) throw new BackendUnavailableError(b.name, ok);
    return b;
  }

  /** "<backend>/<precision>", e.g. "cpu/float32"; "<asked>:unavailable/…" when the backend cannot run here. */
  async cacheIdentity(): Promise<string> {
    try {
      return `${(await this.resolve()).name}/${this.precision}`;
    } catch (e) {
      if (e instanceof BackendUnavailableError) return `${this.backend}:unavailable/${this.precision}`;
      throw e;
    }
  }

  /**
   * A cached session on this compute's backend for model bytes or a model recipe, shared with
   * every other holder of the same (model, backend, options). Its `release()` evicts it for all.
   */
  async session(model: Uint8Array | ModelRecipe, opts: SessionOptions = {}): Promise<Session> {
    const s = this.shared;
    const backend = await this.resolve();
    const bytes = model instanceof Uint8Array ? model : undefined;
    const id = bytes ? `bytes:${await s.modelHash(bytes)}` : `recipe:${(model as ModelRecipe).key}`;
    const key = await cacheKey([id, backend.name, opts]);
    return s.sessions.open(key, async () => {
      const m = bytes ?? (await s.models.getOrBuild((model as ModelRecipe).key, () => (model as ModelRecipe).build()));
      const session = await backend.createSession(m, { ...opts, memory: { ...s.memory, ...opts.memory } });
      return { session, bytes: m.byteLength };
    });
  }

  /** What the caches hold now. */
  stats(): { readonly sessions: number; readonly sessionBytes: number; readonly models: number; readonly modelBytes: number } {
    const { sessions, models } = this.shared;
    return { sessions: sessions.size, sessionBytes: sessions.bytes, models: models.size, modelBytes: models.bytes };
  }

  /** Releases every cached session and drops every cached model (of all views). */
  async clear(): Promise<void> {
    this.shared.models.clear();
    await this.shared.sessions.clear();
  }
}
