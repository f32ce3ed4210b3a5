import { describe, expect, it } from 'vitest';
import type { Tensor } from '@stylegraph/core';
import { checkGradient } from './gradient.js';
import { randomTensor, tensor } from './tensors.js';

type F = Tensor<'float32' | 'float64'>;
const sumSquares = (x: F) => Array.from(x.data as ArrayLike<number>).reduce((s, v) => s + v * v, 0);
const times = (x: F, k: number) => tensor(x.dtype, x.dims, Array.from(x.data as ArrayLike<number>, (v) => k * v)) as F;

describe('checkGradient', () => {
  it('accepts the right gradient, as a tensor or a function, and returns the numeric one', async () => {
    const x = randomTensor([2, 3], { seed: 1, dtype: 'float64' });
    const r = await checkGradient(sumSquares, x, times(x, 2));
    expect(r.maxError).toBeLessThan(1e-8);
    expect(r.numeric.dims).toEqual([2, 3]);
    await expect(checkGradient(sumSquares, randomTensor([5], { seed: 2 }), (v) => times(v, 2))).resolves.toBeDefined();
  });

  it('refuses a wrong gradient, naming the worst element', async () => {
    const x = tensor('float64', [2, 2], [0.5, -1, 2, 0.25]);
    const g = times(x, 2);
    (g.data as Float64Array)[2] = 5; // the right value is 4
    await expect(checkGradient(sumSquares, x, g)).rejects.toThrow(/1 of 4 partial derivatives .*worst at \[1, 0\] \(flat 2\): analytic 5, numeric 4(\.\d+)?$/);
    await expect(checkGradient(sumSquares, x, times(x, 3))).rejects.toThrow(/4 of 4/);
  });

  it('divides by the step as stored: float32 rounds x ± eps', async () => {
    // Near 4096 float32 values are 2^-11 apart, so ±1e-3 moves by ±2^-10 ≈ 0.000977, not 0.001.
    const x = tensor('float32', [1], [4096]);
    const r = await checkGradient((v) => 3 * v.data[0]!, x, tensor('float32', [1], [3]), { rtol: 1e-4, atol: 0 });
    expect(r.numeric.data[0]).toBe(3);
  });

  it('uses the step it is given and sees the function only near x', async () => {
    const seen: number[] = [];
    const x = tensor('float64', [1], [1]);
    await checkGradient((v) => (seen.push(v.data[0]!), v.data[0]! ** 3), x, tensor('float64', [1], [3]), { eps: 0.01, atol: 1e-3 });
    expect(seen).toEqual([1.01, 0.99]);
    expect(x.data[0]).toBe(1); // x itself is not changed
  });

  it('refuses a gradient of another shape and non-float x', async () => {
    await expect(checkGradient(sumSquares, tensor('float64', [2], [1, 2]), tensor('float64', [3], [1, 2, 3]))).rejects.toThrow(/has shape \[3\], x has \[2\]/);
    await expect(checkGradient(() => 0, tensor('int32', [1], [1]) as never, tensor('int32', [1], [1]) as never)).rejects.toThrow(/float32 or float64/);
  });
});
