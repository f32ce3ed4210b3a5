/**
 * Small generated values for a node's inputs, by port kind, so every node can be run once
 * without hand-written fixtures: an Image is float32 [1, 3, 8, 8] in −1…1 (seeded), other
 * tensor kinds take sizes from the params (`inferShapes`) or B = 1, C = 3 and 8 otherwise.
 */
import { kindOf, portDims, type AnyNodeDefinition, type PortSpec } from '@stylegraph/core';
import { randomTensor, tensor } from './tensors.js';

/** Sizes of dimension variables no param determines. */
export const SAMPLE_SIZES: Readonly<Record<string, number>> = { B: 1, C: 3, H: 8, W: 8 };
const OTHER_SIZE = 8;

const SCALARS: Readonly<Record<string, unknown>> = { number: 0.5, integer: 1, string: 'sample', boolean: false, Report: {} };

/** A value for every required input of `def` with `params`, or why one cannot be made. */
export function sampleInputs(def: AnyNodeDefinition, params: Record<string, unknown>, seed = 0): { inputs: Record<string, unknown> } | { skip: string } {
  const required = Object.entries(def.inputs).filter(([, spec]) => !spec.optional);
  let known: Readonly<Record<string, number | undefined>> = {};
  try {
    known = def.inferShapes?.(params as never, { dims: {}, connected: new Set(required.map(([p]) => p)) }) ?? {};
  } catch {
    // Sizes the params cannot tell yet: the defaults below.
  }
  const size = (d: string | number) => (typeof d === 'number' ? d : (known[d] ?? SAMPLE_SIZES[d] ?? OTHER_SIZE));
  const inputs: Record<string, unknown> = {};
  for (const [i, [port, spec]] of required.entries()) {
    const v = sample(spec, size, seed + i);
    if (v === undefined) return { skip: `input "${port}" is a ${kindOf(spec).name}, which checkPlugin cannot make; test the node with runNode` };
    inputs[port] = v;
  }
  return { inputs };
}

function sample(spec: PortSpec, size: (d: string | number) => number, seed: number): unknown {
  const kind = kindOf(spec);
  if (!kind.tensor) return Object.hasOwn(SCALARS, kind.name) ? SCALARS[kind.name] : undefined;
  const dims = (portDims(spec) ?? [OTHER_SIZE]).map(size);
  const dtype = kind.dtype ?? 'float32';
  if (dtype === 'float32' || dtype === 'float64') return randomTensor(dims, { seed, dtype });
  return tensor(dtype, dims);
}
