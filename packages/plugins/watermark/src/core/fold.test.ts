import { describe, expect, it } from 'vitest';
import { FINE, COARSE, align, alignAll, foldPlane, readUnits, searchTemplate } from './fold.js';
import { makeLayout, T } from './layout.js';
import type { Plane } from './plane.js';

function noisePlane(H: number, W: number, seed: number): Plane {
  let s = seed >>> 0;
  const data = Float32Array.from({ length: H * W }, () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32 - 0.5;
  });
  return { data, H, W };
}

/** A plane carrying the layout's search signs as a tile of `unit`-pixel units, at an offset. */
function tiledPlane(signs: Int8Array, H: number, W: number, unit: number, ox: number, oy: number): Plane {
  const data = new Float32Array(H * W);
  for (let y = 0; y < H; y++)
    for (let x = 0; x < W; x++) {
      const ty = Math.floor((y + oy) / unit) % T;
      const tx = Math.floor((x + ox) / unit) % T;
      data[y * W + x] = signs[ty * T + tx]!;
    }
  return { data, H, W };
}

describe('folding and alignment', () => {
  it('finds the offset of a tiled plane and reads every unit back', async () => {
    const layout = await makeLayout('fold', 64);
    const signs = new Int8Array(T * T);
    for (const u of layout.search) signs[u] = layout.sign[u]!;
    const plane = tiledPlane(signs, 200, 170, 2, 10, 22);
    const fold = foldPlane(plane, 2 * T, 0, FINE);
    const a = align(fold, searchTemplate(layout, FINE));
    expect(a.z).toBeGreaterThan(10);
    // The tile origin sits at cell (−offset) mod S: 10 px = 5 units = 20 cells; pixel centres fall
    // on odd cells (2 cells per pixel), so the next cell reads the same pixels.
    const S = T * FINE;
    expect(a.dx - (S - 20)).toBeGreaterThanOrEqual(0);
    expect(a.dx - (S - 20)).toBeLessThanOrEqual(1);
    expect(a.dy - (S - 44)).toBeGreaterThanOrEqual(0);
    expect(a.dy - (S - 44)).toBeLessThanOrEqual(1);
    const { value } = readUnits(fold, a);
    for (const u of layout.search) expect(Math.sign(value[u]!)).toBe(layout.sign[u]);
  });

  it('a quarter turn of the template scores as folding a quarter turn further does', async () => {
    const layout = await makeLayout('turns', 0);
    const plane = noisePlane(150, 130, 7);
    const t = searchTemplate(layout, COARSE, 4);
    const viaTemplate = alignAll(foldPlane(plane, 61.3, 0.21, COARSE), t).map((a) => a.z);
    const viaFold = [0, 1, 2, 3].map((q) => align(foldPlane(plane, 61.3, 0.21 + (q * Math.PI) / 2, COARSE), t).z);
    for (let q = 0; q < 4; q++) expect(viaTemplate[q]).toBeCloseTo(viaFold[q]!, 9);
  });

  it('scores an unmarked plane near zero', async () => {
    const layout = await makeLayout('noise', 64);
    const z = align(foldPlane(noisePlane(256, 256, 3), 64, 0, FINE), searchTemplate(layout, FINE)).z;
    // The best of S² offsets of a standard normal: about 4.5 σ at most.
    expect(z).toBeLessThan(5.5);
  });
});
