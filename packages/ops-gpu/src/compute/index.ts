/**
 * The Compute a host owns (backends, caches with byte budgets, onnxruntime memory settings),
 * environment-neutral: Node's is made by `createNodeCompute` (`@stylegraph/ops-gpu/node`),
 * a browser's by `createWebCompute` (`@stylegraph/ops-gpu/web`).
 */
export { Compute, DEFAULT_MODEL_BYTES, DEFAULT_ORT_MEMORY, DEFAULT_SESSION_BYTES, type ComputeOptions, type ComputeServices, type ModelRecipe, type Precision } from './compute.js';
export { ByteLru } from './byte-lru.js';
export { ModelBytesCache } from './model-cache.js';
export { SessionCache, type OpenedSession } from './session-cache.js';
