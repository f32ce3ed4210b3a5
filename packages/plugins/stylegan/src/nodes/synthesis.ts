/**
 * `stylegan/Synthesis`: W+ (+ noise, + a StyleGAN3 input transform) → images `[B, C, res, res]`
 * in −1…1, in batches.
 */
import { NodeError, defineNode, tensor, z, type Tensor } from '@stylegraph/core';
import { isStyleGAN3Generator, runtime } from '../generator-value.js';
import { isIdentityTransform, type StyleGAN2 } from '@stylegraph/ops-gpu';
import type { NoiseSpec } from './noise.js';
import { Generator, Noise, Transform, WPlus } from '../kinds.js';

/** Random maps for images start…start+n−1 (job-wide indices), image i drawn from seed + i (so batching and sharding never change them). */
function randomMaps(sg: StyleGAN2, seed: number, start: number, n: number): Record<string, Tensor<'float32'>> {
  const per = Array.from({ length: n }, (_, i) => sg.noiseMaps('random', 1, (seed + start + i) % 2 ** 32));
  return Object.fromEntries(
    Object.keys(per[0]!).map((layer) => {
      const one = per[0]![layer]!;
      const size = one.data.length;
      const data = new Float32Array(n * size);
      per.forEach((m, i) => data.set(m[layer]!.data, i * size));
      return [layer, tensor('float32', [n, ...one.dims.slice(1)], data)];
    }),
  );
}

/** Images start…start+n−1 of explicit maps (one map set for the whole batch when its batch is 1). */
function sliceMaps(noise: NoiseSpec, B: number, start: number, n: number): Record<string, Tensor<'float32'>> {
  return Object.fromEntries(
    Object.entries(noise.maps ?? {}).map(([layer, t]) => {
      const [mb, ...rest] = t.dims;
      const size = rest.reduce((a, b) => a * b, 1);
      if (mb !== 1 && mb !== B) throw new NodeError('SHAPE_MISMATCH', `noise map ${layer} holds ${mb} images but W+ has ${B}`);
      const data = new Float32Array(n * size);
      for (let i = 0; i < n; i++) data.set(t.data.subarray((mb === 1 ? 0 : start + i) * size, ((mb === 1 ? 0 : start + i) + 1) * size), i * size);
      return [layer, tensor('float32', [n, ...rest], data)];
    }),
  );
}

export const Synthesis = defineNode({
  type: 'stylegan/Synthesis',
  version: 1,
  title: 'Synthesis',
  category: 'StyleGAN',
  description:
    'The synthesis network. Without a noise input it uses the model’s stored (const) noise, like generate.py --noise-mode=const. A StyleGAN3 generator takes an input transform (one for the batch or one per image; default: the one stored with the model) and has no noise inputs.',
  inputs: {
    generator: { type: Generator },
    w: { type: WPlus },
    noise: { type: Noise, optional: true },
    transform: { type: Transform, optional: true },
  },
  outputs: { image: { type: 'Image', shape: ['B', 'C', 'res', 'res'] } },
  params: z.object({ batchSize: z.number().int().min(1).max(256).default(8).describe('Images per network run.') }),
  purity: 'pure',
  run: async ({ inputs, params, ctx }) => {
    const sg = runtime(inputs.generator, ctx);
    const { numWs, wDim, C, res } = inputs.generator.dims;
    const B = inputs.w.dims[0]!;
    if (inputs.w.dims[1] !== numWs || inputs.w.dims[2] !== wDim) {
      throw new NodeError('SHAPE_MISMATCH', `W+ is [${inputs.w.dims.join(', ')}] but this generator needs [B, ${numWs}, ${wDim}]`);
    }
    const sg3 = isStyleGAN3Generator(inputs.generator);
    if (sg3 && inputs.noise) ctx.log.warn('this StyleGAN3 generator has no noise inputs; the noise input is ignored');
    const noise = sg3 ? undefined : (inputs.noise as NoiseSpec | undefined);
    const transform = inputs.transform;
    const T = transform?.dims[0];
    if (!sg3 && transform && !isIdentityTransform(transform)) {
      throw new NodeError('TRANSFORM_UNSUPPORTED', 'this is a StyleGAN2 generator; only StyleGAN3 generators take an input transform (translate/rotate) — disconnect the transform input');
    }
    if (T !== undefined && T !== 1 && T !== B) throw new NodeError('SHAPE_MISMATCH', `the transform input holds ${T} transforms but W+ has ${B} images (give 1 or ${B})`);
    const out = new Float32Array(B * C * res * res);
    for (let start = 0; start < B; start += params.batchSize) {
      ctx.throwIfAborted();
      const n = Math.min(params.batchSize, B - start);
      const ws: Tensor<'float32'> = tensor('float32', [n, numWs, wDim], inputs.w.data.slice(start * numWs * wDim, (start + n) * numWs * wDim));
      const { img } = await sg.synthesis(ws, {
        noise:
          noise?.mode === 'random' ? randomMaps(sg, noise.seed, (ctx.batchOffset ?? 0) + start, n)
          : noise?.mode === 'maps' ? sliceMaps(noise, B, start, n)
          : (noise?.mode ?? 'const'),
        ...(noise && { noiseScale: noise.scale }),
        ...(transform && { transform: T === 1 ? tensor('float32', [3, 3], transform.data) : tensor('float32', [n, 3, 3], transform.data.slice(start * 9, (start + n) * 9)) }),
      });
      out.set(img.data, start * C * res * res);
      ctx.progress((start + n) / B, `${start + n}/${B} images`);
    }
    return { image: tensor('float32', [B, C, res, res], out) };
  },
});
