import { describe, expect, it } from 'vitest';
import { image, randomTensor, tensor, unravel } from './tensors.js';

describe('tensor', () => {
  it('takes plain numbers, converting to the dtype', () => {
    const t = tensor('float32', [2, 2], [1, 2.5, 3, 4]);
    expect(t.data).toBeInstanceOf(Float32Array);
    expect(Array.from(t.data)).toEqual([1, 2.5, 3, 4]);
    expect(Array.from(tensor('uint8', [2], [1, 300]).data)).toEqual([1, 44]); // as Uint8Array stores them
    expect(Array.from(tensor('int64', [3], [1, -2, 3n]).data)).toEqual([1n, -2n, 3n]);
  });

  it('uses a typed array of the dtype as is', () => {
    const data = new Float64Array([1, 2]);
    expect(tensor('float64', [2], data).data).toBe(data);
  });

  it('calls a function with the flat index and the row-major multi-index', () => {
    const t = tensor('float32', [2, 3], (_i, [r, c]) => r! * 10 + c!);
    expect(Array.from(t.data)).toEqual([0, 1, 2, 10, 11, 12]);
    expect(Array.from(tensor('int32', [2, 2], (i) => i * i).data)).toEqual([0, 1, 4, 9]);
  });

  it('refuses data that does not fill the dims', () => {
    expect(() => tensor('float32', [2, 2], [1, 2, 3])).toThrow(/3 elements but dims \[2, 2\] need 4/);
  });

  it('unravels a flat index', () => {
    expect(unravel(0, [2, 3, 4])).toEqual([0, 0, 0]);
    expect(unravel(23, [2, 3, 4])).toEqual([1, 2, 3]);
    expect(unravel(13, [2, 3, 4])).toEqual([1, 0, 1]);
  });
});

describe('randomTensor and image', () => {
  it('draws NumPy RandomState(seed).random values scaled to [low, high)', () => {
    // np.random.RandomState(0).random_sample(2) = [0.5488135039273248, 0.7151893663724195]
    const t = randomTensor([2], { seed: 0, low: 0, high: 1, dtype: 'float64' });
    expect(Array.from(t.data)).toEqual([0.5488135039273248, 0.7151893663724195]);
    const s = randomTensor([2], { seed: 0, low: 10, high: 12, dtype: 'float64' });
    expect(s.data[0]).toBeCloseTo(10 + 2 * 0.5488135039273248, 12);
  });

  it('is reproducible by seed and differs between seeds', () => {
    expect(randomTensor([16], { seed: 3 }).data).toEqual(randomTensor([16], { seed: 3 }).data);
    expect(randomTensor([16], { seed: 3 }).data).not.toEqual(randomTensor([16], { seed: 4 }).data);
  });

  it('makes Image values: float32 [1, 3, 8, 8] in −1…1 by default', () => {
    const im = image();
    expect(im.dtype).toBe('float32');
    expect(im.dims).toEqual([1, 3, 8, 8]);
    expect(Math.min(...im.data)).toBeGreaterThanOrEqual(-1);
    expect(Math.max(...im.data)).toBeLessThan(1);
    expect(Math.min(...im.data)).toBeLessThan(-0.5); // spread over the range, not [0, 1)
    expect(image([2, 1, 4, 4], 7).dims).toEqual([2, 1, 4, 4]);
  });
});
