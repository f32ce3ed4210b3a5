/** Calibration from the `real` (and optional `generated`) image inputs of a node, scored by the node's own scorer. */
import { NodeError, type Tensor } from '@stylegraph/core';
import { calibrate, type Calibration } from './calibration.js';

export async function calibrateFromInputs(
  node: string,
  score: (images: Tensor<'float32'>) => Promise<Float64Array>,
  real: Tensor<'float32'> | undefined,
  generated: Tensor<'float32'> | undefined,
): Promise<Calibration> {
  if (!real) throw new NodeError('INPUT_MISSING', `${node}: connect "real" (real images of the domain, at least 20) to fix the threshold, or give a calibration card`);
  if (real.dims[0]! < 20) throw new NodeError('INPUT_INVALID', `${node}: "real" has ${real.dims[0]} images; calibration needs at least 20 (1,000 or more for FPR 0.1 %)`);
  return calibrate(await score(real), generated ? await score(generated) : undefined);
}
