/**
 * @stylegraph/core — the public face of the core package: graph documents, port types,
 * validation, the plugin API, the executor and the NumPy-exact RNG. Runs in Node and browsers.
 */
export * from './values/tensor.js';
export { readNpy, writeNpy, NpyError } from './values/npy.js';
export { readStoredZip, ZipError } from './values/zip.js';
export { summarizeValue } from './values/summarize.js';

export {
  GRAPH_FORMAT,
  GRAPH_FORMAT_VERSION,
  GraphDocumentSchema,
  GraphNodeSchema,
  GraphEdgeSchema,
  ModelRefSchema,
  PluginLockSchema,
  graphJsonSchema,
  splitPortRef,
  type GraphDocument,
  type GraphNode,
  type GraphEdge,
  type ModelRef,
  type PluginLock,
} from './graph/document.js';
export { serializeGraph } from './graph/serialize.js';
export { parseJson } from './graph/parse.js';
export { DIAGNOSTIC_CODES, formatDiagnostic, hasErrors, type Diagnostic, type DiagnosticCode, type Severity } from './graph/diagnostics.js';
export { checkGraph, type CheckResult, type CheckedGraph } from './graph/validate.js';
export type { ResolvedNode } from './graph/resolve-nodes.js';
export type { Wiring, Source } from './graph/check-edges.js';
export type { ShapeResult, PortShapes } from './graph/check-shapes.js';

export {
  kindOf,
  kindAccepts,
  portDims,
  formatPortType,
  type PortKindRef,
  type PortSpec,
  type DimSpec,
  type PortValueOf,
  type ValueOfKind,
  type Report,
} from './types/port-types.js';
export { definePortKind, type PortKind, type PortKindOptions, type Codec, type EncodedValue, type DecodeContext, type Json } from './types/port-kind.js';
export { CORE_KINDS, isCoreKindName, type CoreKindName } from './types/core-kinds.js';
export { tensorCodec, jsonCodec, frameValue, unframeValue, CodecError } from './values/codecs.js';
export { checkValue } from './types/check-value.js';
export { Unifier, type Term } from './types/unify.js';

export { defineNode, definePlugin, pluginOfModule, PLUGIN_API_VERSION, type NodeDefinition, type AnyNodeDefinition, type PluginDefinition, type ResolvedPlugin, type Purity, type NodeRunArgs, type ShapeInputs, type InferredSizes } from './plugin/define.js';
export { Registry, type RegisteredNode, type NodeTypeInfo, type PortKindInfo, type PortInfo } from './plugin/registry.js';
export { outputPath, seedListParam } from './plugin/params.js';
export type { ParamWidget } from './plugin/param-meta.js';
export { isPackageName } from './plugin/package-name.js';
export { MAX_JSON_DEPTH, tooDeepAt } from './util/json-limits.js';
export { NodeError, AssertionFailed, isNodeError, type NodeErrorLike, type RunContext, type FileAccess, type Logger } from './plugin/context.js';
export type { RunServices, ServiceIdentity, ServiceUse } from './plugin/services.js';

export { execute, defaultTargets, type ExecuteOptions, type BatchShardRun } from './exec/executor.js';
export {
  planMemory,
  bindOutputSizes,
  formatBytes,
  describeOutput,
  MAX_TENSOR_ELEMENTS,
  type MemoryPlan,
  type PlannedOutput,
  type PlanOptions,
  type RunSizes,
  type ShapedGraph,
} from './exec/memory-plan.js';
export { DTYPE_BYTES, plannedElement } from './types/port-dtypes.js';
export { MemoryCache, type OutputCache, type CacheEntry, type CacheContext } from './exec/cache.js';
export { valueStream, type ValueSink, type ValueStream } from './exec/value-stream.js';
export type { RunEvent, RunSummary, NodeResult, NodeStatus, NodeFailure, RunStatus } from './exec/events.js';

export * from './rng/index.js';
export { canonicalJson, sha256Hex } from './util/hash.js';

/** The zod instance node params are written with; plugins import it from here so schemas match. */
export { z } from 'zod';

// Plugins across a process or Worker boundary: described as data, run on the other side.
export * from './remote/wire.js';
export { describePlugin } from './remote/describe.js';
export { servePlugin, errorWire, type PluginServerOptions } from './remote/serve.js';
export { remotePlugin, CANCEL_GRACE_MS, type PluginLink, type RemoteCall, type RemotePluginOptions } from './remote/proxy.js';
export { isOpaque, proxyKind, wireCodec, encodeForWire, type OpaqueValue } from './remote/values.js';
