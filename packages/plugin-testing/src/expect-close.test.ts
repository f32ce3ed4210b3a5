import { describe, expect, it } from 'vitest';
import { tensor } from './tensors.js';
import { CheckFailed, compareClose, expectClose } from './expect-close.js';

const t = (dims: number[], data: number[]) => tensor('float32', dims, data);

describe('expectClose', () => {
  it('passes within atol + rtol · |expected|', () => {
    expect(() => expectClose([1, 2], [1 + 5e-7, 2], { atol: 1e-6, rtol: 0 })).not.toThrow();
    expect(() => expectClose([100.5], [100], { atol: 0, rtol: 0.01 })).not.toThrow(); // 0.5 ≤ 0.01 · 100
    expect(() => expectClose(3, 3)).not.toThrow();
  });

  it('fails beyond it, on the absolute and on the relative part', () => {
    expect(() => expectClose([1, 2], [1 + 2e-6, 2], { atol: 1e-6, rtol: 0 })).toThrow(CheckFailed);
    expect(() => expectClose([101.5], [100], { atol: 0, rtol: 0.01 })).toThrow(/worst at \[0\]/);
    // rtol scales with |expected|, not |actual|: 0 vs 1 with rtol 1 is close, 1 vs 0 is not.
    expect(() => expectClose([0], [1], { atol: 0, rtol: 1 })).not.toThrow();
    expect(() => expectClose([1], [0], { atol: 0, rtol: 1 })).toThrow();
  });

  it('names the worst element by its multi-index, and counts the others', () => {
    const want = t([2, 2, 3], new Array(12).fill(0));
    const got = t([2, 2, 3], [0, 0.1, 0, 0, 0, 0, 0, 0, 0, 0, 0.5, 0]);
    expect(() => expectClose(got, want, { atol: 0.01 })).toThrow('2 of 12 elements differ by more than atol 0.01 + rtol 0.00001 · |expected|; worst at [1, 1, 1] (flat 10): actual 0.5, expected 0');
    const m = compareClose(got, want, { atol: 0.01 })!;
    expect(m).toMatchObject({ flat: 10, index: [1, 1, 1], count: 2, total: 12 });
  });

  it('treats NaN as equal to NaN only, and infinities as equal to themselves', () => {
    expect(() => expectClose([NaN, Infinity], [NaN, Infinity])).not.toThrow();
    expect(() => expectClose([NaN], [0], { atol: 1 })).toThrow(/actual NaN, expected 0/);
    expect(() => expectClose([0], [NaN], { atol: 1 })).toThrow();
    expect(() => expectClose([Infinity], [-Infinity])).toThrow();
  });

  it('refuses different shapes and dtypes before comparing values', () => {
    expect(() => expectClose(t([2, 2], [1, 2, 3, 4]), t([4], [1, 2, 3, 4]))).toThrow('expectClose: shape [2, 2] of the actual value differs from the expected [4]');
    expect(() => expectClose([1, 2, 3], [1, 2])).toThrow(/shape \[3\]/);
    expect(() => expectClose(tensor('float64', [1], [1]), t([1], [1]))).toThrow(/dtype float64 differs from the expected float32/);
  });

  it('compares a tensor with plain numbers in row-major order, naming the tensor’s index', () => {
    const got = t([2, 2], [1, 2, 3, 4.5]);
    expect(() => expectClose(got, [1, 2, 3, 4.5])).not.toThrow();
    expect(() => expectClose([1, 2, 3, 4], got)).toThrow(/worst at \[1, 1\] \(flat 3\): actual 4, expected 4\.5/);
    expect(() => expectClose(got, [1, 2, 3])).toThrow('expectClose: shape [2, 2] of the actual value differs from the expected [3]');
  });

  it('compares int64 data as numbers', () => {
    expect(() => expectClose(tensor('int64', [2], [1n, 2n]), tensor('int64', [2], [1n, 2n]), { atol: 0, rtol: 0 })).not.toThrow();
    expect(() => expectClose(tensor('int64', [2], [1n, 3n]), tensor('int64', [2], [1n, 2n]), { atol: 0, rtol: 0 })).toThrow(/worst at \[1\]/);
  });
});
