/**
 * Truncation values, checked against an independent computation: ws below `cutoff` move to
 * w_avg + ψ(w − w_avg), ws at or above it are left exactly as they were.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { tensor, type Tensor } from '@stylegraph/core';
import { truncate } from './truncation.js';

/** [B][numWs][wDim] nested arrays → float32 tensor. */
const fromNested = (v: number[][][]): Tensor<'float32'> => tensor('float32', [v.length, v[0]!.length, v[0]![0]!.length], Float32Array.from(v.flat(2)));

/** The expected result, element by element in float64 on the float32 inputs, then rounded once. */
function expected(ws: number[][][], avg: number[], psi: number, cutoff: number | undefined): number[][][] {
  const f = (x: number) => Math.fround(x);
  return ws.map((latent) =>
    latent.map((w, layer) => (cutoff === undefined || layer < cutoff ? w.map((x, k) => f(f(avg[k]!) + psi * (f(x) - f(avg[k]!)))) : w.map(f))),
  );
}

const nested = (t: Tensor<'float32'>): number[][][] => {
  const [B, L, D] = t.dims as [number, number, number];
  return Array.from({ length: B }, (_, b) => Array.from({ length: L }, (_, l) => Array.from(t.data.subarray((b * L + l) * D, (b * L + l + 1) * D))));
};

// Two latents, 4 ws of 3 values; every value distinct and away from the average.
const WS = [
  [
    [1, 2, 3],
    [4, 5, 6],
    [7, 8, 9],
    [10, 11, 12],
  ],
  [
    [-1, -2, -3],
    [-4, -5, -6],
    [-7, -8, -9],
    [-10, -11, -12],
  ],
];
const AVG = [0.5, -1, 2];

describe('truncate', () => {
  it('moves only the ws below the cutoff toward w_avg', () => {
    const out = truncate(fromNested(WS), tensor('float32', [3], Float32Array.from(AVG)), 0.5, 2);
    expect(out.dims).toEqual([2, 4, 3]);
    expect(out.dtype).toBe('float32');
    expect(out.data).toBeInstanceOf(Float32Array);
    const got = nested(out);
    // Hand-computed cells: w_avg + 0.5·(w − w_avg) for ws 0 and 1 …
    expect(got[0]![0]).toEqual([0.75, 0.5, 2.5]);
    expect(got[0]![1]).toEqual([2.25, 2, 4]);
    expect(got[1]![1]).toEqual([-1.75, -3, -2]);
    // … and ws 2 and 3 untouched, in both latents.
    expect(got[0]![2]).toEqual([7, 8, 9]);
    expect(got[0]![3]).toEqual([10, 11, 12]);
    expect(got[1]![2]).toEqual([-7, -8, -9]);
    expect(got[1]![3]).toEqual([-10, -11, -12]);
    expect(got).toEqual(expected(WS, AVG, 0.5, 2));
  });

  it('truncates every w without a cutoff or with cutoff = numWs, none with cutoff 0', () => {
    const ws = fromNested(WS);
    const avg = tensor('float32', [3], Float32Array.from(AVG));
    expect(nested(truncate(ws, avg, 0.7))).toEqual(expected(WS, AVG, 0.7, undefined));
    expect(nested(truncate(ws, avg, 0.7, 4))).toEqual(expected(WS, AVG, 0.7, undefined));
    expect(nested(truncate(ws, avg, 0.7, 0))).toEqual(WS);
    expect(nested(truncate(ws, avg, 0.7, 1))).toEqual(expected(WS, AVG, 0.7, 1));
    expect(nested(truncate(ws, avg, 0.7, 3))).toEqual(expected(WS, AVG, 0.7, 3));
  });

  it('ψ = 1 is the identity, ψ = 0 the average, ψ = −1 the mirror image', () => {
    const ws = fromNested(WS);
    const avg = tensor('float32', [3], Float32Array.from(AVG));
    expect(nested(truncate(ws, avg, 1))).toEqual(WS);
    expect(nested(truncate(ws, avg, 0, 3)).map((l) => l.slice(0, 3))).toEqual([0, 1].map(() => [AVG, AVG, AVG]));
    expect(nested(truncate(ws, avg, -1, 1))[0]![0]).toEqual([0, -4, 1]);
  });

  it('does not modify its input', () => {
    const ws = fromNested(WS);
    const before = Array.from(ws.data);
    truncate(ws, tensor('float32', [3], Float32Array.from(AVG)), 0.3, 2);
    expect(Array.from(ws.data)).toEqual(before);
  });

  it('equals the independent computation for random shapes, ψ and cutoffs', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 3 }),
        fc.integer({ min: 1, max: 6 }),
        fc.integer({ min: 1, max: 4 }),
        fc.double({ min: -2, max: 2, noNaN: true }),
        fc.nat(),
        fc.integer({ min: 1, max: 1000 }),
        (B, numWs, wDim, psi, cut, seed) => {
          const cutoff = cut % (numWs + 2) === numWs + 1 ? undefined : cut % (numWs + 1);
          let s = seed;
          const rnd = () => ((s = (s * 1103515245 + 12345) % 2147483648) / 2147483648) * 8 - 4;
          const ws = Array.from({ length: B }, () => Array.from({ length: numWs }, () => Array.from({ length: wDim }, () => Math.fround(rnd()))));
          const avg = Array.from({ length: wDim }, () => Math.fround(rnd()));
          const got = nested(truncate(fromNested(ws), tensor('float32', [wDim], Float32Array.from(avg)), psi, cutoff));
          expect(got).toEqual(expected(ws, avg, psi, cutoff));
        },
      ),
      { numRuns: 200 },
    );
  });

  it('refuses ws that are not [B, numWs, wDim], a w_avg of the wrong size and cutoffs outside 0…numWs', () => {
    const ws = fromNested(WS);
    const avg = tensor('float32', [3], Float32Array.from(AVG));
    expect(() => truncate(tensor('float32', [4, 3], new Float32Array(12)), avg, 0.5)).toThrow('truncate: ws must be [B, numWs, wDim], got [4, 3]');
    expect(() => truncate(ws, tensor('float32', [2], new Float32Array(2)), 0.5)).toThrow('truncate: w_avg has 2 values, ws has wDim 3');
    expect(() => truncate(ws, avg, 0.5, 5)).toThrow('truncate: cutoff 5 is outside 0…4');
    expect(() => truncate(ws, avg, 0.5, -1)).toThrow('truncate: cutoff -1 is outside 0…4');
    expect(() => truncate(ws, avg, 0.5, 1.5)).toThrow('truncate: cutoff 1.5 is outside 0…4');
    expect(() => truncate(ws, avg, 0.5, 4)).not.toThrow();
    expect(() => truncate(ws, avg, 0.5, 0)).not.toThrow();
  });
});
