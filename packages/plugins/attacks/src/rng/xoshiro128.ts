/**
 * A small seeded generator of our own, the same in every JavaScript engine: xoshiro128** 1.1
 * (Blackman & Vigna) with its state filled from a 32-bit seed by splitmix32; doubles in [0, 1)
 * from 53 of its bits; standard normal samples by Marsaglia's polar method (only +, ×, √ and
 * core's glibc-exact `libmLog`, so every engine gives the same bits).
 */
import { libmLog } from '@stylegraph/core';

const rotl = (v: number, k: number): number => (v << k) | (v >>> (32 - k));

export class Xoshiro128ss {
  private s0: number;
  private s1: number;
  private s2: number;
  private s3: number;

  constructor(seed: number) {
    let state = seed >>> 0;
    const words: number[] = [];
    for (let i = 0; i < 4; i++) {
      state = (state + 0x9e3779b9) >>> 0;
      let z = state;
      z = Math.imul(z ^ (z >>> 16), 0x21f0aaad);
      z = Math.imul(z ^ (z >>> 15), 0x735a2d97);
      words.push((z ^ (z >>> 15)) >>> 0);
    }
    [this.s0, this.s1, this.s2, this.s3] = words as [number, number, number, number];
    if ((this.s0 | this.s1 | this.s2 | this.s3) === 0) this.s0 = 1; // the one state it may not be in
  }

  /** The next 32-bit output, unsigned. */
  next(): number {
    const result = Math.imul(rotl(Math.imul(this.s1, 5), 7), 9) >>> 0;
    const t = this.s1 << 9;
    this.s2 ^= this.s0;
    this.s3 ^= this.s1;
    this.s1 ^= this.s2;
    this.s0 ^= this.s3;
    this.s2 ^= t;
    this.s3 = rotl(this.s3, 11);
    return result;
  }

  /** Uniform in [0, 1): 27 bits of one output and 26 of the next. */
  uniform(): number {
    const a = this.next() >>> 5;
    const b = this.next() >>> 6;
    return (a * 67108864 + b) / 9007199254740992;
  }

  /** `n` standard normal samples: polar pairs, both of each pair used in order. */
  gaussians(n: number): Float64Array {
    const out = new Float64Array(n);
    for (let i = 0; i < n; ) {
      const u = 2 * this.uniform() - 1;
      const v = 2 * this.uniform() - 1;
      const s = u * u + v * v;
      if (s >= 1 || s === 0) continue;
      const f = Math.sqrt((-2 * libmLog(s)) / s);
      out[i++] = u * f;
      if (i < n) out[i++] = v * f;
    }
    return out;
  }
}
