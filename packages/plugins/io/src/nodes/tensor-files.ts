/** `io/SaveTensor` and `io/LoadTensor`: tensors as NumPy `.npy` files (W+, z, images …). */
import { NodeError, NpyError, defineNode, outputPath, readNpy, writeNpy, z } from '@stylegraph/core';

const NpyPath = z
  .string()
  .regex(/^[^\\]*\.npy$/, 'a path ending in .npy')
  .refine((p) => !p.split('/').includes('..'), 'may not contain ".."');

export const SaveTensor = defineNode({
  type: 'io/SaveTensor',
  version: 1,
  title: 'Save tensor',
  category: 'Tensor I/O',
  description: 'Writes a tensor as a NumPy .npy file (np.load reads it).',
  inputs: { tensor: { type: 'Tensor' } },
  outputs: { path: { type: 'string' } },
  params: z.object({ path: outputPath('npy').default('tensor.npy').describe('File name inside the output folder.') }),
  purity: 'effect',
  run: async ({ inputs, params, ctx }) => ({ path: await ctx.files.write(params.path, writeNpy(inputs.tensor)) }),
});

export const LoadTensor = defineNode({
  type: 'io/LoadTensor',
  version: 1,
  title: 'Load tensor',
  category: 'Tensor I/O',
  description: 'Reads a NumPy .npy file (little-endian, C order).',
  inputs: {},
  outputs: { tensor: { type: 'Tensor' } },
  params: z.object({ path: NpyPath.describe('The .npy file, relative to the graph.') }),
  fileParams: ['path'],
  purity: 'pure',
  run: async ({ params, ctx }) => {
    try {
      return { tensor: readNpy(await ctx.files.read(params.path), params.path) };
    } catch (e) {
      if (e instanceof NpyError) throw new NodeError('TENSOR_FILE', e.message);
      throw e;
    }
  },
});
