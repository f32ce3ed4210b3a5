/**
 * `watermark/Comparison`: the cells of a watermark figure for io/ImageGrid — the original, the
 * marked image, their difference amplified `gain` times (grey is no change), and up to three
 * attacked versions scaled to the same size (bilinear) — for one image of the batch.
 */
import { NodeError, defineNode, tensor, z, type Tensor } from '@stylegraph/core';

/** Image b of [B, 3, H, W] scaled bilinearly to [3, outH, outW] (pixel centres aligned). */
function scaled(t: Tensor<'float32'>, b: number, outH: number, outW: number): Float32Array {
  const [, , H, W] = t.dims as [number, number, number, number];
  const out = new Float32Array(3 * outH * outW);
  for (let y = 0; y < outH; y++) {
    const sy = Math.min(H - 1, Math.max(0, ((y + 0.5) * H) / outH - 0.5));
    const y0 = Math.floor(sy);
    const y1 = Math.min(H - 1, y0 + 1);
    const fy = sy - y0;
    for (let x = 0; x < outW; x++) {
      const sx = Math.min(W - 1, Math.max(0, ((x + 0.5) * W) / outW - 0.5));
      const x0 = Math.floor(sx);
      const x1 = Math.min(W - 1, x0 + 1);
      const fx = sx - x0;
      for (let c = 0; c < 3; c++) {
        const base = (b * 3 + c) * H * W;
        const v = (r: number, q: number) => t.data[base + r * W + q]!;
        out[(c * outH + y) * outW + x] = (1 - fy) * ((1 - fx) * v(y0, x0) + fx * v(y0, x1)) + fy * ((1 - fx) * v(y1, x0) + fx * v(y1, x1));
      }
    }
  }
  return out;
}

export const Comparison = defineNode({
  type: 'watermark/Comparison',
  version: 1,
  title: 'Watermark comparison',
  category: 'Watermark',
  description: 'Figure cells for io/ImageGrid: original, marked, the difference × gain (grey = no change), and attacked versions scaled to the same size.',
  inputs: {
    original: { type: 'Image', shape: ['B', 3, 'H', 'W'] },
    marked: { type: 'Image', shape: ['B', 3, 'H', 'W'] },
    attacked1: { type: 'Image', shape: ['B1', 3, 'H1', 'W1'], optional: true },
    attacked2: { type: 'Image', shape: ['B2', 3, 'H2', 'W2'], optional: true },
    attacked3: { type: 'Image', shape: ['B3', 3, 'H3', 'W3'], optional: true },
  },
  outputs: { image: { type: 'Image', shape: ['K', 3, 'H', 'W'] } },
  params: z.object({
    gain: z.number().min(1).max(100).default(10).describe('How many times the difference is amplified.'),
    item: z.number().int().min(0).default(0).describe('Which image of the batch.'),
  }),
  purity: 'pure',
  run: ({ inputs, params }) => {
    const { original, marked } = inputs;
    const [B, C, H, W] = original.dims as [number, number, number, number];
    if (C !== 3) throw new NodeError('SHAPE_MISMATCH', `watermark/Comparison needs RGB images; got ${C} channels`);
    if (params.item >= B) throw new NodeError('PARAM_INVALID', `item ${params.item} is beyond the batch of ${B}`);
    const attacked = [inputs.attacked1, inputs.attacked2, inputs.attacked3].filter((t): t is Tensor<'float32'> => t !== undefined);
    for (const a of attacked) {
      if (a.dims.length !== 4 || a.dims[1] !== 3 || a.dims[0]! <= params.item) throw new NodeError('SHAPE_MISMATCH', `watermark/Comparison: an attacked input is [${a.dims.join(', ')}], not RGB images with item ${params.item}`);
    }
    const n = 3 * H * W;
    const cells = new Float32Array((3 + attacked.length) * n); // [K, 3, H, W]
    const at = params.item * n;
    cells.set(original.data.subarray(at, at + n), 0);
    cells.set(marked.data.subarray(at, at + n), n);
    for (let i = 0; i < n; i++) cells[2 * n + i] = Math.max(-1, Math.min(1, params.gain * (marked.data[at + i]! - original.data[at + i]!)));
    attacked.forEach((a, k) => cells.set(scaled(a, params.item, H, W), (3 + k) * n));
    return { image: tensor('float32', [3 + attacked.length, 3, H, W], cells) };
  },
});
