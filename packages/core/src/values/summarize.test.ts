import { describe, expect, it } from 'vitest';
import { summarizeValue } from './summarize.js';
import { tensor } from './tensor.js';

describe('summarizeValue', () => {
  it('keeps scalars, shortens tensors and long arrays', () => {
    expect(summarizeValue({ a: 1, s: 'x', t: tensor('float32', [2, 3]) })).toEqual({ a: 1, s: 'x', t: { tensor: { dtype: 'float32', dims: [2, 3] } } });
    expect(summarizeValue(Array.from({ length: 65 }, () => 0))).toEqual({ array: { length: 65 } });
  });

  it('gives a generator as its id and the layout it carries, never its weights', () => {
    const layout = { numWs: 4, groups: [{ name: 'coarse', px: { max: 8 }, indices: { ws: [0, 1, 2, 3] } }] };
    const weights = new Float32Array(1000);
    expect(summarizeValue({ kind: 'generator', id: 'abc', model: { weights }, layout })).toEqual({ generator: 'abc', layout });
    expect(summarizeValue({ kind: 'generator', id: 'abc', model: { weights } })).toEqual({ generator: 'abc' });
  });
});
