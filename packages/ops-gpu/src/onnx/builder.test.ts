import { fromBinary } from '@bufbuild/protobuf';
import { tensor } from '@stylegraph/core';
import { ModelProtoSchema } from 'onnx-buf';
import { describe, expect, it } from 'vitest';
import { nodeBackend } from '../backend/node.js';
import { GraphBuilder } from './builder.js';
import { GraphError } from './errors.js';
import { IR_VERSION, OPSET } from './serialize.js';

const catchError = (fn: () => unknown): GraphError => {
  try {
    fn();
  } catch (e) {
    if (e instanceof GraphError) return e;
    throw e;
  }
  throw new Error('expected a GraphError');
};

describe('shape inference', () => {
  it('names the op, the scoped node and the shapes when channels disagree', () => {
    const g = new GraphBuilder();
    const x = g.input('x', 'float32', ['B', 64, 8, 8]);
    const w = g.initializer('synthesis.b8.conv0.weight', tensor('float32', [32, 32, 3, 3]));
    const e = catchError(() => g.withScope('synthesis.b8', () => g.conv(x, w, undefined, { pads: [1, 1, 1, 1] }, 'conv0')));
    expect(e.message).toBe('Conv "synthesis.b8.conv0": input has 64 channels but weight expects 32 (inputs [B, 64, 8, 8], [32, 32, 3, 3])');
    expect(e.code).toBe('shape');
    expect(e.context).toMatchObject({ op: 'Conv', node: 'synthesis.b8.conv0' });
  });

  it('infers conv, transposed conv and matmul shapes with a symbolic batch', () => {
    const g = new GraphBuilder();
    const x = g.input('x', 'float32', ['B', 3, 8, 8]);
    const w = g.constant(tensor('float32', [6, 1, 3, 3]));
    expect(g.conv(x, w, undefined, { group: 3, strides: [2, 2], pads: [1, 1, 1, 1] }).shape).toEqual(['B', 6, 4, 4]);
    expect(g.convTranspose(x, g.constant(tensor('float32', [3, 2, 3, 3])), undefined, { strides: [2, 2] }).shape).toEqual(['B', 2, 17, 17]);
    const m = g.matmul(g.input('a', 'float32', ['B', 1, 4, 5]), g.input('b', 'float32', [7, 5, 2]));
    expect(m.shape).toEqual(['B', 7, 4, 2]);
  });

  it('keeps symbolic products exact through reshape, concat and tile', () => {
    const g = new GraphBuilder();
    const x = g.input('x', 'float32', ['B', 4, 3]);
    const flat = g.reshape(x, [-1, 3]);
    expect(flat.shape).toEqual(['4*B', 3]);
    expect(g.reshape(flat, ['B', 12]).shape).toEqual(['B', 12]);
    expect(g.concat([x, x], 0).shape).toEqual(['2*B', 4, 3]);
    expect(g.tile(x, [3, 1, 1]).shape).toEqual(['3*B', 4, 3]);
    expect(catchError(() => g.reshape(x, [5, -1])).message).toMatch(/^Reshape "Reshape_\d+": cannot infer -1 in \[5, -1\] from \[B, 4, 3\]/);
  });

  it('rejects incompatible broadcasts, mixed element types and foreign values', () => {
    const g = new GraphBuilder();
    const a = g.input('a', 'float32', ['B', 3]);
    expect(catchError(() => g.add(a, g.input('b', 'float32', ['N', 3]))).message).toContain('shapes [B, 3] and [N, 3] do not broadcast');
    expect(catchError(() => g.add(a, g.input('c', 'float64', [3]))).code).toBe('dtype');
    const other = new GraphBuilder().input('z', 'float32', [3]);
    expect(catchError(() => g.mul(a, other)).message).toContain('belongs to another graph');
    expect(catchError(() => g.input('a', 'float32', [1])).message).toContain('already used');
    expect(catchError(() => g.slice(a, { starts: [0], ends: [2], axes: [0] })).message).toContain('symbolic size B');
    expect(catchError(() => g.squeeze(a, [1])).message).toContain('not 1');
  });

  it('reports malformed attributes as graph errors and takes any number of Concat inputs', () => {
    const g = new GraphBuilder();
    const x = g.input('x', 'float32', ['B', 2]);
    expect(catchError(() => g.expand(x, ['B+1', 2])).message).toContain('invalid symbolic dimension "B+1"');
    expect(catchError(() => g.input('y', 'float32', ['2x'])).message).toContain('input "y"');
    expect(catchError(() => g.reduceSum(x, [])).message).toContain('axes must not be empty');
    expect(g.concat(Array.from({ length: 12 }, () => x), 1).shape).toEqual(['B', 24]);
  });

  it('numbers become scalar constants of the other operand’s type, shared per value', () => {
    const g = new GraphBuilder();
    const x = g.input('x', 'float64', [2]);
    const y = g.mul(x, 3);
    expect(y.dtype).toBe('float64');
    expect(g.scalar(3, 'float64')).toBe(g.scalar(3, x));
  });
});

describe('serialization', () => {
  const build = () => {
    const g = new GraphBuilder();
    const x = g.input('x', 'float32', ['B', 2]);
    const big = g.initializer('big', tensor('float32', [1000, 2]));
    const h = g.tap('hidden', g.relu(g.mul(x, 2)));
    g.output('y', g.add(h, 1));
    g.output('unused_big', g.matmul(big, g.transpose(x, [1, 0])));
    return g;
  };

  it(`writes opset ${OPSET}, IR ${IR_VERSION}, symbolic input dims and only the nodes an output needs`, () => {
    const g = build();
    const all = fromBinary(ModelProtoSchema, g.toModel());
    expect(all.irVersion).toBe(BigInt(IR_VERSION));
    expect(all.opsetImport[0]?.version).toBe(BigInt(OPSET));
    const dims = all.graph?.input[0]?.type?.value.case === 'tensorType' ? all.graph.input[0].type.value.value.shape?.dim : [];
    expect(dims?.map((d) => d.value.value)).toEqual(['B', 2n]);
    const onlyY = fromBinary(ModelProtoSchema, g.toModel({ outputs: ['y'] }));
    expect(onlyY.graph?.initializer.map((t) => t.name)).not.toContain('big');
    expect(onlyY.graph?.node.map((n) => n.opType)).toEqual(['Mul', 'Relu', 'Add', 'Identity']);
  });

  it('exposes taps on request and runs them', async () => {
    const g = build();
    const s = await nodeBackend('cpu').createSession(g.toModel({ outputs: ['y', 'hidden'] }));
    expect(s.outputNames).toEqual(['y', 'hidden']);
    const out = await s.run({ x: tensor('float32', [1, 2], Float32Array.of(-1, 2)) });
    expect([...(out['hidden']?.data as Float32Array)]).toEqual([0, 4]);
    expect([...(out['y']?.data as Float32Array)]).toEqual([1, 5]);
    await s.release();
    expect(() => g.toModel({ outputs: ['nope'] })).toThrow(/unknown output or tap "nope"/);
  });

  it('refuses an output named like another value of the graph', () => {
    const g = new GraphBuilder();
    const x = g.input('x', 'float32', [2]);
    g.output('x', g.neg(x));
    expect(() => g.toModel()).toThrow('output "x" has the name of another value in the graph');
  });

  it('is deterministic: the same graph gives the same bytes', () => {
    expect(Buffer.from(build().toModel()).equals(Buffer.from(build().toModel()))).toBe(true);
  });
});
