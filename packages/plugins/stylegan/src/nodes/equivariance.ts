/**
 * `stylegan/Equivariance`: EQ-T, EQ-T_frac or EQ-R of a StyleGAN3 generator (equivariance.ts)
 * on the given W+, one seeded random translation or rotation per image (NumPy RandomState
 * uniforms, so batching never changes them). Outputs the PSNR report and, per image, the
 * reference next to what it is compared with (for figures).
 */
import { NodeError, RandomState, defineNode, tensor, z } from '@stylegraph/core';
import { Generator, WPlus } from '../kinds.js';
import { isStyleGAN3Generator, runtime } from '../generator-value.js';
import { EQ_DRAWS, EQ_KEYS, accumulate, eqSample, psnrOf, type ErrorSums } from '../equivariance.js';

export const Equivariance = defineNode({
  type: 'stylegan/Equivariance',
  version: 1,
  title: 'Equivariance (EQ-T, EQ-R)',
  category: 'StyleGAN',
  description:
    'Equivariance of a StyleGAN3 generator as “Alias-Free GANs” defines it: PSNR (dB) between the output for a translated (EQ-T: whole pixels; EQ-T_frac: fractional) or rotated (EQ-R) input and the equally transformed output, over the pixels both cover. Higher is more equivariant (NVIDIA’s trained StyleGAN3: EQ-T ≈ 60 dB; StyleGAN2-like aliasing ≈ 20 dB).',
  inputs: { generator: { type: Generator }, w: { type: WPlus }, into: { type: 'Report', optional: true, description: 'Report to extend (chain the metrics into one).' } },
  outputs: { report: { type: 'Report' }, pairs: { type: 'Image', description: 'Per image: the transformed original, then what it is compared with (masked where not covered).' } },
  params: z.object({
    metric: z.enum(['EQ-T', 'EQ-T_frac', 'EQ-R']).default('EQ-T').describe('EQ-T (integer translation), EQ-T_frac (fractional translation) or EQ-R (rotation).'),
    translateMax: z.number().positive().max(0.5).default(0.125).describe('Largest translation, as a fraction of the image (NVIDIA: 0.125).'),
    rotateMax: z.number().positive().max(1).default(1).describe('Largest rotation, as a fraction of 180° (NVIDIA: 1).'),
    seed: z.number().int().min(0).max(2 ** 32 - 1).default(0).describe('Seed of the transforms (NumPy RandomState uniforms: two per image for translations, one for rotations).').meta({ widget: 'seed' }),
    batchSize: z.number().int().min(1).max(256).default(8).describe('Images per network run.'),
    prefix: z.string().regex(/^[A-Za-z_][A-Za-z0-9_.-]*$/).optional().describe('Prefix of the report key, e.g. "sg3." → sg3.eqT.'),
  }),
  purity: 'pure',
  run: async ({ inputs, params, ctx }) => {
    if (!isStyleGAN3Generator(inputs.generator)) throw new NodeError('GENERATOR_UNSUPPORTED', `${params.metric} needs a StyleGAN3 generator (StyleGAN2 has no input transform)`);
    const sg = runtime(inputs.generator, ctx);
    const [B, numWs, wDim] = inputs.w.dims as [number, number, number];
    const { C, res } = inputs.generator.dims;
    const k = EQ_DRAWS[params.metric];
    const u = new RandomState(params.seed).random(k * B);
    const samples = Array.from({ length: B }, (_, b) => eqSample(params.metric, Array.from(u.subarray(k * b, k * b + k)), { res, ...params }));
    const total: ErrorSums = { se: 0, count: 0 };
    const size = C * res * res;
    const pairs = new Float32Array(2 * B * size);
    const identity = tensor('float32', [3, 3], Float32Array.of(1, 0, 0, 0, 1, 0, 0, 0, 1));
    for (let start = 0; start < B; start += params.batchSize) {
      ctx.throwIfAborted();
      const n = Math.min(params.batchSize, B - start);
      const ws = tensor('float32', [n, numWs, wDim], inputs.w.data.slice(start * numWs * wDim, (start + n) * numWs * wDim));
      const { img: orig } = await sg.synthesis(ws, { transform: identity });
      const transform = tensor('float32', [n, 3, 3], Float32Array.from(samples.slice(start, start + n).flatMap((s) => s.transform)));
      const { img: moved } = await sg.synthesis(ws, { transform });
      for (let i = 0; i < n; i++) {
        const planes = (t: typeof orig) => ({ data: t.data.subarray(i * size, (i + 1) * size), C, H: res, W: res });
        const cmp = samples[start + i]!.compare(planes(orig), planes(moved));
        accumulate(total, cmp);
        const at = 2 * (start + i) * size;
        for (let j = 0; j < size; j++) {
          pairs[at + j] = cmp.ref[j]! * cmp.mask[j]!;
          pairs[at + size + j] = cmp.img[j]! * cmp.mask[j]!;
        }
      }
      ctx.progress((start + n) / B, `${start + n}/${B} images`);
    }
    return { report: { ...(inputs.into ?? {}), [`${params.prefix ?? ''}${EQ_KEYS[params.metric]}`]: psnrOf(total) }, pairs: tensor('float32', [2 * B, C, res, res], pairs) };
  },
});
