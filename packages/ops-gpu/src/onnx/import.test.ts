/**
 * The ONNX importer against onnxruntime running the original file: the bundled face-features
 * network (Conv, Relu, Flatten, Gemm, Constant, …) imported into a new graph must give the same
 * `features` as the .onnx itself; its gradient agrees with finite differences; unsupported ops
 * and missing inputs are refused by name.
 */
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { RandomState, tensor, type Tensor } from '@stylegraph/core';
import { create, toBinary } from '@bufbuild/protobuf';
import { GraphProtoSchema, ModelProtoSchema, NodeProtoSchema, OperatorSetIdProtoSchema, ValueInfoProtoSchema } from 'onnx-buf';
import { nodeBackend } from '../backend/node.js';
import { checkGradients } from '../grad/check.js';
import { GraphBuilder } from './builder.js';
import { importOnnx } from './import.js';

const ffPath = fileURLToPath(new URL('../../../../models/metrics/face-features.onnx', import.meta.url));

function image(n: number, seed: number): Tensor<'float32'> {
  const r = new RandomState(seed).randn(n * 3 * 64 * 64);
  return tensor('float32', [n, 3, 64, 64], Float32Array.from(r, (v) => Math.tanh(v)));
}

describe('importOnnx', () => {
  it('face-features imported into a graph gives the same features as the .onnx file', async () => {
    // A Node Buffer, as readFile gives: its tensors' bytes are views into a shared pool.
    const bytes = await readFile(ffPath);
    const b = new GraphBuilder();
    const x = b.input('x', 'float32', ['B', 3, 64, 64]);
    const { features } = importOnnx(b, bytes, { inputs: { image: x }, outputs: ['features'], label: 'face-features.onnx' });
    b.output('f', features!);
    expect(features!.shape).toEqual(['B', 256]);
    const cpu = nodeBackend('cpu');
    const img = image(2, 7);
    const mine = (await (await cpu.createSession(b.toModel())).run({ x: img })).f!;
    const ref = (await (await cpu.createSession(bytes)).run({ image: img })).features!;
    let err = 0;
    let scale = 0;
    for (let i = 0; i < ref.data.length; i++) {
      err = Math.max(err, Math.abs(Number(mine.data[i]) - Number(ref.data[i])));
      scale = Math.max(scale, Math.abs(Number(ref.data[i])));
    }
    expect(scale).toBeGreaterThan(0.1);
    expect(err / scale).toBeLessThan(1e-5);
  });

  it('an imported network is differentiable: d Σ features² / d image agrees with finite differences', async () => {
    const bytes = new Uint8Array(await readFile(ffPath));
    const b = new GraphBuilder();
    const x = b.input('x', 'float32', [1, 3, 64, 64]);
    const { features } = importOnnx(b, bytes, { inputs: { image: x }, outputs: ['features'] });
    const loss = b.reduceSum(b.mul(features!, features!), undefined, false);
    const [r] = await checkGradients(b, loss, ['x'], { x: image(1, 3) }, nodeBackend('cpu'), { eps: 1e-2, maxElements: 16 });
    expect(r!.checked).toBeGreaterThan(8);
    expect(r!.relError).toBeLessThan(2e-2);
  });

  it('MaxPool (2×2, stride 2, as in VGG) gives what onnxruntime gives, and differentiates', async () => {
    const info = (name: string, dims: number[]) =>
      create(ValueInfoProtoSchema, {
        name,
        type: { value: { case: 'tensorType' as const, value: { elemType: 1, shape: { dim: dims.map((d) => ({ value: { case: 'dimValue' as const, value: BigInt(d) } })) } } } },
      });
    const bytes = toBinary(
      ModelProtoSchema,
      create(ModelProtoSchema, {
        irVersion: 8n,
        opsetImport: [create(OperatorSetIdProtoSchema, { version: 17n })],
        graph: create(GraphProtoSchema, {
          node: [
            create(NodeProtoSchema, {
              opType: 'MaxPool',
              name: 'pool',
              input: ['x'],
              output: ['y'],
              attribute: [
                { name: 'kernel_shape', type: 7, ints: [2n, 2n] },
                { name: 'strides', type: 7, ints: [2n, 2n] },
              ],
            }),
          ],
          input: [info('x', [1, 2, 7, 6])],
          output: [info('y', [1, 2, 3, 3])],
        }),
      }),
    );
    const x = tensor('float32', [1, 2, 7, 6], Float32Array.from(new RandomState(2).randn(84)));
    const cpu = nodeBackend('cpu');
    const ref = (await (await cpu.createSession(bytes)).run({ x })).y!;
    const b = new GraphBuilder();
    const v = b.input('v', 'float32', [1, 2, 7, 6]);
    const { y } = importOnnx(b, bytes, { inputs: { x: v } });
    b.output('y', y!);
    const mine = (await (await cpu.createSession(b.toModel())).run({ v: x })).y!;
    expect(mine.dims).toEqual([1, 2, 3, 3]);
    expect(Array.from(mine.data as Float32Array)).toEqual(Array.from(ref.data as Float32Array));
    const loss = b.reduceSum(b.mul(y!, y!), undefined, false);
    const [r] = await checkGradients(b, loss, ['v'], { v: x }, cpu, { eps: 1e-3 });
    expect(r!.relError).toBeLessThan(1e-2);
  });

  it('refuses unsupported ops, missing inputs and non-ONNX bytes by name', () => {
    const model = (op: string) =>
      toBinary(
        ModelProtoSchema,
        create(ModelProtoSchema, {
          irVersion: 8n,
          opsetImport: [create(OperatorSetIdProtoSchema, { version: 17n })],
          graph: create(GraphProtoSchema, {
            node: [create(NodeProtoSchema, { opType: op, name: 'n0', input: ['a'], output: ['y'] })],
            input: [create(ValueInfoProtoSchema, { name: 'a' })],
            output: [create(ValueInfoProtoSchema, { name: 'y' })],
          }),
        }),
      );
    const b = new GraphBuilder();
    const a = b.input('a', 'float32', [2, 3]);
    expect(() => importOnnx(b, model('Softplus'), { inputs: { a }, label: 'm.onnx' })).toThrow(/m\.onnx: Softplus "n0": op Softplus is not supported/);
    expect(() => importOnnx(b, model('Relu'), { inputs: {}, label: 'm.onnx' })).toThrow(/graph input "a" was not given/);
    expect(importOnnx(b, model('Relu'), { inputs: { a } }).y!.shape).toEqual([2, 3]);
    expect(() => importOnnx(b, Uint8Array.of(0xff, 0xff, 0xff), { inputs: { a }, label: 'junk.onnx' })).toThrow(/junk\.onnx/);
  });
});
