/** `std/Constant`: a number given as a param. */
import { defineNode, z } from '@stylegraph/core';

export const Constant = defineNode({
  type: 'std/Constant',
  version: 1,
  title: 'Constant',
  category: 'Math',
  description: 'Outputs the number given as its value.',
  inputs: {},
  outputs: { value: { type: 'number' } },
  params: z.object({ value: z.number().default(0).describe('The number to output.') }),
  purity: 'pure',
  run: ({ params }) => ({ value: params.value }),
});
