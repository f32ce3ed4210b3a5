/**
 * The committed face-features network (models/metrics/face-features.onnx, trained by
 * tools/metric/train_features.py) runs on stylegraph's onnxruntime and computes what torch
 * computes: the features behind tools/metric/fd_pr.py's Fréchet distance and precision/recall.
 * Fixture from tools/metric/make_fixture.py: 4 held-out renders (uint8, input u / 127.5 − 1) with
 * torch's `features` and `attributes` for them.
 */
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { readNpy, tensor, type Tensor } from '@stylegraph/core';
import { nodeBackend } from '@stylegraph/ops-gpu/node';
import { describe, expect, it } from 'vitest';

const dir = join(import.meta.dirname, '..', '..', 'models', 'metrics');
const model = join(dir, 'face-features.onnx');
// A plain Uint8Array copy: readNpy slices its input, and Buffer#slice would share the whole file's memory.
const npy = (name: string): Tensor => readNpy(new Uint8Array(readFileSync(join(dir, 'fixture', name))), name);

/** Label columns that hold a class (index or palette colour) rather than a regressed value. */
const CATEGORICAL = new Set([5, 7, 8, 9, 12, 13, 14, 19]);

/** Largest |a − b| relative to the largest |b| of each row (rows of `cols` values). */
function maxRelativeError(a: Float32Array, b: Float32Array, cols: number, skip = new Set<number>()): number {
  let worst = 0;
  for (let r = 0; r < b.length / cols; r++) {
    let scale = 0;
    let diff = 0;
    for (let c = 0; c < cols; c++) {
      if (skip.has(c)) continue;
      scale = Math.max(scale, Math.abs(b[r * cols + c]!));
      diff = Math.max(diff, Math.abs(a[r * cols + c]! - b[r * cols + c]!));
    }
    worst = Math.max(worst, diff / scale);
  }
  return worst;
}

describe('face-features.onnx', () => {
  it('is small enough to commit', () => {
    expect(statSync(model).size).toBeLessThan(5 * 1024 * 1024);
  });

  it('gives torch’s features and attributes on onnxruntime (cpu), for any batch size', async () => {
    const u8 = npy('images.npy');
    const want = npy('features.npy');
    const wantAttrs = npy('attributes.npy');
    const [n, , h, w] = u8.dims as [number, number, number, number];
    expect([h, w]).toEqual([64, 64]);
    const image = new Float32Array(u8.data.length);
    for (let i = 0; i < image.length; i++) image[i] = (u8.data[i] as number) / 127.5 - 1;

    const session = await nodeBackend('cpu').createSession(new Uint8Array(readFileSync(model)), { threads: 1 });
    try {
      expect(session.inputNames).toEqual(['image']);
      expect(session.outputNames).toEqual(['features', 'attributes']);
      const out = await session.run({ image: tensor('float32', u8.dims, image) });
      const features = out.features!;
      const attributes = out.attributes!;
      const f = want.dims[1]!;
      expect(features.dims).toEqual([n, f]);
      expect(attributes.dims).toEqual([n, 30]);
      expect(maxRelativeError(features.data as Float32Array, want.data as Float32Array, f)).toBeLessThan(1e-4);
      const got = attributes.data as Float32Array;
      const ref = wantAttrs.data as Float32Array;
      expect(maxRelativeError(got, ref, 30, CATEGORICAL)).toBeLessThan(1e-4);
      for (let r = 0; r < n; r++) for (const c of CATEGORICAL) expect(got[r * 30 + c]).toBe(ref[r * 30 + c]);

      // Dynamic batch: one image alone gives its row of the batch.
      const one = await session.run({ image: tensor('float32', [1, 3, 64, 64], image.slice(0, 3 * 64 * 64)) }, ['features']);
      expect(one.features!.dims).toEqual([1, f]);
      const row = (want.data as Float32Array).slice(0, f);
      expect(maxRelativeError(one.features!.data as Float32Array, row, f)).toBeLessThan(1e-4);
    } finally {
      await session.release();
    }
  });
});
