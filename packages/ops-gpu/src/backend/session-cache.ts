/**
 * Sessions shared by content: one session per (model hash, backend, options), kept in an LRU
 * that releases evicted sessions. Model hashes are memoized per byte array.
 */
import { cacheKey, hashBytes, LruCache } from '../onnx/cache.js';
import { resolveBackend } from './registry.js';
import type { Backend, Session, SessionOptions } from './types.js';

const modelHashes = new WeakMap<Uint8Array, Promise<string>>();

/** SHA-256 of model bytes, computed once per array. */
export function modelHash(model: Uint8Array): Promise<string> {
  let h = modelHashes.get(model);
  if (!h) {
    h = hashBytes(model);
    modelHashes.set(model, h);
  }
  return h;
}

interface Entry {
  readonly inner: Promise<Session>;
  shared?: Promise<Session>;
  released?: Promise<void>;
}

export class SessionCache {
  private lru: LruCache<Entry>;

  constructor(capacity = 8) {
    this.lru = new LruCache(capacity, (_k, e) => {
      e.released = e.inner.then((s) => s.release()).catch(() => undefined);
    });
  }

  /**
   * A shared session for this model on this backend ('auto' picks the best available).
   * Calling `release()` on it evicts it for every holder.
   */
  async open(backend: string | Backend, model: Uint8Array, opts: SessionOptions = {}): Promise<Session> {
    const b = typeof backend === 'string' ? await resolveBackend(backend) : backend;
    const key = await cacheKey([await modelHash(model), b.name, opts]);
    const hit = this.lru.get(key);
    if (hit?.shared) return hit.shared;
    const entry: Entry = { inner: b.createSession(model, opts) };
    entry.shared = entry.inner.then((s) => this.shared(key, entry, s));
    this.lru.set(key, entry);
    entry.inner.catch(() => {
      if (this.lru.peek(key) === entry) this.lru.delete(key);
    });
    return entry.shared;
  }

  get size(): number {
    return this.lru.size;
  }

  /** Releases every cached session. */
  async clear(): Promise<void> {
    const entries = this.lru.keys().map((k) => this.lru.peek(k) as Entry);
    this.lru.clear();
    await Promise.all(entries.map((e) => e.released));
  }

  private shared(key: string, entry: Entry, s: Session): Session {
    return {
      backend: s.backend,
      inputNames: s.inputNames,
      outputNames: s.outputNames,
      run: (f, o) => s.run(f, o),
      runOnDevice: (f, o) => s.runOnDevice(f, o),
      // Evicts this entry (releasing the session once, however many holders call this).
      release: async () => {
        if (this.lru.peek(key) === entry) this.lru.delete(key);
        await entry.released;
      },
    };
  }
}

/** The process-wide session cache. */
export const sessionCache = new SessionCache();

/** Opens (or reuses) a cached session: `openSession('cpu', model)`. */
export const openSession = (backend: string | Backend, model: Uint8Array, opts?: SessionOptions): Promise<Session> =>
  sessionCache.open(backend, model, opts);
