/**
 * Building test tensors in one line: from plain numbers (`tensor('float32', [2, 2], [1, 2, 3, 4])`),
 * from a function of the element's index, or seeded random ones (NumPy-exact `RandomState`).
 */
import { DTYPE_ARRAYS, RandomState, sizeOf, tensor as coreTensor, type DType, type DataOf, type Tensor } from '@stylegraph/core';

/** Element values: a typed array, plain numbers (bigints for int64 too), or a function of the flat index and the multi-index. */
export type TensorData<D extends DType> = DataOf[D] | ArrayLike<number | bigint> | ((flat: number, index: readonly number[]) => number);

/** The multi-index `[i0, i1, …]` of flat position `flat` in a row-major tensor of `dims`. */
export function unravel(flat: number, dims: readonly number[]): number[] {
  const index = new Array<number>(dims.length).fill(0);
  for (let a = dims.length - 1, rest = flat; a >= 0; a--) {
    const d = dims[a]!;
    index[a] = d === 0 ? 0 : rest % d;
    rest = d === 0 ? 0 : Math.floor(rest / d);
  }
  return index;
}

/**
 * A tensor of `dtype` and `dims`. `data` may be a typed array of the dtype (used as is), plain
 * numbers (converted; bigints or numbers for int64), a function of the index, or omitted (zeros).
 * Throws when the element count does not match the dims.
 */
export function tensor<D extends DType>(dtype: D, dims: readonly number[], data?: TensorData<D>): Tensor<D> {
  const Array_ = DTYPE_ARRAYS[dtype];
  if (data === undefined || data instanceof Array_) return coreTensor(dtype, dims, data as DataOf[D] | undefined);
  const n = sizeOf(dims);
  const out = new Array_(typeof data === 'function' ? n : data.length) as DataOf[D];
  const put = (i: number, v: number | bigint) => {
    if (dtype === 'int64') (out as BigInt64Array)[i] = typeof v === 'bigint' ? v : BigInt(Math.trunc(v));
    else (out as Float32Array)[i] = Number(v);
  };
  if (typeof data === 'function') for (let i = 0; i < n; i++) put(i, data(i, unravel(i, dims)));
  else for (let i = 0; i < data.length; i++) put(i, data[i]!);
  return coreTensor(dtype, dims, out);
}

/** Seeded uniform values in [low, high) (default −1…1, the range of Image values), NumPy-exact for a seed. */
export function randomTensor<D extends 'float32' | 'float64' = 'float32'>(
  dims: readonly number[],
  opts: { seed?: number; low?: number; high?: number; dtype?: D } = {},
): Tensor<D> {
  const { seed = 0, low = -1, high = 1 } = opts;
  const u = new RandomState(seed).random(sizeOf(dims));
  return tensor((opts.dtype ?? 'float32') as D, dims, (i) => low + (high - low) * u[i]!);
}

/** A seeded Image value: float32 [B, C, H, W] in −1…1 (default [1, 3, 8, 8]). */
export function image(dims: readonly [number, number, number, number] = [1, 3, 8, 8], seed = 0): Tensor<'float32'> {
  return randomTensor(dims, { seed });
}
