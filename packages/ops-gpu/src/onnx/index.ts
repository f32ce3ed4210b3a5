/**
 * ONNX graph building: symbolic shapes, the primitive vocabulary, the typed builder, model
 * serialization and model caching. Browser-safe (no Node built-ins, no onnxruntime).
 */
export { GraphBuilder, type Operand } from './builder.js';
export { Graph, Value, type NodeRecord, type ValueSource } from './graph.js';
export {
  broadcastShapes,
  dimAdd,
  dimDiv,
  dimEq,
  dimMul,
  isStaticShape,
  normDim,
  numel,
  shapeEq,
  shapeString,
  type Dim,
  type Shape,
} from './dims.js';
export { isFloat, ONNX_DTYPE, type DType } from './dtype.js';
export { GraphError, type GraphErrorCode, type GraphErrorContext } from './errors.js';
export { OPS, OP_NAMES, opDef, type AttrsOf, type OpName } from './ops/table.js';
export type { OpDef, ValueInfo } from './ops/def.js';
export type { ClipAttrs, LeakyReluAttrs, PowAttrs, CastAttrs } from './ops/elementwise.js';
export type { ConvAttrs, ConvTransposeAttrs, GemmAttrs } from './ops/linear.js';
export type { SliceAttrs, PadAttrs, AxisAttrs } from './ops/indexing.js';
export type { ReduceAttrs } from './ops/reduce.js';
export { IR_VERSION, OPSET, serializeGraph, type ModelOptions } from './serialize.js';
export { cacheKey, hashBytes } from './cache.js';
export { importOnnx, onnxInterface, tensorFromProto, type ImportOptions } from './import.js';
export { scalarTensor, int64Tensor } from './tensor-proto.js';
