import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { CRC_BITS, crc16 } from './crc.js';
import { codedLength, convEncode, viterbiDecode } from './conv-code.js';
import { binomialTail } from './binomial.js';

const bitsOf = (bytes: string) => Uint8Array.from([...new TextEncoder().encode(bytes)].flatMap((b) => [7, 6, 5, 4, 3, 2, 1, 0].map((i) => (b >> i) & 1)));

describe('crc16', () => {
  it('gives the CRC-16/CCITT-FALSE check value 0x29B1 for "123456789"', () => {
    const crc = crc16(bitsOf('123456789'));
    expect(crc.length).toBe(CRC_BITS);
    expect(crc.reduce((v, b) => (v << 1) | b, 0)).toBe(0x29b1);
  });

  it('changes when any one bit of the message flips', () => {
    const msg = bitsOf('stylegraph');
    const base = crc16(msg).join('');
    for (let i = 0; i < msg.length; i++) {
      const m = msg.slice();
      m[i]! ^= 1;
      expect(crc16(m).join('')).not.toBe(base);
    }
  });
});

/** Maximum-likelihood decoding by trying every message (independent of the trellis). */
function bruteForce(soft: Float64Array, n: number): Uint8Array {
  let best = -Infinity;
  let arg = new Uint8Array(n);
  for (let m = 0; m < 1 << n; m++) {
    const msg = Uint8Array.from({ length: n }, (_, i) => (m >> (n - 1 - i)) & 1);
    const code = convEncode(msg);
    let s = 0;
    for (let i = 0; i < code.length; i++) s += (code[i] ? 1 : -1) * soft[i]!;
    if (s > best) [best, arg] = [s, msg];
  }
  return arg;
}

describe('convolutional code', () => {
  it('codes n bits into 3(n + 6) bits with the generators 133, 171, 165 (octal)', () => {
    expect(codedLength(80)).toBe(258);
    // A single 1 entering the register gives the generators' taps, newest first: 1 1 1, then per step.
    const impulse = convEncode(Uint8Array.from([1]));
    const taps = [0o133, 0o171, 0o165].map((g) => g.toString(2).padStart(7, '0'));
    const expected = Array.from({ length: 7 }, (_, t) => taps.map((g) => Number(g[t]))).flat();
    expect([...impulse]).toEqual(expected);
  });

  it('decodes what it coded, clean', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 1, maxLength: 100, max: 1 }), (msg) => {
        const soft = Float64Array.from(convEncode(msg), (b) => (b ? 1 : -1));
        expect([...viterbiDecode(soft, msg.length)]).toEqual([...msg]);
      }),
      { numRuns: 50 },
    );
  });

  it('is the maximum-likelihood decoder: agrees with trying every message on noisy soft values', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 8, maxLength: 8, max: 1 }), fc.array(fc.double({ min: -1.5, max: 1.5, noNaN: true }), { minLength: 42, maxLength: 42 }), (msg, noise) => {
        const soft = Float64Array.from(convEncode(msg), (b, i) => (b ? 1 : -1) + noise[i]!);
        expect([...viterbiDecode(soft, 8)]).toEqual([...bruteForce(soft, 8)]);
      }),
      { numRuns: 40 },
    );
  });

  it('corrects scattered hard errors (free distance 15: any 7 errors)', () => {
    const msg = bitsOf('watermark');
    const code = convEncode(msg);
    const soft = Float64Array.from(code, (b) => (b ? 1 : -1));
    for (const i of [3, 40, 77, 120, 150, 190, 222]) soft[i] = -soft[i]!;
    expect([...viterbiDecode(soft, msg.length)]).toEqual([...msg]);
  });
});

/** Exact upper tail with BigInt binomial coefficients. */
function exactTail(k: number, n: number): number {
  let c = 1n;
  let sum = 0n;
  for (let i = 0; i <= n; i++) {
    if (i >= k) sum += c;
    c = (c * BigInt(n - i)) / BigInt(i + 1);
  }
  // sum / 2ⁿ, to double precision.
  const shift = BigInt(Math.max(0, sum.toString(2).length - 60));
  return Number(sum >> shift) * 2 ** (Number(shift) - n);
}

describe('binomialTail', () => {
  it('matches exact integer arithmetic', () => {
    for (const [k, n] of [
      [0, 10],
      [5, 10],
      [10, 10],
      [140, 256],
      [180, 256],
      [250, 256],
      [700, 1000],
    ] as const) {
      const ref = exactTail(k, n);
      expect(Math.abs(binomialTail(k, n) - ref) / ref).toBeLessThan(1e-9);
    }
    expect(binomialTail(11, 10)).toBe(0);
    expect(binomialTail(6, 10)).toBeCloseTo(386 / 1024, 12);
  });
});
