/**
 * Built ONNX models (their bytes) by content key, kept within a byte budget (see ByteLru); a
 * model larger than the whole budget is returned but not kept (so a budget of 0 keeps none).
 * Concurrent builds of one key share one promise, and a failed build is not kept.
 */
import { ByteLru } from './byte-lru.js';

export class ModelBytesCache {
  private readonly lru: ByteLru<Uint8Array>;
  private readonly building = new Map<string, Promise<Uint8Array>>();

  constructor(budget: number) {
    this.lru = new ByteLru(budget);
  }

  /** The cached model for `key`, building (and keeping) it when missing. */
  getOrBuild(key: string, build: () => Uint8Array | Promise<Uint8Array>): Promise<Uint8Array> {
    const hit = this.lru.get(key);
    if (hit) return Promise.resolve(hit);
    const pending = this.building.get(key);
    if (pending) return pending;
    const p = Promise.resolve()
      .then(build)
      .then((bytes) => {
        if (bytes.byteLength <= this.lru.budget) this.lru.set(key, bytes, bytes.byteLength);
        return bytes;
      })
      .finally(() => this.building.delete(key));
    this.building.set(key, p);
    return p;
  }

  get size(): number {
    return this.lru.size;
  }

  get bytes(): number {
    return this.lru.bytes;
  }

  clear(): void {
    this.lru.clear();
  }
}
