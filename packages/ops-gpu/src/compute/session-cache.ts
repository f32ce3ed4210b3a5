/**
 * Open sessions shared by key (a compute keys them by model, backend and options), kept
 * within a byte budget (see ByteLru). A session is evicted as a whole; its release waits
 * until no run on it is in flight, so a run that started never loses its session. Concurrent
 * opens of one key share one session.
 */
import type { Session } from '../backend/types.js';
import { ByteLru } from './byte-lru.js';

/** A new session and the bytes it counts for in the budget. */
export interface OpenedSession {
  readonly session: Session;
  readonly bytes: number;
}

class Entry {
  private running = 0;
  private idle?: () => void;
  /** Set once the entry is evicted: settles when the session has been released. */
  released?: Promise<void>;
  readonly shared: Session;

  constructor(
    readonly session: Session,
    evict: (e: Entry) => void,
  ) {
    const s = session;
    this.shared = {
      backend: s.backend,
      inputNames: s.inputNames,
      outputNames: s.outputNames,
      run: (f, o) => this.track(() => s.run(f, o)),
      runOnDevice: (f, o) => this.track(() => s.runOnDevice(f, o)),
      // Evicts this entry for every holder; the session is released once, when idle.
      release: async () => {
        evict(this);
        await this.released;
      },
    };
  }

  private async track<T>(run: () => Promise<T>): Promise<T> {
    this.running++;
    try {
      return await run();
    } finally {
      if (--this.running === 0) this.idle?.();
    }
  }

  /** Releases the session as soon as no run is in flight (once). */
  retire(): void {
    this.released ??= new Promise<void>((idle) => {
      this.idle = idle;
      if (this.running === 0) idle();
    })
      .then(() => this.session.release())
      .catch(() => undefined);
  }
}

export class SessionCache {
  private readonly lru: ByteLru<Entry>;
  private readonly opening = new Map<string, Promise<Session>>();

  constructor(budget: number) {
    this.lru = new ByteLru(budget, (_k, e) => e.retire());
  }

  /** The shared session for `key`, opened with `open` when none is cached. */
  open(key: string, open: () => Promise<OpenedSession>): Promise<Session> {
    const hit = this.lru.get(key);
    if (hit) return Promise.resolve(hit.shared);
    const pending = this.opening.get(key);
    if (pending) return pending;
    const p = open()
      .then(({ session, bytes }) => {
        const entry = new Entry(session, (e) => {
          if (this.lru.peek(key) === e) this.lru.delete(key);
          else e.retire();
        });
        this.lru.set(key, entry, bytes);
        return entry.shared;
      })
      .finally(() => this.opening.delete(key));
    this.opening.set(key, p);
    return p;
  }

  /** Sessions held. */
  get size(): number {
    return this.lru.size;
  }

  /** Bytes held, by the sizes sessions were opened with. */
  get bytes(): number {
    return this.lru.bytes;
  }

  /** Releases every cached session (each once its runs are done). */
  async clear(): Promise<void> {
    const entries = this.lru.keys().map((k) => this.lru.peek(k) as Entry);
    this.lru.clear();
    await Promise.all(entries.map((e) => e.released));
  }
}
