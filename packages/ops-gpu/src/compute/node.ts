/**
 * A Node compute: onnxruntime-node's cpu, webgpu, cuda and tensorrt backends, `auto` = cuda →
 * cpu (webgpu and tensorrt are opt-in by name, see backend/node.ts).
 */
import { createNodeBackends, NODE_AUTO_ORDER } from '../backend/node.js';
import { Compute, type ComputeOptions } from './compute.js';

export type NodeComputeOptions = Omit<ComputeOptions, 'backends' | 'auto'>;

/** A new compute with its own Node backends and caches. */
export function createNodeCompute(opts: NodeComputeOptions = {}): Compute {
  return Compute.create({ ...opts, backends: createNodeBackends(), auto: NODE_AUTO_ORDER });
}
