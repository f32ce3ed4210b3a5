/**
 * `stylegan/Equivariance`: EQ-T of a StyleGAN3 generator (equivariance.ts) on the given W+:
 * one seeded random integer translation per image, uniform in ±translateMax of the image
 * and rounded to whole pixels. Outputs the PSNR report and, per image, the shifted original
 * next to the output of the translated input (for figures).
 */
import { NodeError, RandomState, defineNode, tensor, z, type Tensor } from '@stylegraph/core';
import { Generator, WPlus } from '../kinds.js';
import { isStyleGAN3Generator, runtime } from '../generator-value.js';
import { psnrOf, shiftedErrorSums, translationTransform, type ErrorSums } from '../equivariance.js';

/** Image b of `src` moved by (dx, dy) pixels, the uncovered border 0. */
function shifted(src: Tensor<'float32'>, b: number, dx: number, dy: number, out: Float32Array, at: number): void {
  const [, C, H, W] = src.dims as [number, number, number, number];
  for (let c = 0; c < C; c++) {
    for (let y = 0; y < H; y++) {
      for (let x = 0; x < W; x++) {
        const sx = x - dx;
        const sy = y - dy;
        out[at + (c * H + y) * W + x] = sx >= 0 && sx < W && sy >= 0 && sy < H ? src.data[((b * C + c) * H + sy) * W + sx]! : 0;
      }
    }
  }
}

export const Equivariance = defineNode({
  type: 'stylegan/Equivariance',
  version: 1,
  title: 'Equivariance (EQ-T)',
  category: 'StyleGAN',
  description:
    'EQ-T of a StyleGAN3 generator as “Alias-Free GANs” defines it: PSNR (dB) between the output for a translated input and the translated output, over the pixels both cover. Higher is more equivariant (NVIDIA’s StyleGAN3-T: ≈ 60 dB; StyleGAN2-like aliasing: ≈ 20 dB).',
  inputs: { generator: { type: Generator }, w: { type: WPlus } },
  outputs: { report: { type: 'Report' }, pairs: { type: 'Image', description: 'Per image: the translated original, then the output of the translated input.' } },
  params: z.object({
    translateMax: z.number().positive().max(0.5).default(0.125).describe('Largest translation, as a fraction of the image (NVIDIA: 0.125).'),
    seed: z.number().int().min(0).max(2 ** 32 - 1).default(0).describe('Seed of the translations (NumPy RandomState, two uniforms per image).'),
    batchSize: z.number().int().min(1).max(256).default(8).describe('Images per network run.'),
    prefix: z.string().regex(/^[A-Za-z_][A-Za-z0-9_.-]*$/).optional().describe('Prefix of the report keys, e.g. "sg3." → sg3.eqT.'),
  }),
  purity: 'pure',
  run: async ({ inputs, params, ctx }) => {
    if (!isStyleGAN3Generator(inputs.generator)) throw new NodeError('GENERATOR_UNSUPPORTED', 'EQ-T needs a StyleGAN3 generator (StyleGAN2 has no input transform)');
    const sg = runtime(inputs.generator, ctx);
    const [B, numWs, wDim] = inputs.w.dims as [number, number, number];
    const { C, res } = inputs.generator.dims;
    const u = new RandomState(params.seed).random(2 * B);
    const shifts = Array.from({ length: B }, (_, b) => [0, 1].map((k) => Math.round((u[2 * b + k]! * 2 - 1) * params.translateMax * res)) as [number, number]);
    const total: ErrorSums = { se: 0, count: 0 };
    const img = C * res * res;
    const pairs = new Float32Array(2 * B * img);
    for (let start = 0; start < B; start += params.batchSize) {
      ctx.throwIfAborted();
      const n = Math.min(params.batchSize, B - start);
      const ws = tensor('float32', [n, numWs, wDim], inputs.w.data.slice(start * numWs * wDim, (start + n) * numWs * wDim));
      const { img: orig } = await sg.synthesis(ws, { transform: tensor('float32', [3, 3], Float32Array.from(translationTransform(0, 0))) });
      const transform = tensor('float32', [n, 3, 3], Float32Array.from(shifts.slice(start, start + n).flatMap(([dx, dy]) => translationTransform(dx / res, dy / res))));
      const { img: moved } = await sg.synthesis(ws, { transform });
      for (let i = 0; i < n; i++) {
        const [dx, dy] = shifts[start + i]!;
        const s = shiftedErrorSums(orig, moved, i, dx, dy);
        total.se += s.se;
        total.count += s.count;
        shifted(orig, i, dx, dy, pairs, 2 * (start + i) * img);
        pairs.set(moved.data.subarray(i * img, (i + 1) * img), (2 * (start + i) + 1) * img);
      }
      ctx.progress((start + n) / B, `${start + n}/${B} images`);
    }
    return { report: { [`${params.prefix ?? ''}eqT`]: psnrOf(total) }, pairs: tensor('float32', [2 * B, C, res, res], pairs) };
  },
});
