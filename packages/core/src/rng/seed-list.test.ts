/** Tests for parsing and formatting seed lists such as `0-7,42,6600`. */

import { describe, it, expect } from 'vitest';
import { MAX_SEED_LIST_LENGTH, formatSeedList, parseSeedList } from './seed-list.js';

/** The message of the Error that `f` throws (fails the test if it does not throw one). */
function errorOf(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(Error);
    const message = (e as Error).message;
    expect(message).not.toMatch(/\n/);
    return message;
  }
  throw new Error('expected an error');
}

describe('parseSeedList', () => {
  it('expands inclusive ranges and single seeds in order', () => {
    expect(parseSeedList('0-7,42,6600')).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 42, 6600]);
    expect(parseSeedList('5')).toEqual([5]);
    expect(parseSeedList('5-5')).toEqual([5]);
    expect(parseSeedList('9,3,3')).toEqual([9, 3, 3]);
    expect(parseSeedList('4294967293-4294967295')).toEqual([4294967293, 4294967294, 4294967295]);
    expect(parseSeedList('007')).toEqual([7]);
  });

  it('allows whitespace around entries and dashes', () => {
    expect(parseSeedList('  1 , 3 - 5 ,\n9\t')).toEqual([1, 3, 4, 5, 9]);
  });

  it(`accepts up to ${MAX_SEED_LIST_LENGTH} seeds`, () => {
    expect(parseSeedList(`0-${MAX_SEED_LIST_LENGTH - 1}`)).toHaveLength(MAX_SEED_LIST_LENGTH);
    expect(errorOf(() => parseSeedList(`0-${MAX_SEED_LIST_LENGTH}`))).toMatch(/"0-100000".*100000/);
    expect(errorOf(() => parseSeedList('0-99990,5-20'))).toMatch(/"5-20"/);
    expect(errorOf(() => parseSeedList('0-4294967295'))).toMatch(/"0-4294967295"/);
  });

  it('names the offending entry in a one-line error', () => {
    expect(errorOf(() => parseSeedList(''))).toMatch(/empty/);
    expect(errorOf(() => parseSeedList('   '))).toMatch(/empty/);
    expect(errorOf(() => parseSeedList('1,,2'))).toMatch(/entry 2 is empty/);
    expect(errorOf(() => parseSeedList('1,2,'))).toMatch(/entry 3 is empty/);
    expect(errorOf(() => parseSeedList('1,abc'))).toMatch(/"abc"/);
    expect(errorOf(() => parseSeedList('-5'))).toMatch(/"-5"/);
    expect(errorOf(() => parseSeedList('1.5'))).toMatch(/"1\.5"/);
    expect(errorOf(() => parseSeedList('1e3'))).toMatch(/"1e3"/);
    expect(errorOf(() => parseSeedList('0x10'))).toMatch(/"0x10"/);
    expect(errorOf(() => parseSeedList('1 2'))).toMatch(/"1 2"/);
    expect(errorOf(() => parseSeedList('1-2-3'))).toMatch(/"1-2-3"/);
    expect(errorOf(() => parseSeedList('7-3'))).toMatch(/"7-3" ends before it starts/);
    expect(errorOf(() => parseSeedList('4294967296'))).toMatch(/"4294967296".*4294967295/);
    expect(errorOf(() => parseSeedList('1-4294967296'))).toMatch(/"1-4294967296"/);
    expect(errorOf(() => parseSeedList('1,2\n-\n'))).toMatch(/"2 -"/);
  });
});

describe('formatSeedList', () => {
  it('writes runs of three or more as ranges', () => {
    expect(formatSeedList([0, 1, 2, 3, 4, 5, 6, 7, 42, 6600])).toBe('0-7,42,6600');
    expect(formatSeedList([])).toBe('');
    expect(formatSeedList([1, 2])).toBe('1,2');
    expect(formatSeedList([5, 4, 3])).toBe('5,4,3');
    expect(formatSeedList([1, 2, 3, 3, 4, 5])).toBe('1-3,3-5');
    expect(formatSeedList([4294967294, 4294967295])).toBe('4294967294,4294967295');
  });

  it('round-trips through parseSeedList', () => {
    for (const text of ['0-7,42,6600', '3', '9,8,7', '1,2,4-9,11', '0-99999']) {
      const seeds = parseSeedList(text);
      expect(parseSeedList(formatSeedList(seeds))).toEqual(seeds);
    }
  });

  it('rejects values that are not seeds', () => {
    expect(errorOf(() => formatSeedList([1, -1]))).toMatch(/-1/);
    expect(errorOf(() => formatSeedList([1.5]))).toMatch(/1\.5/);
    expect(errorOf(() => formatSeedList([2 ** 32]))).toMatch(/4294967296/);
  });
});
