import { describe, expect, it } from 'vitest';
import { describeJson, topLevelKeys } from './header-json.js';

describe('topLevelKeys', () => {
  it('lists the top-level keys in order, duplicates kept, nested keys and string values ignored', () => {
    const text = '{ "a" : {"b": 1, "c": ["d", {"e": 2}]}, "f\\"g": "h: i", "a":[], "\\u0077"\n:\t"x", "z": "{\\"y\\": 1}" }';
    expect(topLevelKeys(text)).toEqual(['a', 'f"g', 'a', 'w', 'z']);
    expect(topLevelKeys('{}')).toEqual([]);
    expect(topLevelKeys('[{"a": 1}]')).toEqual([]);
  });

  it('stops at the end of text with an unterminated string instead of looping', () => {
    expect(topLevelKeys('{"a": "b')).toEqual(['a']);
  });
});

describe('describeJson', () => {
  it('shows scalars and short flat lists as JSON, summarizes everything else', () => {
    expect(describeJson('F32')).toBe('"F32"');
    expect(describeJson(undefined)).toBe('undefined');
    expect(describeJson(null)).toBe('null');
    expect(describeJson([2, -3, 1.5])).toBe('[2, -3, 1.5]');
    expect(describeJson(['2', true])).toBe('["2", true]');
    expect(describeJson([1, 2, 3, 4, 5, 6, 7, 8, 9])).toBe('a list of 9 items');
    expect(describeJson([[1]])).toBe('a list of 1 items');
    expect(describeJson({ a: 1 })).toBe('an object');
    expect(describeJson('x'.repeat(100))).toBe(`"${'x'.repeat(60)}…"`);
  });
});
