/**
 * Host tensors as ONNX TensorProtos (raw little-endian bytes, no copy when the data owns a
 * plain ArrayBuffer), and small constant tensors (scalars, int64 vectors).
 */
import { create } from '@bufbuild/protobuf';
import { tensor, type Tensor } from '@stylegraph/core';
import { TensorProtoSchema, type TensorProto } from 'onnx-buf';
import type { DType } from './dtype.js';
import { ONNX_DTYPE } from './dtype.js';

/** A rank-0 tensor holding one value. */
export function scalarTensor(value: number, dtype: DType): Tensor {
  switch (dtype) {
    case 'float32':
      return tensor(dtype, [], Float32Array.of(value));
    case 'float64':
      return tensor(dtype, [], Float64Array.of(value));
    case 'int32':
      return tensor(dtype, [], Int32Array.of(value));
    case 'int64':
      return tensor(dtype, [], BigInt64Array.of(BigInt(value)));
    case 'uint8':
    case 'bool':
      return tensor(dtype, [], Uint8Array.of(value));
  }
}

/** A 1-D int64 tensor. */
export const int64Tensor = (values: readonly number[]): Tensor<'int64'> =>
  tensor('int64', [values.length], BigInt64Array.from(values, (v) => BigInt(v)));

function rawBytes(data: ArrayBufferView): Uint8Array<ArrayBuffer> {
  if (data.buffer instanceof ArrayBuffer) return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  const copy = new Uint8Array(data.byteLength);
  copy.set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
  return copy;
}

/** Encodes a host tensor as a named TensorProto. */
export function tensorToProto(name: string, t: Tensor): TensorProto {
  return create(TensorProtoSchema, {
    name,
    dims: t.dims.map((d) => BigInt(d)),
    dataType: ONNX_DTYPE[t.dtype],
    rawData: rawBytes(t.data),
  });
}
