/** @stylegraph/ops-gpu/web — a compute on onnxruntime-web's backends (webgpu, wasm) for browsers. */
export { createWebCompute, type WebComputeOptions } from './compute/web.js';
export type { Compute } from './compute/compute.js';
export { createWebBackends, webBackend, WEB_PROVIDERS, type WebBackendOptions, type WebProvider, type WasmRuntimeOptions } from './backend/web.js';
export { loadOperatorPackage, operatorOf, type LoadOperatorPackageOptions, type OperatorInfo } from './operators/index.js';
