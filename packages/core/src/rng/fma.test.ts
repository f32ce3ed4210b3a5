/**
 * Tests for the emulated fused multiply-add: the fast double-double path must agree with
 * exact BigInt arithmetic, including on ties and cancellations where a·b + c rounded
 * twice goes wrong.
 */

import { describe, it, expect } from 'vitest';
import { fma, fmaExact, roundScaled } from './fma.js';

/** Deterministic xorshift64* stream of 32-bit words. */
function words(seed: bigint): () => number {
  let s = seed;
  return () => {
    s ^= s >> 12n;
    s ^= (s << 25n) & 0xffffffffffffffffn;
    s ^= s >> 27n;
    return Number(((s * 0x2545f4914f6cdd1dn) & 0xffffffffffffffffn) >> 32n);
  };
}

/** A random double with `bits` significant bits and an exponent in [-span, span]. */
function randomDouble(next: () => number, bits: number, span: number): number {
  const mantissa = (next() * 2 ** 21 + (next() >>> 11)) / 2 ** 53; // [0, 1), 53 bits
  const m = Math.floor((1 + mantissa) * 2 ** (bits - 1)) / 2 ** (bits - 1); // [1, 2)
  const e = (next() % (2 * span + 1)) - span;
  return (next() & 1 ? -1 : 1) * m * 2 ** e;
}

describe('fma', () => {
  it('rounds once where a·b + c rounds twice', () => {
    const a = 1 + 2 ** -52;
    const b = 1 - 2 ** -53; // a·b = 1 + 2^-53 − 2^-105, just below the midpoint of 1 and 1 + 2^-52
    expect(fma(a, b, 0)).toBe(1);
    expect(fma(a, b, 2 ** -105)).toBe(1); // exactly the midpoint: ties to even
    expect(fma(a, b, 2 ** -104)).toBe(1 + 2 ** -52); // just above it
    expect(a * b + 2 ** -104).toBe(1); // what double rounding gives
    expect(fma(0.1, 10, -1)).toBe(2 ** -54);
    expect(fma(2, 3, 4)).toBe(10);
  });

  it('gives the exact product error when c = −fl(a·b)', () => {
    const next = words(1n);
    for (let i = 0; i < 2000; i++) {
      const a = randomDouble(next, 53, 30);
      const b = randomDouble(next, 53, 30);
      expect(fma(a, b, -(a * b))).toBe(fmaExact(a, b, -(a * b)));
    }
  });

  it('agrees with exact arithmetic on random, cancelling and near-tie operands', () => {
    const next = words(20240601n);
    let checked = 0;
    for (let i = 0; i < 60000; i++) {
      const a = randomDouble(next, i % 3 === 0 ? 27 : 53, 40);
      const b = randomDouble(next, i % 5 === 0 ? 26 : 53, 40);
      let c: number;
      switch (i % 4) {
        case 0:
          c = randomDouble(next, 53, 80);
          break;
        case 1: // heavy cancellation
          c = -(a * b) * (1 + (next() % 7) * 2 ** -52);
          break;
        case 2: // lands near a rounding midpoint of the result
          c = (a * b) * 2 ** -53 * ((next() % 5) - 2) + randomDouble(next, 4, 5) * Math.abs(a * b) * 2 ** -106;
          break;
        default:
          c = randomDouble(next, 2, 60);
      }
      const got = fma(a, b, c);
      const want = fmaExact(a, b, c);
      if (!Object.is(got, want)) expect({ a, b, c, got }).toEqual({ a, b, c, got: want });
      checked++;
    }
    expect(checked).toBe(60000);
  });

  it('handles zeros, infinities, NaN, overflow and subnormals like IEEE 754 fma', () => {
    expect(fma(Infinity, 0, 1)).toBeNaN();
    expect(fma(1, 1, Infinity)).toBe(Infinity);
    expect(fma(Number.NaN, 1, 1)).toBeNaN();
    expect(fma(2 ** 1000, 2 ** 1000, -Infinity)).toBe(-Infinity);
    expect(fma(2 ** 1000, 2 ** 1000, -(2 ** 1023))).toBe(Infinity);
    expect(Object.is(fma(-0, 1, 0), 0)).toBe(true);
    expect(Object.is(fma(-0, 1, -0), -0)).toBe(true);
    expect(Object.is(fma(2, 3, -6), 0)).toBe(true);
    expect(fma(2 ** -1074, 0.5, 0)).toBe(0); // 2^-1075 ties to even: 0
    expect(fma(2 ** -1074, 1.5, 0)).toBe(2 ** -1073); // 3·2^-1075 ties to even: 2^-1073
    expect(fma(2 ** -600, 2 ** -600, 2 ** -1074)).toBe(2 ** -1074);
    expect(Object.is(fma(2 ** -537, 2 ** -537, -(2 ** -1074)), 0)).toBe(true); // exact cancellation: +0
  });
});

describe('roundScaled', () => {
  it('agrees with BigInt-to-Number conversion in the normal range', () => {
    const next = words(7n);
    for (let i = 0; i < 20000; i++) {
      const bits = 1 + (next() % 160);
      let n = 0n;
      for (let k = 0; k < bits; k += 16) n = (n << 16n) | BigInt(next() & 0xffff);
      if (n === 0n) continue;
      if (next() & 1) n = -n;
      const e = (next() % 400) - 200;
      expect(roundScaled(n, e)).toBe(Number(n) * 2 ** e);
    }
  });

  it('rounds into the subnormal range with ties to even', () => {
    expect(roundScaled(1n, -1075)).toBe(0);
    expect(roundScaled(3n, -1075)).toBe(2 ** -1073);
    expect(roundScaled(5n, -1076)).toBe(2 ** -1074);
    expect(roundScaled(-1n, -1074)).toBe(-(2 ** -1074));
    expect(roundScaled((1n << 53n) - 1n, 971)).toBe(Number.MAX_VALUE);
    expect(roundScaled((1n << 54n) - 1n, 970)).toBe(Infinity);
  });
});
