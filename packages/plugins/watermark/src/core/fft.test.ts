import { describe, expect, it } from 'vitest';
import { crossCorrelate, fft2 } from './fft.js';

function naiveDft(re: Float64Array, N: number, M: number): { re: Float64Array; im: Float64Array } {
  const outR = new Float64Array(N * M);
  const outI = new Float64Array(N * M);
  for (let u = 0; u < N; u++)
    for (let v = 0; v < M; v++)
      for (let y = 0; y < N; y++)
        for (let x = 0; x < M; x++) {
          const a = -2 * Math.PI * ((u * y) / N + (v * x) / M);
          outR[u * M + v]! += re[y * M + x]! * Math.cos(a);
          outI[u * M + v]! += re[y * M + x]! * Math.sin(a);
        }
  return { re: outR, im: outI };
}

const random = (n: number, seed: number) => Float64Array.from({ length: n }, (_, i) => Math.sin(i * 12.9898 + seed * 78.233) * 43758.5453 % 1);

describe('fft2', () => {
  it('equals the direct DFT on a non-square array, and inverts', () => {
    const [N, M] = [8, 16];
    const x = random(N * M, 1);
    const re = Float64Array.from(x);
    const im = new Float64Array(N * M);
    fft2(re, im, N, M);
    const ref = naiveDft(x, N, M);
    for (let i = 0; i < N * M; i++) {
      expect(re[i]).toBeCloseTo(ref.re[i]!, 9);
      expect(im[i]).toBeCloseTo(ref.im[i]!, 9);
    }
    fft2(re, im, N, M, true);
    for (let i = 0; i < N * M; i++) expect(re[i]).toBeCloseTo(x[i]!, 12);
  });

  it('cross-correlates circularly: c[d] = Σ a[b + d]·t[b]', () => {
    const [N, M] = [4, 8];
    const a = random(N * M, 2);
    const t = random(N * M, 3);
    const c = crossCorrelate(a, t, N, M);
    for (const [dy, dx] of [
      [0, 0],
      [1, 3],
      [3, 7],
    ] as const) {
      let s = 0;
      for (let y = 0; y < N; y++) for (let x = 0; x < M; x++) s += a[((y + dy) % N) * M + ((x + dx) % M)]! * t[y * M + x]!;
      expect(c[dy * M + dx]).toBeCloseTo(s, 9);
    }
  });
});
