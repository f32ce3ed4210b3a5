import { describe, expect, it } from 'vitest';
import { checkPlugin, expectClose, formatReport, image, matchGolden, runNode, tensor } from '@stylegraph/plugin-testing';
import plugin, { Sepia } from './index.js';

/**
 * An independent reference, one pixel at a time in float64: the published sepia weights written
 * out per channel (not the module's SEPIA table), on colours in 0…1.
 */
function referenceSepia(x: { dims: readonly number[]; data: Float32Array }, amount: number): Float64Array {
  const [B, C, H, W] = x.dims as [number, number, number, number];
  const at = (b: number, c: number, y: number, i: number) => ((b * C + c) * H + y) * W + i;
  const out = new Float64Array(x.data.length);
  const clamp = (v: number) => Math.min(1, Math.max(0, v));
  for (let b = 0; b < B; b++)
    for (let y = 0; y < H; y++)
      for (let i = 0; i < W; i++) {
        const [r, g, bl] = [0, 1, 2].map((c) => (x.data[at(b, c, y, i)]! + 1) / 2) as [number, number, number];
        const tone = [clamp(0.393 * r + 0.769 * g + 0.189 * bl), clamp(0.349 * r + 0.686 * g + 0.168 * bl), clamp(0.272 * r + 0.534 * g + 0.131 * bl)];
        [r, g, bl].forEach((v, c) => (out[at(b, c, y, i)] = 2 * ((1 - amount) * v + amount * tone[c]!) - 1));
      }
  return out;
}

describe('sepia/Sepia', () => {
  it('matches the per-pixel reference for several amounts', async () => {
    const x = image([2, 3, 5, 7], 1);
    for (const amount of [0, 0.3, 1]) {
      const { image: out } = await runNode(plugin, Sepia, { inputs: { image: x }, params: { amount } });
      expect(out.dims).toEqual([2, 3, 5, 7]);
      expectClose(out, referenceSepia(x, amount), { atol: 1e-6 });
    }
  });

  it('tones black, mid-grey and white as the matrix says, at full strength by default', async () => {
    // Pixels (R, G, B): black, mid-grey, white — as Image values.
    const x = tensor('float32', [1, 3, 1, 3], [-1, 0, 1, -1, 0, 1, -1, 0, 1]);
    const { image: out } = await runNode(plugin, Sepia, { inputs: { image: x } });
    // Grey 0.5 → (0.6755, 0.6015, 0.4685) in 0…1; white saturates R and G → (1, 1, 0.937).
    expectClose(out, [-1, 0.351, 1, -1, 0.203, 1, -1, -0.063, 0.874], { atol: 1e-6 });
  });

  it('leaves the image as it is at amount 0', async () => {
    const x = image([1, 3, 4, 4], 2);
    expectClose((await runNode(plugin, Sepia, { inputs: { image: x }, params: { amount: 0 } })).image, x, { atol: 1e-7 });
  });

  it('refuses an image that is not RGB, and an amount outside 0…1', async () => {
    await expect(runNode(plugin, Sepia, { inputs: { image: image([1, 1, 4, 4]) } })).rejects.toMatchObject({ code: 'SHAPE_MISMATCH' });
    await expect(runNode(plugin, Sepia, { inputs: { image: image() }, params: { amount: 1.5 } })).rejects.toMatchObject({ code: 'PARAM_INVALID' });
  });

  it('gives the stored golden output', async () => {
    const { image: out } = await runNode(plugin, Sepia, { inputs: { image: image([1, 3, 8, 8], 3) }, params: { amount: 0.8 } });
    // Written on the first run (or with UPDATE_GOLDENS=1), compared ever after.
    const result = await matchGolden(out, new URL('../test/golden/sepia-0.8.npy', import.meta.url), { atol: 1e-6 });
    expect(result).toBe(process.env.UPDATE_GOLDENS === '1' ? 'written' : 'matched');
  });
});

describe('the package', () => {
  // Loads the built package (npm run build) as a host does, and runs each node once.
  it('passes checkPlugin', async () => {
    const report = await checkPlugin(new URL('..', import.meta.url));
    expect(report.ok, formatReport(report)).toBe(true);
    expect(report.nodes.map((n) => n.status)).toEqual(['ok']);
  });
});
