/**
 * Key-derived pseudo-random streams. A secret key string and a purpose label go through
 * HKDF-SHA-256 (Web Crypto, so the same bytes come out in Node and browsers); the 128 derived
 * bits seed xoshiro128**, which yields the signs and permutations of the watermark's layout.
 */
import { NodeError } from '@stylegraph/core';

const SALT = new TextEncoder().encode('stylegraph-watermark/v1');

/** 16 bytes of HKDF-SHA-256(key, salt, info = label). */
export async function deriveSeed(key: string, label: string): Promise<Uint32Array> {
  const subtle = globalThis.crypto?.subtle;
  if (!subtle) {
    // Browsers give Web Crypto to secure contexts only: https, or http on localhost / 127.0.0.1.
    throw new NodeError('WATERMARK_NO_CRYPTO', 'this page has no Web Crypto (it is not a secure context: open the editor over https or on localhost), so watermark keys cannot be derived here; run the graph on the server');
  }
  const ikm = await subtle.importKey('raw', new TextEncoder().encode(key), 'HKDF', false, ['deriveBits']);
  const bits = await subtle.deriveBits({ name: 'HKDF', hash: 'SHA-256', salt: SALT, info: new TextEncoder().encode(label) }, ikm, 128);
  return new Uint32Array(bits);
}

/** xoshiro128** (Blackman & Vigna), a fast generator of 32-bit words. */
export class Xoshiro128 {
  private readonly s: Uint32Array;

  constructor(seed: Uint32Array) {
    this.s = Uint32Array.from(seed.subarray(0, 4));
    // The all-zero state is a fixed point.
    if (this.s.every((v) => v === 0)) this.s[0] = 1;
  }

  /** The next word in 0 … 2³²−1. */
  next(): number {
    const s = this.s;
    const r = Math.imul(rotl(Math.imul(s[1]!, 5), 7), 9) >>> 0;
    const t = s[1]! << 9;
    s[2]! ^= s[0]!;
    s[3]! ^= s[1]!;
    s[1]! ^= s[2]!;
    s[0]! ^= s[3]!;
    s[2]! ^= t;
    s[3] = rotl(s[3]!, 11);
    return r;
  }

  /** A uniform integer in 0 … n−1 (rejection sampling, no modulo bias). */
  below(n: number): number {
    const limit = Math.floor(0x100000000 / n) * n;
    for (;;) {
      const v = this.next();
      if (v < limit) return v % n;
    }
  }

  /** +1 or −1, each with probability ½. */
  sign(): 1 | -1 {
    return this.next() & 1 ? 1 : -1;
  }

  /** A uniformly random permutation of 0 … n−1 (Fisher–Yates). */
  permutation(n: number): Int32Array {
    const p = new Int32Array(n);
    for (let i = 0; i < n; i++) p[i] = i;
    for (let i = n - 1; i > 0; i--) {
      const j = this.below(i + 1);
      [p[i], p[j]] = [p[j]!, p[i]!];
    }
    return p;
  }
}

function rotl(x: number, k: number): number {
  return ((x << k) | (x >>> (32 - k))) >>> 0;
}

/** The generator for one key and purpose. */
export async function keyStream(key: string, label: string): Promise<Xoshiro128> {
  return new Xoshiro128(await deriveSeed(key, label));
}
