/**
 * A least-recently-used map bounded by bytes: every entry has a size, and setting one evicts
 * the least recently used others until the total fits the budget. The entry just set is never
 * evicted by its own insertion, so a single entry larger than the budget stays (alone) until
 * the next one comes.
 */
export class ByteLru<V> {
  private readonly map = new Map<string, { readonly value: V; readonly bytes: number }>();
  private total = 0;

  constructor(
    readonly budget: number,
    private readonly onEvict?: (key: string, value: V) => void,
  ) {
    if (!(budget >= 0)) throw new RangeError(`ByteLru budget must be a number of bytes ≥ 0, got ${budget}`);
  }

  /** Entries held. */
  get size(): number {
    return this.map.size;
  }

  /** Bytes held, by the sizes entries were set with. */
  get bytes(): number {
    return this.total;
  }

  /** The entry for `key`, marked as most recently used. */
  get(key: string): V | undefined {
    const e = this.map.get(key);
    if (!e) return undefined;
    this.map.delete(key);
    this.map.set(key, e);
    return e.value;
  }

  /** The entry for `key` without marking it as used. */
  peek(key: string): V | undefined {
    return this.map.get(key)?.value;
  }

  set(key: string, value: V, bytes: number): void {
    if (!(bytes >= 0)) throw new RangeError(`ByteLru: size of "${key}" must be ≥ 0 bytes, got ${bytes}`);
    const old = this.map.get(key);
    if (old) {
      this.map.delete(key);
      this.total -= old.bytes;
      if (old.value !== value) this.onEvict?.(key, old.value);
    }
    this.map.set(key, { value, bytes });
    this.total += bytes;
    while (this.total > this.budget && this.map.size > 1) {
      const oldest = this.map.keys().next().value as string;
      this.delete(oldest);
    }
  }

  delete(key: string): boolean {
    const e = this.map.get(key);
    if (!e) return false;
    this.map.delete(key);
    this.total -= e.bytes;
    this.onEvict?.(key, e.value);
    return true;
  }

  clear(): void {
    for (const key of [...this.map.keys()]) this.delete(key);
  }

  keys(): string[] {
    return [...this.map.keys()];
  }
}
