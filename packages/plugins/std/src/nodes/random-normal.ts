/**
 * `std/RandomNormal`: standard-normal samples, exactly `np.random.RandomState(seed).randn(*shape)`.
 */
import { defineNode, sizeOf, tensor, z } from '@stylegraph/core';

export const RandomNormal = defineNode({
  type: 'std/RandomNormal',
  version: 1,
  title: 'Random normal',
  category: 'Random',
  description: 'Samples N(0, 1) exactly as NumPy’s np.random.RandomState(seed).randn(*shape) does.',
  inputs: {},
  // Its rank is the param's, so the port states only the element count N.
  outputs: { tensor: { type: 'Tensor', elements: 'N' } },
  params: z.object({
    seed: z.number().int().min(0).max(0xffffffff).default(0).describe('Seed, 0 … 2³²−1, as in NumPy.').meta({ widget: 'seed' }),
    shape: z
      .array(z.number().int().min(1).max(1 << 20))
      .min(1)
      .max(6)
      .default([1, 512])
      .refine((s) => sizeOf(s) <= 1 << 26, 'at most 2^26 elements')
      .describe('Shape of the output tensor.'),
    dtype: z.enum(['float32', 'float64']).default('float64').describe('float64 keeps NumPy’s exact values.'),
  }),
  inferShapes: (p) => ({ N: sizeOf(p.shape) }),
  purity: 'pure',
  run: ({ params, ctx }) => {
    const values = ctx.random(params.seed).randn(sizeOf(params.shape));
    const data = params.dtype === 'float32' ? Float32Array.from(values) : values;
    return { tensor: tensor(params.dtype, params.shape, data) };
  },
});
