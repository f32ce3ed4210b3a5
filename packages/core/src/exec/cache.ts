/**
 * The memo of node outputs across runs. Entries are found by a node's pre-key (type, version,
 * canonical params, input keys) and are valid only while the files the node read still have
 * the hashes recorded when it ran.
 */

export interface CacheEntry {
  /** Files read during the run and their content hashes. */
  readonly files: readonly (readonly [path: string, hash: string])[];
  /** The node's derivation key (pre-key + file hashes). */
  readonly key: string;
  readonly outputs: Readonly<Record<string, unknown>>;
}

export interface OutputCache {
  get(preKey: string): CacheEntry | undefined;
  set(preKey: string, entry: CacheEntry): void;
}

/** An in-memory cache that forgets the least recently used entries beyond `capacity`. */
export class MemoryCache implements OutputCache {
  private readonly entries = new Map<string, CacheEntry>();
  constructor(private readonly capacity = 256) {}

  get(preKey: string): CacheEntry | undefined {
    const e = this.entries.get(preKey);
    if (e) {
      this.entries.delete(preKey);
      this.entries.set(preKey, e);
    }
    return e;
  }

  set(preKey: string, entry: CacheEntry): void {
    this.entries.delete(preKey);
    this.entries.set(preKey, entry);
    while (this.entries.size > this.capacity) this.entries.delete(this.entries.keys().next().value!);
  }

  get size(): number {
    return this.entries.size;
  }
}
