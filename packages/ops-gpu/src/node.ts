/**
 * @stylegraph/ops-gpu/node — the Node-only parts: onnxruntime-node backends (cpu, webgpu,
 * cuda, tensorrt) and model folders on disk.
 */
export { nodeBackends, registerNodeBackends } from './backend/node.js';
export { folderSource, saveModel, type ModelToSave } from './model/node-files.js';
