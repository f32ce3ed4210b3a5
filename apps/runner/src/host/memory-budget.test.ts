import { freemem } from 'node:os';
import { describe, expect, it } from 'vitest';
import { DEFAULT_BUDGET_FRACTION, defaultMemoryBudget, parseByteSize } from './memory-budget.js';

describe('memory budget', () => {
  it.each([
    ['1073741824', 2 ** 30],
    ['512M', 512 * 2 ** 20],
    ['4G', 4 * 2 ** 30],
    ['1.5GiB', 1.5 * 2 ** 30],
    ['2048 kb', 2 * 2 ** 20],
    ['1t', 2 ** 40],
    ['100B', 100],
    ['none', Infinity],
  ])('reads %s', (text, bytes) => expect(parseByteSize(text)).toBe(bytes));

  it.each(['', '-1G', '0', '0.5', '4X', 'G', '1e9', '4 G B'])('refuses %j', (text) => expect(() => parseByteSize(text)).toThrow(/is not a memory size/));

  it('defaults to a fraction of the memory available', () => {
    expect(defaultMemoryBudget()).toBeLessThanOrEqual(freemem() * DEFAULT_BUDGET_FRACTION);
    expect(defaultMemoryBudget()).toBeGreaterThan(0);
  });
});
