import { describe, expect, it } from 'vitest';
import { fixtureImages } from '../testing/fixture.js';
import { spectralFeatures, NUM_FEATURES } from './spectral.js';
import { resizeBilinear, tileOrigins, tiles, upsize } from './tiles.js';

describe('tiles and spectral features match tools/detect/common.py', () => {
  it('tile origins: ceil(n / 64) tiles (at most 8), evenly spread, ends included', () => {
    expect(tileOrigins(64)).toEqual([0]);
    expect(tileOrigins(65)).toEqual([0, 1]);
    expect(tileOrigins(130)).toEqual([0, 33, 66]);
    expect(tileOrigins(1024)).toEqual([0, 137, 274, 411, 549, 686, 823, 960]);
  });

  it.each(fixtureImages.map((f, i) => [i, f] as const))('image %i: upsized size, tile count and the 96 features of every tile', (_, f) => {
    const img = { data: f.data, H: f.H, W: f.W };
    const u = upsize(img);
    expect([u.H, u.W]).toEqual(f.upsized);
    const t = tiles(img);
    expect(t.count).toBe(f.tiles);
    const got = spectralFeatures(t.data, t.count);
    expect(got.length).toBe(f.tiles * NUM_FEATURES);
    // ln of ring means in float64 on both sides; the TypeScript features are stored as float32.
    let worst = 0;
    for (let i = 0; i < got.length; i++) worst = Math.max(worst, Math.abs(got[i]! - f.features[i]!));
    expect(worst).toBeLessThan(2e-4);
  });

  it('bilinear resize keeps a constant image and interpolates a ramp like torch (align_corners=False)', () => {
    const H = 2;
    const W = 4;
    const ramp = new Float32Array(3 * H * W).map((_, i) => i % W); // each row 0, 1, 2, 3
    const r = resizeBilinear({ data: ramp, H, W }, 2, 8);
    // src = (x + ½)·4/8 − ½, clamped to 0…3 — torch.nn.functional.interpolate gives the same.
    expect(Array.from(r.data.subarray(0, 8))).toEqual([0, 0.25, 0.75, 1.25, 1.75, 2.25, 2.75, 3]);
    const flat = resizeBilinear({ data: new Float32Array(3 * 16).fill(0.3), H: 4, W: 4 }, 7, 5);
    expect(flat.data.every((v) => Math.abs(v - 0.3) < 1e-6)).toBe(true);
  });
});
