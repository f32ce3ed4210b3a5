/** `stylegan/Mapping`: z (+ class) → W+ `[B, numWs, wDim]`. */
import { NodeError, defineNode, tensor, z } from '@stylegraph/core';
import { runtime } from '../generator-value.js';
import { C, Generator, WPlus, Z } from '../kinds.js';

export const Mapping = defineNode({
  type: 'stylegan/Mapping',
  version: 1,
  title: 'Mapping',
  category: 'StyleGAN',
  description: 'The mapping network: z (and a class for conditional models) to W+.',
  inputs: {
    generator: { type: Generator },
    z: { type: Z },
    c: { type: C, optional: true, description: 'One-hot classes; overrides the classIndex param.' },
  },
  outputs: { w: { type: WPlus } },
  params: z.object({
    classIndex: z.number().int().min(0).optional().describe('Class for conditional models (when no c input).'),
  }),
  purity: 'pure',
  run: async ({ inputs, params, ctx }) => {
    const { cDim } = inputs.generator.dims;
    const B = inputs.z.dims[0]!;
    let c = inputs.c;
    if (!c && cDim > 0) {
      if (params.classIndex === undefined) throw new NodeError('CLASS_MISSING', `this generator is class-conditional (${cDim} classes): connect c or set classIndex`);
      if (params.classIndex >= cDim) throw new NodeError('CLASS_OUT_OF_RANGE', `classIndex ${params.classIndex} is outside 0…${cDim - 1}`);
      const data = new Float32Array(B * cDim);
      for (let b = 0; b < B; b++) data[b * cDim + params.classIndex] = 1;
      c = tensor('float32', [B, cDim], data);
    }
    return { w: await runtime(inputs.generator, ctx).mapping(inputs.z, c) };
  },
});
