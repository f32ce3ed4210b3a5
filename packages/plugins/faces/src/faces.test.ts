import { describe, expect, it } from 'vitest';
import { LABELS, labelVector, renderFace, sampleAttributes } from './index.js';

const meanAbsDiff = (a: Float32Array, b: Float32Array) => a.reduce((acc, v, i) => acc + Math.abs(v - b[i]!), 0) / a.length;

describe('synthetic faces', () => {
  it('are deterministic per seed, in −1…1, with a full label vector', () => {
    const a = sampleAttributes(42);
    expect(sampleAttributes(42)).toEqual(a);
    const img = renderFace(a, 64, 1);
    expect(renderFace(a, 64, 1)).toEqual(img);
    expect(img.length).toBe(3 * 64 * 64);
    expect(Math.min(...img)).toBeGreaterThanOrEqual(-1);
    expect(Math.max(...img)).toBeLessThanOrEqual(1);
    expect(labelVector(a)).toHaveLength(LABELS.length);
  });

  it('vary with the seed; changing only the detail seed changes only fine detail', () => {
    const a = sampleAttributes(7);
    const base = renderFace(a, 64, 1);
    const detail = meanAbsDiff(base, renderFace(a, 64, 2));
    const other = meanAbsDiff(base, renderFace(sampleAttributes(8), 64, 1));
    expect(detail).toBeGreaterThan(0);
    expect(detail * 10).toBeLessThan(other);
  });

  it('cover the attribute ranges across seeds (hair styles, glasses, pose both ways)', () => {
    const attrs = Array.from({ length: 200 }, (_, s) => sampleAttributes(s));
    expect(new Set(attrs.map((a) => a.hairStyle))).toEqual(new Set([0, 1, 2, 3]));
    expect(attrs.some((a) => a.glasses) && attrs.some((a) => !a.glasses)).toBe(true);
    expect(attrs.some((a) => a.yaw < -0.5) && attrs.some((a) => a.yaw > 0.5)).toBe(true);
    expect(attrs.some((a) => a.smile > 0.5) && attrs.some((a) => a.smile < 0)).toBe(true);
  });

  it('renders at 128 and 256 px as well', () => {
    expect(renderFace(sampleAttributes(1), 128, 0)).toHaveLength(3 * 128 * 128);
    expect(renderFace(sampleAttributes(1), 256, 0)).toHaveLength(3 * 256 * 256);
  });
});
