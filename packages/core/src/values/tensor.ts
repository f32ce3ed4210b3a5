/**
 * Host tensors: the plain, serializable form in which tensors cross node boundaries
 * (`Z`, `WPlus`, `Image`, `Noise`, `Tensor` ports). Backends may keep device-resident
 * copies, but every value can always be brought back to this form.
 */

export type DType = 'float32' | 'float64' | 'int32' | 'int64' | 'uint8' | 'bool';

export interface DataOf {
  float32: Float32Array;
  float64: Float64Array;
  int32: Int32Array;
  int64: BigInt64Array;
  uint8: Uint8Array;
  bool: Uint8Array;
}

/** A dense row-major tensor held in host memory. */
export interface Tensor<D extends DType = DType> {
  readonly dtype: D;
  readonly dims: readonly number[];
  readonly data: DataOf[D];
}

export const sizeOf = (dims: readonly number[]): number => dims.reduce((a, b) => a * b, 1);

/** The typed array each dtype's data is. */
export const DTYPE_ARRAYS = {
  float32: Float32Array,
  float64: Float64Array,
  int32: Int32Array,
  int64: BigInt64Array,
  uint8: Uint8Array,
  bool: Uint8Array,
} as const;

/** Wraps data as a tensor, checking that its length matches the dims. */
export function tensor<D extends DType>(dtype: D, dims: readonly number[], data?: DataOf[D]): Tensor<D> {
  for (const d of dims) {
    if (!Number.isInteger(d) || d < 0) throw new RangeError(`tensor: invalid dimension ${d} in [${dims.join(', ')}]`);
  }
  const n = sizeOf(dims);
  const buf = data ?? (new DTYPE_ARRAYS[dtype](n) as DataOf[D]);
  if (buf.length !== n) {
    throw new RangeError(`tensor: ${dtype} data has ${buf.length} elements but dims [${dims.join(', ')}] need ${n}`);
  }
  return { dtype, dims: [...dims], data: buf };
}

export const isTensor = (v: unknown): v is Tensor =>
  typeof v === 'object' && v !== null && 'dtype' in v && 'dims' in v && 'data' in v && ArrayBuffer.isView((v as Tensor).data);

export const shapeString = (dims: readonly number[]): string => `[${dims.join(', ')}]`;
