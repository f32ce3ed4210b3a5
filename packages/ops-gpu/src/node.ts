/**
 * @stylegraph/ops-gpu/node — the Node-only parts: a compute on onnxruntime-node's backends
 * (cpu, webgpu, cuda, tensorrt) and model folders on disk.
 */
export { createNodeCompute, type NodeComputeOptions } from './compute/node.js';
export type { Compute } from './compute/compute.js';
export { createNodeBackends, nodeBackend, NODE_AUTO_ORDER, NODE_PROVIDERS, type NodeProvider } from './backend/node.js';
export { folderSource, saveModel, type ModelToSave } from './model/node-files.js';
