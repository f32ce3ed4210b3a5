/**
 * Content signatures and a small LRU for built models. `cacheKey` hashes any JSON-like value
 * (object keys sorted, typed arrays by their bytes) with SHA-256 through WebCrypto, so the same
 * parts give the same key in Node and in browsers.
 */

type Part = unknown;

function encodeParts(value: Part, chunks: Uint8Array[]): unknown {
  if (ArrayBuffer.isView(value)) {
    chunks.push(new Uint8Array(value.buffer, value.byteOffset, value.byteLength));
    return { $bytes: chunks.length - 1, type: value.constructor.name, length: value.byteLength };
  }
  if (value instanceof ArrayBuffer) return encodeParts(new Uint8Array(value), chunks);
  if (typeof value === 'bigint') return { $bigint: value.toString() };
  if (typeof value === 'number' && !Number.isFinite(value)) return { $number: String(value) };
  if (value === undefined) return { $undefined: true };
  if (Array.isArray(value)) return value.map((v) => encodeParts(v, chunks));
  if (value instanceof Map) return { $map: [...value.entries()].map(([k, v]) => [encodeParts(k, chunks), encodeParts(v, chunks)]) };
  if (typeof value === 'object' && value !== null) {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(value).sort()) out[k] = encodeParts((value as Record<string, unknown>)[k], chunks);
    return out;
  }
  return value;
}

const hex = (buf: ArrayBuffer) => [...new Uint8Array(buf)].map((b) => b.toString(16).padStart(2, '0')).join('');

/** SHA-256 (hex) of raw bytes. */
export async function hashBytes(bytes: Uint8Array): Promise<string> {
  return hex(await globalThis.crypto.subtle.digest('SHA-256', bytes as Uint8Array<ArrayBuffer>));
}

/** A stable SHA-256 hex signature of a list of parts (strings, numbers, objects, typed arrays…). */
export async function cacheKey(parts: readonly Part[]): Promise<string> {
  const chunks: Uint8Array[] = [];
  const head = new TextEncoder().encode(JSON.stringify(encodeParts(parts, chunks)));
  const size = chunks.reduce((n, c) => n + c.byteLength, head.byteLength + 8 * chunks.length + 8);
  const all = new Uint8Array(size);
  const view = new DataView(all.buffer);
  let off = 0;
  const put = (c: Uint8Array) => {
    view.setBigUint64(off, BigInt(c.byteLength), true);
    all.set(c, off + 8);
    off += 8 + c.byteLength;
  };
  put(head);
  chunks.forEach(put);
  return hashBytes(all);
}

/** A least-recently-used map with a fixed capacity and an optional eviction callback. */
export class LruCache<V> {
  private map = new Map<string, V>();
  constructor(
    readonly capacity: number,
    private readonly onEvict?: (key: string, value: V) => void,
  ) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError(`LruCache capacity must be a positive integer, got ${capacity}`);
  }

  get size(): number {
    return this.map.size;
  }

  get(key: string): V | undefined {
    const v = this.map.get(key);
    if (v !== undefined) {
      this.map.delete(key);
      this.map.set(key, v);
    }
    return v;
  }

  /** The entry for `key` without marking it as used. */
  peek(key: string): V | undefined {
    return this.map.get(key);
  }

  set(key: string, value: V): void {
    const old = this.map.get(key);
    this.map.delete(key);
    this.map.set(key, value);
    if (old !== undefined && old !== value) this.onEvict?.(key, old);
    while (this.map.size > this.capacity) {
      const [k, v] = this.map.entries().next().value as [string, V];
      this.map.delete(k);
      this.onEvict?.(k, v);
    }
  }

  delete(key: string): boolean {
    const v = this.map.get(key);
    if (v === undefined) return false;
    this.map.delete(key);
    this.onEvict?.(key, v);
    return true;
  }

  clear(): void {
    for (const [k, v] of [...this.map]) {
      this.map.delete(k);
      this.onEvict?.(k, v);
    }
  }

  keys(): string[] {
    return [...this.map.keys()];
  }
}

/** Built models keyed by content signature; concurrent builds of one key share one promise. */
export class ModelCache {
  private lru: LruCache<Promise<Uint8Array>>;
  constructor(capacity = 16) {
    this.lru = new LruCache(capacity);
  }

  /** Returns the cached model for `key`, building (and caching) it when missing. */
  getOrBuild(key: string, build: () => Uint8Array | Promise<Uint8Array>): Promise<Uint8Array> {
    const hit = this.lru.get(key);
    if (hit) return hit;
    const p = Promise.resolve().then(build);
    this.lru.set(key, p);
    p.catch(() => {
      if (this.lru.get(key) === p) this.lru.delete(key);
    });
    return p;
  }

  get size(): number {
    return this.lru.size;
  }

  clear(): void {
    this.lru.clear();
  }
}
