/**
 * @stylegraph/ops-gpu — compute for stylegraph: an ONNX graph builder with reverse-mode
 * gradients, execution backends behind one interface, the Compute a host owns (backends and
 * caches), StyleGAN2 networks built from weights, and the model file format. Browser-safe; the
 * Node compute is in `@stylegraph/ops-gpu/node`, the browser one in `@stylegraph/ops-gpu/web`.
 */
export * from './onnx/index.js';
export * from './grad/index.js';
export * from './backend/index.js';
export * from './compute/index.js';
export * from './stylegan/index.js';
export * from './model/index.js';
export * from './import/index.js';
export * from './operators/index.js';
