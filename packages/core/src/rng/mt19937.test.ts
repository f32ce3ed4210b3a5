/** Tests for MT19937: the reference outputs of the generator and its seed checks. */

import { describe, it, expect } from 'vitest';
import { MT19937, isValidSeed } from './mt19937.js';

describe('MT19937', () => {
  it('produces the reference outputs for seed 5489', () => {
    const mt = new MT19937(5489);
    expect([1, 2, 3, 4, 5].map(() => mt.nextUint32())).toEqual([
      3499211612, 581869302, 3890346734, 3586334585, 545404204,
    ]);
    const again = new MT19937(5489);
    let last = 0;
    for (let i = 0; i < 10000; i++) last = again.nextUint32();
    expect(last).toBe(4123659995);
  });

  it('builds doubles from 27 + 26 bits of two words', () => {
    const words = new MT19937(42);
    const doubles = new MT19937(42);
    for (let i = 0; i < 1000; i++) {
      const a = words.nextUint32() >>> 5;
      const b = words.nextUint32() >>> 6;
      const d = doubles.nextDouble();
      expect(d).toBe((a * 2 ** 26 + b) / 2 ** 53);
      expect(d >= 0 && d < 1).toBe(true);
    }
  });

  it('gives unsigned words across the whole 32-bit range', () => {
    const mt = new MT19937(4294967295);
    let min = Infinity;
    let max = -Infinity;
    for (let i = 0; i < 5000; i++) {
      const w = mt.nextUint32();
      expect(Number.isInteger(w)).toBe(true);
      min = Math.min(min, w);
      max = Math.max(max, w);
    }
    expect(min).toBeGreaterThanOrEqual(0);
    expect(max).toBeLessThanOrEqual(0xffffffff);
    expect(max).toBeGreaterThan(2 ** 31);
  });

  it('validates seeds', () => {
    expect(isValidSeed(0)).toBe(true);
    expect(isValidSeed(4294967295)).toBe(true);
    for (const bad of [-1, 2 ** 32, 0.5, Number.NaN, '1', null]) expect(isValidSeed(bad)).toBe(false);
    expect(() => new MT19937(-1)).toThrow(/seed -1/);
    expect(() => new MT19937(2 ** 32)).toThrow(RangeError);
  });
});
