import { describe, expect, it } from 'vitest';
import { MAX_PAYLOAD_BITS, PAYLOAD_UNITS, SEARCH_UNITS, TEST_UNITS, UNITS, ZERO_BIT_SEARCH_UNITS, codeWord, makeLayout, tileValues } from './layout.js';

describe('the keyed layout', () => {
  it('gives every unit exactly one role, the payload spread evenly over the coded bits', async () => {
    const l = await makeLayout('k', 64);
    expect(l.codedBits).toBe(258);
    const roles = new Int32Array(UNITS);
    for (const u of l.search) roles[u]! += 1;
    for (const u of l.test) roles[u]! += 1;
    for (let u = 0; u < UNITS; u++) if (l.bitOf[u]! >= 0) roles[u]! += 1;
    expect([...roles].every((r) => r === 1)).toBe(true);
    expect([l.search.length, l.test.length]).toEqual([SEARCH_UNITS, TEST_UNITS]);
    const perBit = new Int32Array(l.codedBits);
    for (let u = 0; u < UNITS; u++) if (l.bitOf[u]! >= 0) perBit[l.bitOf[u]!]! += 1;
    expect(Math.min(...perBit)).toBe(Math.floor(PAYLOAD_UNITS / 258));
    expect(Math.max(...perBit)).toBe(Math.ceil(PAYLOAD_UNITS / 258));
  });

  it('a zero-bit layout tests with every unit that does not search', async () => {
    const l = await makeLayout('k', 0);
    expect(l.search.length).toBe(ZERO_BIT_SEARCH_UNITS);
    expect(l.test.length).toBe(UNITS - ZERO_BIT_SEARCH_UNITS);
    expect(l.codedBits).toBe(0);
  });

  it('depends on the key, and only on it', async () => {
    const [a, a2, b] = await Promise.all([makeLayout('key A', 64), makeLayout('key A', 64), makeLayout('key B', 64)]);
    expect([...a.sign]).toEqual([...a2.sign]);
    expect([...a.search]).toEqual([...a2.search]);
    // Another key's signs agree on about half the units.
    const same = a.sign.reduce((n, s, i) => n + (s === b.sign[i] ? 1 : 0), 0);
    expect(Math.abs(same - UNITS / 2)).toBeLessThan(4 * Math.sqrt(UNITS / 4));
  });

  it('carries the coded word on the payload units and the sign elsewhere', async () => {
    const l = await makeLayout('k', 8);
    const word = codeWord(Uint8Array.from([1, 0, 1, 1, 0, 0, 1, 0]));
    const v = tileValues(l, word);
    for (let u = 0; u < UNITS; u++) {
      const b = l.bitOf[u]!;
      expect(v[u]).toBe(b < 0 ? l.sign[u] : l.sign[u]! * (word[b] ? 1 : -1));
    }
  });

  it('refuses payloads beyond the capacity, negative or fractional ones', async () => {
    await expect(makeLayout('k', MAX_PAYLOAD_BITS + 1)).rejects.toThrow(/does not fit/);
    await expect(makeLayout('k', -1)).rejects.toThrow(/does not fit/);
    await expect(makeLayout('k', 1.5)).rejects.toThrow(/does not fit/);
    expect((await makeLayout('k', MAX_PAYLOAD_BITS)).codedBits).toBeLessThanOrEqual(PAYLOAD_UNITS);
  });

  it('stays the same across versions: marks made earlier must still decode', async () => {
    // Values of the v1 derivation (HKDF label "layout", this permutation and sign order). A
    // change here is a format change: marks in the wild would no longer decode.
    const l = await makeLayout('compatibility key', 64);
    expect([...l.sign.slice(0, 16)]).toEqual([-1, 1, 1, -1, -1, -1, -1, 1, -1, 1, -1, -1, -1, 1, 1, -1]);
    expect([...l.search.slice(0, 8)]).toEqual([847, 505, 586, 958, 356, 211, 432, 880]);
    expect([...l.test.slice(0, 8)]).toEqual([470, 349, 1003, 101, 180, 165, 220, 957]);
    expect([...l.bitOf.slice(0, 16)]).toEqual([-1, 57, 11, 75, -1, 34, -1, -1, 169, 91, -1, -1, 230, -1, 126, -1]);
  });
});
