/** @stylegraph/ops-gpu/web — onnxruntime-web backends (webgpu, wasm) for browsers. */
export { webBackends, registerWebBackends, type WebBackendOptions } from './backend/web.js';
