/**
 * The memo of node outputs across runs. Entries are found by a node's pre-key (type, version,
 * canonical params, input keys) and are valid only while the files the node read still have
 * the hashes recorded when it ran, and the host services it used (the compute backend) still
 * have the identities they had. The interface is asynchronous so a cache may live on disk
 * or elsewhere; `MemoryCache` keeps live values in this process.
 */
import type { FileAccess } from '../plugin/context.js';
import type { ServiceUse } from '../plugin/services.js';
import type { PortKind } from '../types/port-kind.js';

export interface CacheEntry {
  /** Files read during the run and their content hashes. */
  readonly files: readonly (readonly [path: string, hash: string])[];
  /** The node's derivation key (pre-key + file hashes). */
  readonly key: string;
  /** Host services the node used, with their cache identities (e.g. `compute` → `cpu`). */
  readonly services?: ServiceUse;
  readonly outputs: Readonly<Record<string, unknown>>;
}

/** What a cache is told about the node whose entry it stores or finds. */
export interface CacheContext {
  /** The kind of each output port: its codec writes and reads the value. */
  readonly kinds: Readonly<Record<string, PortKind>>;
  /** The run's files, for codecs that re-open what a handle names. */
  readonly files: FileAccess;
}

export interface OutputCache {
  get(preKey: string, ctx: CacheContext): Promise<CacheEntry | undefined>;
  /**
   * Stores an entry. A cache may decline to keep it (a value its codec cannot write, an entry
   * over its size bound); storing never fails a run.
   */
  set(preKey: string, entry: CacheEntry, ctx: CacheContext): Promise<void>;
}

/** An in-memory cache that forgets the least recently used entries beyond `capacity`. */
export class MemoryCache implements OutputCache {
  private readonly entries = new Map<string, CacheEntry>();
  constructor(private readonly capacity = 256) {}

  async get(preKey: string): Promise<CacheEntry | undefined> {
    const e = this.entries.get(preKey);
    if (e) {
      this.entries.delete(preKey);
      this.entries.set(preKey, e);
    }
    return e;
  }

  async set(preKey: string, entry: CacheEntry): Promise<void> {
    this.entries.delete(preKey);
    this.entries.set(preKey, entry);
    while (this.entries.size > this.capacity) this.entries.delete(this.entries.keys().next().value!);
  }

  get size(): number {
    return this.entries.size;
  }
}
