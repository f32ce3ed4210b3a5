import { fromBinary } from '@bufbuild/protobuf';
import { tensor } from '@stylegraph/core';
import { ModelProtoSchema } from 'onnx-buf';
import { describe, expect, it } from 'vitest';
import { nodeBackend } from '../backend/node.js';
import { GraphBuilder } from '../onnx/builder.js';
import { buildGradient } from './build.js';

const opTypes = (model: Uint8Array) => fromBinary(ModelProtoSchema, model).graph?.node.map((n) => n.opType) ?? [];

describe('buildGradient', () => {
  it('names outputs loss and grad:<input>, optionally keeping the forward outputs', async () => {
    const g = new GraphBuilder();
    const x = g.input('x', 'float32', ['B', 2]);
    const y = g.output('y', g.mul(x, x));
    const loss = g.reduceSum(y, undefined, false);
    const grad = buildGradient(g, loss, ['x'], { keepOutputs: true });
    expect([...grad.outputs.keys()]).toEqual(['y', 'loss', 'grad:x']);
    expect([...g.outputs.keys()]).toEqual(['y']); // the forward graph is untouched
    const s = await nodeBackend('cpu').createSession(grad.toModel());
    const out = await s.run({ x: tensor('float32', [2, 2], Float32Array.of(1, 2, 3, 4)) });
    expect([...(out['grad:x']?.data as Float32Array)]).toEqual([2, 4, 6, 8]);
    expect(out['loss']?.data[0]).toBe(30);
    await s.release();
  });

  it('gives zeros of the input’s (symbolic) shape when the loss does not depend on it', async () => {
    const g = new GraphBuilder();
    const x = g.input('x', 'float32', [3]);
    g.input('unused', 'float32', ['B', 2]);
    const grad = buildGradient(g, g.reduceSum(x, undefined, false), ['x', 'unused']);
    const s = await nodeBackend('cpu').createSession(grad.toModel());
    const out = await s.run({ x: tensor('float32', [3], Float32Array.of(1, 2, 3)), unused: tensor('float32', [4, 2]) });
    expect(out['grad:unused']?.dims).toEqual([4, 2]);
    expect([...(out['grad:unused']?.data as Float32Array)].every((v) => v === 0)).toBe(true);
    expect([...(out['grad:x']?.data as Float32Array)]).toEqual([1, 1, 1]);
    await s.release();
  });

  it('treats initializers as constants: no weight-gradient nodes are built', () => {
    const g = new GraphBuilder();
    const x = g.input('x', 'float32', ['B', 2, 4, 4]);
    const w = g.initializer('w', tensor('float32', [3, 2, 3, 3]));
    const loss = g.reduceSum(g.conv(x, w), undefined, false);
    const ops = opTypes(buildGradient(g, loss, ['x']).toModel());
    expect(ops.filter((o) => o === 'Conv')).toHaveLength(1); // forward only
    expect(ops).toContain('ConvTranspose'); // input gradient
  });

  it('stops at boolean masks: comparisons feed Where without needing gradients', async () => {
    const g = new GraphBuilder();
    const x = g.input('x', 'float32', [4]);
    const masked = g.mul(x, g.cast(g.greater(x, 0), 'float32'));
    const grad = buildGradient(g, g.reduceSum(masked, undefined, false), ['x']);
    const s = await nodeBackend('cpu').createSession(grad.toModel());
    const out = await s.run({ x: tensor('float32', [4], Float32Array.of(-1, 2, -3, 4)) });
    expect([...(out['grad:x']?.data as Float32Array)]).toEqual([0, 1, 0, 1]);
    await s.release();
  });

  it('rejects non-scalar losses, non-inputs, integer inputs and foreign values with clear errors', () => {
    const g = new GraphBuilder();
    const x = g.input('x', 'float32', [3]);
    const k = g.input('k', 'int64', [3]);
    const w = g.initializer('w', tensor('float32', [3]));
    const loss = g.reduceSum(g.mul(x, w), undefined, false);
    expect(() => buildGradient(g, x, ['x'])).toThrow('loss must be a float value with one element, got float32 [3]');
    expect(() => buildGradient(g, loss, ['w'])).toThrow(/"w" is not an input of the graph \(inputs: x, k\)/);
    expect(() => buildGradient(g, loss, [w])).toThrow(/not a graph input/);
    expect(() => buildGradient(g, loss, [k])).toThrow('input "k" is int64; only float inputs have gradients');
    expect(() => buildGradient(new GraphBuilder(), loss, [])).toThrow(/belongs to another graph/);
  });
});
