/**
 * Tests for libmLog: (x, log x) pairs taken from the C library NumPy calls
 * (fixtures/log.json) must be reproduced bit for bit, including the arguments where that
 * log is not correctly rounded.
 */

import { describe, it, expect } from 'vitest';
import { libmLog } from './log.js';

type Pairs = Array<[number, number]>;
interface LogFixture {
  sampler: Pairs;
  nearOne: Pairs;
  wide: Pairs;
  notCorrectlyRounded: Pairs;
}

async function loadFixture<T>(name: string): Promise<T> {
  const specifier = `./fixtures/${name}`;
  const mod = (await import(/* @vite-ignore */ specifier, { with: { type: 'json' } })) as { default: T };
  return mod.default;
}

const fixture = await loadFixture<LogFixture>('log.json');

describe('libmLog', () => {
  it.each([
    ['arguments of the Gaussian sampler', fixture.sampler, 1000],
    ['arguments near 1', fixture.nearOne, 500],
    ['arguments across the double range', fixture.wide, 500],
    ['arguments where log() is not correctly rounded', fixture.notCorrectlyRounded, 100],
  ] as const)('matches the C library on %s', (_name, pairs, atLeast) => {
    expect(pairs.length).toBeGreaterThanOrEqual(atLeast);
    const mismatches = pairs.filter(([x, y]) => !Object.is(libmLog(x), y));
    expect(mismatches.map(([x, y]) => ({ x, got: libmLog(x), want: y }))).toEqual([]);
  });

  it('handles special values', () => {
    expect(libmLog(0)).toBe(-Infinity);
    expect(libmLog(-0)).toBe(-Infinity);
    expect(libmLog(Infinity)).toBe(Infinity);
    expect(libmLog(-1)).toBeNaN();
    expect(libmLog(-Infinity)).toBeNaN();
    expect(libmLog(Number.NaN)).toBeNaN();
    expect(Object.is(libmLog(1), 0)).toBe(true);
    expect(libmLog(2)).toBe(Math.LN2);
    expect(libmLog(2 ** -1074)).toBe(-744.4400719213812);
  });
});
