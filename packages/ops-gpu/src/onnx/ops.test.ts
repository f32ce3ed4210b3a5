import { tensor, type Tensor } from '@stylegraph/core';
import { describe, expect, it } from 'vitest';
import { nodeBackend } from '../backend/node.js';
import { GraphBuilder } from './builder.js';
import type { ConvTransposeAttrs } from './ops/linear.js';
import { conv2d, convTranspose2d } from './testing/reference.js';
import { Rng } from './testing/rng.js';

async function run(g: GraphBuilder, feeds: Record<string, Tensor>): Promise<Record<string, Tensor>> {
  const s = await nodeBackend('cpu').createSession(g.toModel());
  try {
    return await s.run(feeds);
  } finally {
    await s.release();
  }
}

const close = (a: ArrayLike<number>, b: ArrayLike<number>, tol = 1e-4) => {
  expect(a.length).toBe(b.length);
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs((a[i] as number) - (b[i] as number)));
  expect(worst).toBeLessThan(tol);
};

type Quad = [number, number, number, number];

describe('Conv and ConvTranspose attributes mean what ONNX says (vs direct loops)', () => {
  const convCases: { x: Quad; w: Quad; a: Required<Omit<ConvTransposeAttrs, 'outputPadding'>> }[] = [
    { x: [2, 3, 6, 5], w: [4, 3, 3, 3], a: { pads: [1, 0, 2, 1], strides: [1, 1], dilations: [1, 1], group: 1 } },
    { x: [1, 4, 9, 8], w: [6, 2, 3, 2], a: { pads: [0, 1, 1, 0], strides: [2, 3], dilations: [2, 1], group: 2 } },
  ];
  for (const [i, k] of convCases.entries()) {
    it(`Conv case ${i}`, async () => {
      const r = new Rng(i + 1);
      const x = r.floats(k.x.reduce((a, b) => a * b));
      const w = r.floats(k.w.reduce((a, b) => a * b));
      const g = new GraphBuilder();
      g.output('y', g.conv(g.input('x', 'float32', k.x), g.constant(tensor('float32', k.w, w)), undefined, k.a));
      const want = conv2d(x, k.x, w, k.w, { ...k.a, pads: k.a.pads as Quad, strides: k.a.strides as [number, number], dilations: k.a.dilations as [number, number] });
      const got = (await run(g, { x: tensor('float32', k.x, x) }))['y'] as Tensor;
      expect(got.dims).toEqual(want.dims);
      close(got.data as Float32Array, want.data);
    });
  }
  it('ConvTranspose: stride 2, pads, output padding, groups, dilation', async () => {
    const r = new Rng(9);
    const xd: Quad = [2, 4, 3, 4];
    const wd: Quad = [4, 3, 3, 2];
    const a = { pads: [1, 0, 0, 1] as Quad, strides: [2, 3] as [number, number], dilations: [1, 2] as [number, number], group: 2, outputPadding: [1, 0] as [number, number] };
    const x = r.floats(96);
    const w = r.floats(72);
    const g = new GraphBuilder();
    g.output('y', g.convTranspose(g.input('x', 'float32', xd), g.constant(tensor('float32', wd, w)), undefined, a));
    const want = convTranspose2d(x, xd, w, wd, a);
    const got = (await run(g, { x: tensor('float32', xd, x) }))['y'] as Tensor;
    expect(got.dims).toEqual(want.dims);
    close(got.data as Float32Array, want.data);
  });
});

describe('attribute-carrying ops compute the documented results', () => {
  const iota = (n: number) => Float32Array.from({ length: n }, (_, i) => i);

  it('Slice with steps and negative starts; Pad with negative pads and a fill value', async () => {
    const g = new GraphBuilder();
    const x = g.input('x', 'float32', [4, 5]);
    g.output('s', g.slice(x, { starts: [-3, 0], ends: [100, 5], axes: [0, 1], steps: [2, 2] }));
    g.output('p', g.pad(x, [1, -2, 0, 1], 9));
    const out = await run(g, { x: tensor('float32', [4, 5], iota(20)) });
    expect(out['s']?.dims).toEqual([2, 3]);
    expect([...(out['s']?.data as Float32Array)]).toEqual([5, 7, 9, 15, 17, 19]);
    expect(out['p']?.dims).toEqual([5, 4]);
    expect([...(out['p']?.data as Float32Array)].slice(0, 8)).toEqual([9, 9, 9, 9, 2, 3, 4, 9]);
  });

  it('Gemm transposes, Clip bounds, LeakyRelu slope, Pow exponent', async () => {
    const g = new GraphBuilder();
    const a = g.input('a', 'float32', [2, 3]);
    g.output('gemm', g.gemm(a, a, g.constant(1), { transB: true, alpha: 2, beta: 3 })); // 2·a·aᵀ + 3
    g.output('clip', g.clip(a, { min: 1, max: 4 }));
    g.output('lrelu', g.leakyRelu(g.sub(a, 2), 0.5));
    g.output('pow', g.pow(a, 3));
    const out = await run(g, { a: tensor('float32', [2, 3], iota(6)) });
    expect([...(out['gemm']?.data as Float32Array)]).toEqual([13, 31, 31, 103]);
    expect([...(out['clip']?.data as Float32Array)]).toEqual([1, 1, 2, 3, 4, 4]);
    expect([...(out['lrelu']?.data as Float32Array)]).toEqual([-1, -0.5, 0, 1, 2, 3]);
    expect([...(out['pow']?.data as Float32Array)]).toEqual([0, 1, 8, 27, 64, 125]);
  });

  it('Gather, Tile, Expand, ReduceMean, ScatterElementsAdd', async () => {
    const g = new GraphBuilder();
    const x = g.input('x', 'float32', [2, 3]);
    const idx = g.constant(tensor('int64', [2], BigInt64Array.of(2n, 0n)));
    g.output('gather', g.gather(x, idx, 1));
    g.output('tile', g.tile(x, [1, 2]));
    g.output('expand', g.expand(g.reshape(x, [2, 1, 3]), [2, 2, 3]));
    g.output('mean', g.reduceMean(x, [1], false));
    const sidx = g.constant(tensor('int64', [2, 3], BigInt64Array.of(0n, 0n, 2n, 1n, 1n, 1n)));
    g.output('scatter', g.scatterElementsAdd(g.constant(tensor('float32', [2, 3], new Float32Array(6))), sidx, x, 1));
    const out = await run(g, { x: tensor('float32', [2, 3], iota(6)) });
    expect([...(out['gather']?.data as Float32Array)]).toEqual([2, 0, 5, 3]);
    expect([...(out['tile']?.data as Float32Array)]).toEqual([0, 1, 2, 0, 1, 2, 3, 4, 5, 3, 4, 5]);
    expect([...(out['expand']?.data as Float32Array)]).toEqual([0, 1, 2, 0, 1, 2, 3, 4, 5, 3, 4, 5]);
    expect([...(out['mean']?.data as Float32Array)]).toEqual([1, 4]);
    expect([...(out['scatter']?.data as Float32Array)]).toEqual([1, 0, 2, 0, 12, 0]);
  });

  it('symbolic reshapes and expands are computed from the inputs that bind the symbols', async () => {
    const g = new GraphBuilder();
    const x = g.input('x', 'float32', ['B', 'N', 6]);
    const y = g.reshape(x, ['N', 'B', 2, 3]); // two free symbols: shape computed at run time
    expect(y.shape).toEqual(['N', 'B', 2, 3]);
    g.output('y', y);
    g.output('flat', g.reshape(x, [-1, 3]));
    g.output('ones', g.expand(g.constant(1), ['N', 'B']));
    const out = await run(g, { x: tensor('float32', [2, 5, 6], iota(60)) });
    expect(out['y']?.dims).toEqual([5, 2, 2, 3]);
    expect([...(out['y']?.data as Float32Array)]).toEqual([...iota(60)]);
    expect(out['flat']?.dims).toEqual([20, 3]);
    expect(out['ones']?.dims).toEqual([5, 2]);
  });
});
