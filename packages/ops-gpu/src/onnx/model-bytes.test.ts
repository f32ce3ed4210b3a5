import { create, equals, fromBinary, toBinary } from '@bufbuild/protobuf';
import { GraphProtoSchema, ModelProtoSchema, NodeProtoSchema, TensorProtoSchema } from 'onnx-buf';
import { describe, expect, it } from 'vitest';
import { modelBytes } from './model-bytes.js';

describe('modelBytes', () => {
  it('reads back as the model the protobuf writer would write, leaving its tensors as they were', () => {
    const big = new Uint8Array(70_000).map((_, i) => i % 251); // a length that needs a 3-byte varint
    const initializers = [
      create(TensorProtoSchema, { name: 'w', dims: [70_000n], dataType: 2, rawData: big }),
      create(TensorProtoSchema, { name: 'c', dims: [2n], dataType: 1, floatData: [1.5, -2] }),
      create(TensorProtoSchema, { name: 'e', dims: [0n], dataType: 1, rawData: new Uint8Array(0) }),
    ];
    const graph = create(GraphProtoSchema, { name: 'g', node: [create(NodeProtoSchema, { opType: 'Identity', input: ['w'], output: ['y'] })] });
    const model = create(ModelProtoSchema, { irVersion: 8n, producerName: 'test' });
    const bytes = modelBytes(model, graph, initializers);
    const reference = toBinary(ModelProtoSchema, create(ModelProtoSchema, { irVersion: 8n, producerName: 'test', graph: { ...graph, initializer: initializers } }));
    expect(bytes.byteLength).toBe(reference.byteLength);
    expect(equals(ModelProtoSchema, fromBinary(ModelProtoSchema, bytes), fromBinary(ModelProtoSchema, reference))).toBe(true);
    expect(initializers[0]!.rawData).toBe(big);
    expect(initializers[2]!.rawData.byteLength).toBe(0);
  });
});
