import { describe, expect, it } from 'vitest';
import { ByteLru } from './byte-lru.js';

describe('ByteLru', () => {
  it('evicts the least recently used entries until the bytes fit the budget', () => {
    const evicted: string[] = [];
    const lru = new ByteLru<number>(10, (k) => evicted.push(k));
    lru.set('a', 1, 4);
    lru.set('b', 2, 4);
    expect(lru.get('a')).toBe(1); // a is now the most recent
    lru.set('c', 3, 4); // 12 > 10: b goes
    expect(evicted).toEqual(['b']);
    expect(lru.keys()).toEqual(['a', 'c']);
    expect(lru.bytes).toBe(8);
    lru.set('a', 1, 6); // same value, new size: 10 fits
    expect(evicted).toEqual(['b']);
    expect(lru.bytes).toBe(10);
  });

  it('keeps one entry larger than the budget until the next comes', () => {
    const evicted: string[] = [];
    const lru = new ByteLru<string>(5, (k) => evicted.push(k));
    lru.set('small', 's', 2);
    lru.set('big', 'B', 50);
    expect(lru.keys()).toEqual(['big']);
    expect(lru.peek('big')).toBe('B');
    lru.set('next', 'n', 1);
    expect(lru.keys()).toEqual(['next']);
    expect(evicted).toEqual(['small', 'big']);
  });

  it('reports deletes and clears to the eviction callback, and refuses bad sizes', () => {
    const evicted: string[] = [];
    const lru = new ByteLru<number>(Infinity, (k) => evicted.push(k));
    lru.set('a', 1, 1);
    lru.set('b', 2, 2);
    expect(lru.delete('a')).toBe(true);
    expect(lru.delete('a')).toBe(false);
    lru.clear();
    expect(evicted).toEqual(['a', 'b']);
    expect(lru.size).toBe(0);
    expect(lru.bytes).toBe(0);
    expect(() => new ByteLru(-1)).toThrow(RangeError);
    expect(() => lru.set('x', 1, Number.NaN)).toThrow(RangeError);
  });
});
