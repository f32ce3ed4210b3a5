/**
 * What an operator plugin needs to know of an ONNX model it did not build: the graph's inputs
 * and outputs with their element types and shapes, its named nodes and their attributes; and
 * a copy of the model with some node attributes set to other values. Browser-safe.
 */
import { fromBinary, toBinary } from '@bufbuild/protobuf';
import type { DType } from '@stylegraph/core';
import { AttributeProto_AttributeType as AT, ModelProtoSchema, type ModelProto, type ValueInfoProto } from 'onnx-buf';
import { ONNX_DTYPE } from '../onnx/dtype.js';

/** A graph input or output as the model declares it. */
export interface OnnxValue {
  readonly name: string;
  /** The element type, when it is one host tensors can carry. */
  readonly dtype?: DType;
  /** The declared ONNX element type code (0 when none is declared), or -1 for a non-tensor value. */
  readonly elemType: number;
  /** Declared dimensions (a size, a symbol, or undefined for an unnamed one); undefined when the shape is not declared. */
  readonly dims?: readonly (number | string | undefined)[];
  /** Inputs only: the model holds an initializer of this name, so feeding it is optional. */
  readonly hasDefault: boolean;
}

/** A node's attribute types by attribute name. */
export type OnnxAttributes = ReadonlyMap<string, AT>;

export interface OnnxSignature {
  readonly inputs: ReadonlyMap<string, OnnxValue>;
  readonly outputs: ReadonlyMap<string, OnnxValue>;
  /** Nodes of the main graph by name (unnamed nodes are left out); `null` for a name more than one node has. */
  readonly nodes: ReadonlyMap<string, { readonly opType: string; readonly attributes: OnnxAttributes } | null>;
}

const DTYPE_OF = new Map<number, DType>(Object.entries(ONNX_DTYPE).map(([d, code]) => [code, d as DType]));

/** The name of an ONNX element type code. */
export function onnxTypeName(code: number): string {
  const d = DTYPE_OF.get(code);
  if (d) return d;
  const names: Record<number, string> = { 0: 'undeclared', 3: 'int8', 4: 'uint16', 5: 'int16', 8: 'string', 10: 'float16', 12: 'uint32', 13: 'uint64', 16: 'bfloat16' };
  return names[code] ?? `ONNX type ${code}`;
}

/** An attribute type's name, as ONNX writes it. */
export const attributeTypeName = (t: AT): string => AT[t] ?? `type ${t}`;
export { AT as AttributeType };

function value(v: ValueInfoProto, initializers: ReadonlySet<string>): OnnxValue {
  const hasDefault = initializers.has(v.name);
  if (v.type?.value.case !== 'tensorType') return { name: v.name, elemType: v.type ? -1 : 0, hasDefault };
  const t = v.type.value.value;
  const dtype = DTYPE_OF.get(t.elemType);
  const dims = t.shape?.dim.map((d) => (d.value.case === 'dimValue' ? Number(d.value.value) : d.value.case === 'dimParam' ? d.value.value : undefined));
  return { name: v.name, elemType: t.elemType, hasDefault, ...(dtype && { dtype }), ...(dims && { dims }) };
}

/** Decodes model bytes; throws an Error saying why they are not an ONNX model. */
export function decodeModel(bytes: Uint8Array): ModelProto {
  let model: ModelProto;
  try {
    model = fromBinary(ModelProtoSchema, bytes);
  } catch (e) {
    throw new Error(`not an ONNX model (${e instanceof Error ? e.message : String(e)})`, { cause: e });
  }
  if (!model.graph || model.irVersion <= 0n) throw new Error('not an ONNX model (no IR version or no graph)');
  if (model.graph.output.length === 0) throw new Error('not an ONNX model (its graph has no outputs)');
  return model;
}

/** The inputs, outputs and named nodes of an ONNX model. */
export function readSignature(bytes: Uint8Array): OnnxSignature {
  const g = decodeModel(bytes).graph!;
  const inits = new Set(g.initializer.map((t) => t.name));
  const nodes = new Map<string, { opType: string; attributes: Map<string, AT> } | null>();
  for (const n of g.node) {
    if (!n.name) continue;
    nodes.set(n.name, nodes.has(n.name) ? null : { opType: n.opType, attributes: new Map(n.attribute.map((a) => [a.name, a.type])) });
  }
  return {
    inputs: new Map(g.input.map((v) => [v.name, value(v, inits)])),
    outputs: new Map(g.output.map((v) => [v.name, { ...value(v, inits), hasDefault: false }])),
    nodes,
  };
}

/** A node attribute to set, with the value of the type it has in the model. */
export interface AttributePatch {
  readonly node: string;
  readonly name: string;
  readonly value: number | boolean | string;
}

/**
 * A copy of the model with the given node attributes set (each node must be named uniquely and
 * already have the attribute; FLOAT, INT and STRING attributes). The input bytes are not changed.
 */
export function patchAttributes(bytes: Uint8Array, patches: readonly AttributePatch[]): Uint8Array {
  const model = decodeModel(bytes);
  const g = model.graph!;
  for (const p of patches) {
    const nodes = g.node.filter((n) => n.name === p.node);
    if (nodes.length !== 1) throw new Error(`the model has ${nodes.length} nodes named "${p.node}"`);
    const attr = nodes[0]!.attribute.find((a) => a.name === p.name);
    if (!attr) throw new Error(`node "${p.node}" has no attribute "${p.name}"`);
    switch (attr.type) {
      case AT.FLOAT:
        if (typeof p.value !== 'number') throw new Error(`attribute "${p.name}" of node "${p.node}" is FLOAT, not ${typeof p.value}`);
        attr.f = p.value;
        break;
      case AT.INT:
        if (typeof p.value === 'string' || (typeof p.value === 'number' && !Number.isSafeInteger(p.value))) throw new Error(`attribute "${p.name}" of node "${p.node}" is INT, not ${JSON.stringify(p.value)}`);
        attr.i = BigInt(typeof p.value === 'boolean' ? Number(p.value) : p.value);
        break;
      case AT.STRING:
        if (typeof p.value !== 'string') throw new Error(`attribute "${p.name}" of node "${p.node}" is STRING, not ${typeof p.value}`);
        attr.s = new TextEncoder().encode(p.value);
        break;
      default:
        throw new Error(`attribute "${p.name}" of node "${p.node}" is ${attributeTypeName(attr.type)}; only FLOAT, INT and STRING attributes can be set`);
    }
  }
  return toBinary(ModelProtoSchema, model);
}
