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

/** A float32 value info of static shape (no shape when `dims` is absent). */
const info = (name: string, dims?: number[]) =>
  create(ValueInfoProtoSchema, {
    name,
    ...(dims && { type: { value: { case: 'tensorType' as const, value: { elemType: 1, shape: { dim: dims.map((d) => ({ value: { case: 'dimValue' as const, value: BigInt(d) } })) } } } } }),
  });

/** ONNX model bytes (opset 17) of one graph. */
function onnxModel(graph: { node: ReturnType<typeof create<typeof NodeProtoSchema>>[]; input: ReturnType<typeof info>[]; output: ReturnType<typeof info>[]; initializer?: object[] }): Uint8Array {
  return toBinary(
    ModelProtoSchema,
    create(ModelProtoSchema, { irVersion: 8n, opsetImport: [create(OperatorSetIdProtoSchema, { version: 17n })], graph: create(GraphProtoSchema, graph as never) }),
  );
}

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
    const bytes = onnxModel({
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
    });
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

  it('a chain of the other supported ops gives what onnxruntime gives', async () => {
    const i64 = (name: string, v: number[]) => ({ name, dataType: 7, dims: [BigInt(v.length)], int64Data: v.map(BigInt) });
    const f32 = (name: string, dims: number[], v: number[]) => ({ name, dataType: 1, dims: dims.map(BigInt), floatData: v });
    const node = (opType: string, input: string[], output: string, attribute: object[] = []) => create(NodeProtoSchema, { opType, name: output, input, output: [output], attribute: attribute as never });
    const ints = (name: string, v: number[]) => ({ name, type: 7, ints: v.map(BigInt) });
    const int = (name: string, v: number) => ({ name, type: 2, i: BigInt(v) });
    const float = (name: string, v: number) => ({ name, type: 1, f: v });
    const w = Array.from({ length: 12 * 5 }, (_, i) => Math.sin(i));
    const nodes = [
      node('Reshape', ['x', 'shape'], 'r'), // [2, 12] via [0, -1]
      node('Gemm', ['r', 'w', 'bias'], 'g', [int('transB', 1), float('alpha', 0.5)]), // [2, 5]
      node('Tanh', ['g'], 't'),
      node('Sigmoid', ['t'], 's'),
      node('Exp', ['s'], 'e'),
      node('Log', ['e'], 'l'),
      node('Neg', ['l'], 'n'),
      node('Abs', ['n'], 'a'),
      node('Sqrt', ['a'], 'q'),
      node('Clip', ['q', 'lo', 'hi'], 'c'),
      node('Sub', ['c', 'bias5'], 'd'),
      node('Div', ['d', 'two'], 'v'),
      node('Unsqueeze', ['v', 'ax1'], 'u'), // [2, 1, 5]
      node('Concat', ['u', 'u'], 'cat', [int('axis', 1)]), // [2, 2, 5]
      node('Transpose', ['cat'], 'tr', [ints('perm', [2, 0, 1])]), // [5, 2, 2]
      node('ReduceMean', ['tr'], 'rm', [ints('axes', [2]), int('keepdims', 1)]), // [5, 2, 1]
      node('Squeeze', ['rm', 'ax2'], 'sq'), // [5, 2]
      node('Pow', ['sq', 'two'], 'p'),
      node('LeakyRelu', ['p'], 'y', [float('alpha', 0.1)]),
    ];
    const bytes = onnxModel({
      node: nodes,
      initializer: [i64('shape', [0, -1]), f32('w', [5, 12], w), f32('bias', [5], [0.1, -0.2, 0.3, 0, 1]), f32('lo', [], [0.2]), f32('hi', [], [0.9]), f32('bias5', [5], [1, 2, 3, 4, 5]), f32('two', [], [2]), i64('ax1', [1]), i64('ax2', [2])],
      input: [info('x', [2, 3, 4])],
      output: [info('y', [5, 2])],
    });
    const x = tensor('float32', [2, 3, 4], Float32Array.from(new RandomState(9).randn(24)));
    const cpu = nodeBackend('cpu');
    const ref = (await (await cpu.createSession(bytes)).run({ x })).y!;
    const b = new GraphBuilder();
    const { y } = importOnnx(b, bytes, { inputs: { x: b.input('v', 'float32', [2, 3, 4]) } });
    b.output('y', y!);
    const mine = (await (await cpu.createSession(b.toModel())).run({ v: x })).y!;
    expect(mine.dims).toEqual([5, 2]);
    const a = Array.from(mine.data as Float32Array);
    const r = Array.from(ref.data as Float32Array);
    a.forEach((v, i) => expect(v).toBeCloseTo(r[i]!, 5));
    expect(Math.max(...r.map(Math.abs))).toBeGreaterThan(0.01);
  });

  it('refuses unsupported ops, missing inputs and non-ONNX bytes by name', () => {
    const model = (op: string) => onnxModel({ node: [create(NodeProtoSchema, { opType: op, name: 'n0', input: ['a'], output: ['y'] })], input: [info('a')], output: [info('y')] });
    const b = new GraphBuilder();
    const a = b.input('a', 'float32', [2, 3]);
    expect(() => importOnnx(b, model('Softplus'), { inputs: { a }, label: 'm.onnx' })).toThrow(/m\.onnx: Softplus "n0": op Softplus is not supported/);
    expect(() => importOnnx(b, model('Relu'), { inputs: {}, label: 'm.onnx' })).toThrow(/graph input "a" was not given/);
    expect(importOnnx(b, model('Relu'), { inputs: { a } }).y!.shape).toEqual([2, 3]);
    expect(() => importOnnx(b, Uint8Array.of(0xff, 0xff, 0xff), { inputs: { a }, label: 'junk.onnx' })).toThrow(/junk\.onnx/);
  });
});
