/**
 * A browser compute: onnxruntime-web's webgpu and wasm backends, `auto` = webgpu (on a
 * hardware adapter, or a software one with `allowSoftwareAdapter`) → wasm.
 */
import { configureWasmRuntime, createWebBackends, WEB_PROVIDERS, type WasmRuntimeOptions, type WebBackendOptions } from '../backend/web.js';
import { Compute, type ComputeOptions } from './compute.js';

export interface WebComputeOptions extends Omit<ComputeOptions, 'backends' | 'auto'>, WebBackendOptions, WasmRuntimeOptions {}

/**
 * A new compute with its own browser backends and caches. `wasmPaths` and `threads` go to
 * onnxruntime-web's environment, of which a page has one (see configureWasmRuntime).
 */
export function createWebCompute(opts: WebComputeOptions = {}): Compute {
  const { allowSoftwareAdapter, wasmPaths, threads, ...compute } = opts;
  configureWasmRuntime({ ...(wasmPaths !== undefined && { wasmPaths }), ...(threads !== undefined && { threads }) });
  return Compute.create({ ...compute, backends: createWebBackends({ ...(allowSoftwareAdapter !== undefined && { allowSoftwareAdapter }) }), auto: WEB_PROVIDERS });
}
