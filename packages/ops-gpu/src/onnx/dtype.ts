/**
 * Element types of graph values and their ONNX `TensorProto.DataType` codes.
 * The set is the one host tensors (`Tensor` from @stylegraph/core) can carry.
 */
import type { DType } from '@stylegraph/core';

export type { DType };

/** ONNX `TensorProto.DataType` enum values for each supported element type. */
export const ONNX_DTYPE: Readonly<Record<DType, number>> = {
  float32: 1,
  uint8: 2,
  int32: 6,
  int64: 7,
  bool: 9,
  float64: 11,
};

export const FLOAT_DTYPES: readonly DType[] = ['float32', 'float64'];
export const INDEX_DTYPES: readonly DType[] = ['int32', 'int64'];

export const isFloat = (d: DType): boolean => d === 'float32' || d === 'float64';

/** Bytes per element of the raw little-endian encoding. */
export const BYTES_PER_ELEMENT: Readonly<Record<DType, number>> = {
  float32: 4,
  uint8: 1,
  int32: 4,
  int64: 8,
  bool: 1,
  float64: 8,
};
