/** `std/Statistic`: a summary number of a tensor (mean, std, min, max, sum, L2 norm). */
import { NodeError, defineNode, z } from '@stylegraph/core';

type Stat = 'mean' | 'std' | 'min' | 'max' | 'sum' | 'l2';

function statistic(stat: Stat, x: ArrayLike<number>): number {
  const n = x.length;
  let sum = 0;
  let sq = 0;
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < n; i++) {
    const v = x[i]!;
    sum += v;
    sq += v * v;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  const mean = sum / n;
  switch (stat) {
    case 'mean':
      return mean;
    case 'std': {
      // Population std (NumPy's default ddof=0), two-pass for accuracy.
      let acc = 0;
      for (let i = 0; i < n; i++) acc += (x[i]! - mean) ** 2;
      return Math.sqrt(acc / n);
    }
    case 'min':
      return min;
    case 'max':
      return max;
    case 'sum':
      return sum;
    case 'l2':
      return Math.sqrt(sq);
  }
}

export const Statistic = defineNode({
  type: 'std/Statistic',
  version: 1,
  title: 'Statistic',
  category: 'Math',
  description: 'Mean, standard deviation (ddof 0), min, max, sum or L2 norm over all elements of a tensor.',
  inputs: { tensor: { type: 'Tensor' } },
  outputs: { value: { type: 'number' } },
  params: z.object({ stat: z.enum(['mean', 'std', 'min', 'max', 'sum', 'l2']).default('mean').describe('Which statistic.') }),
  purity: 'pure',
  run: ({ inputs, params }) => {
    const t = inputs.tensor;
    if (t.data.length === 0) throw new NodeError('TENSOR_EMPTY', 'the tensor has no elements');
    if (t.dtype === 'int64') throw new NodeError('TENSOR_DTYPE', 'int64 tensors are not supported here');
    return { value: statistic(params.stat, t.data as ArrayLike<number>) };
  },
});
