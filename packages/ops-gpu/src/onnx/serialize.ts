/**
 * Writes a graph as an ONNX ModelProto (opset 17, IR version 8): prunes nodes the requested
 * outputs do not need, turns attribute-like inputs into shared constants, computes symbolic
 * shapes at run time from the graph inputs that bind their symbols, and names each output
 * through an Identity node.
 */
import { create } from '@bufbuild/protobuf';
import {
  AttributeProto_AttributeType as AT,
  AttributeProtoSchema,
  GraphProtoSchema,
  ModelProtoSchema,
  NodeProtoSchema,
  OperatorSetIdProtoSchema,
  TensorShapeProto_DimensionSchema,
  TypeProtoSchema,
  ValueInfoProtoSchema,
  type AttributeProto,
  type NodeProto,
  type TensorProto,
  type ValueInfoProto,
} from 'onnx-buf';
import { dimFactors, type Shape } from './dims.js';
import { ONNX_DTYPE, type DType } from './dtype.js';
import { GraphError } from './errors.js';
import type { Graph } from './graph.js';
import type { AttrValue, ExtraInput } from './ops/def.js';
import { opDef } from './ops/table.js';
import { modelBytes } from './model-bytes.js';
import { int64Tensor, scalarTensor, tensorToProto } from './tensor-proto.js';

export const OPSET = 17;
export const IR_VERSION = 8;

export interface ModelOptions {
  /** Outputs and taps to expose, by name; default: every named output. */
  readonly outputs?: readonly string[];
  /** Model graph name. */
  readonly name?: string;
}

function attribute(name: string, v: AttrValue): AttributeProto {
  if ('int' in v) return create(AttributeProtoSchema, { name, type: AT.INT, i: BigInt(v.int) });
  if ('ints' in v) return create(AttributeProtoSchema, { name, type: AT.INTS, ints: v.ints.map((x) => BigInt(x)) });
  if ('float' in v) return create(AttributeProtoSchema, { name, type: AT.FLOAT, f: v.float });
  return create(AttributeProtoSchema, { name, type: AT.STRING, s: new TextEncoder().encode(v.string) });
}

function valueInfo(name: string, dtype: DType, shape: Shape): ValueInfoProto {
  const dim = shape.map((d) =>
    create(TensorShapeProto_DimensionSchema, {
      value: typeof d === 'number' ? { case: 'dimValue', value: BigInt(d) } : { case: 'dimParam', value: d },
    }),
  );
  const type = create(TypeProtoSchema, { value: { case: 'tensorType', value: { elemType: ONNX_DTYPE[dtype], shape: { dim } } } });
  return create(ValueInfoProtoSchema, { name, type });
}

/** Accumulates nodes and constants for one model. */
class ModelWriter {
  readonly nodes: NodeProto[] = [];
  readonly initializers: TensorProto[] = [];
  private consts = new Map<string, string>();
  private used = new Set<number>();
  private n = 0;

  constructor(private readonly g: Graph) {}

  valueName(id: number): string {
    const src = this.g.source(id);
    if (src.kind === 'node') return `${this.g.nodes[src.node]?.name}:${src.index}`;
    if (src.kind === 'initializer' && !this.used.has(id)) {
      this.used.add(id);
      this.initializers.push(tensorToProto(src.name, src.tensor));
    }
    return src.name;
  }

  emit(opType: string, inputs: readonly string[], outputs: readonly string[], attrs: Record<string, AttrValue> = {}, name?: string): void {
    this.nodes.push(
      create(NodeProtoSchema, {
        opType,
        name: name ?? `lowered_${this.n++}`,
        input: [...inputs],
        output: [...outputs],
        attribute: Object.entries(attrs).map(([k, v]) => attribute(k, v)),
      }),
    );
  }

  extraInput(e: ExtraInput): string {
    switch (e.kind) {
      case 'none':
        return '';
      case 'int64s':
        return this.constant(`i64:${e.values.join(',')}`, () => int64Tensor(e.values));
      case 'scalar':
        return this.constant(`${e.dtype}:${e.value}`, () => scalarTensor(e.value, e.dtype));
      case 'shape':
        return this.shapeTensor(e.dims);
    }
  }

  private constant(key: string, make: () => ReturnType<typeof int64Tensor> | ReturnType<typeof scalarTensor>): string {
    const hit = this.consts.get(key);
    if (hit) return hit;
    const name = `lowered.const.${this.consts.size}`;
    this.consts.set(key, name);
    this.initializers.push(tensorToProto(name, make()));
    return name;
  }

  /** A 1-D int64 tensor holding `dims`, with symbols read from the inputs that bind them. */
  private shapeTensor(dims: Shape): string {
    if (dims.every((d): d is number => typeof d === 'number')) return this.extraInput({ kind: 'int64s', values: dims });
    const key = `shape:${dims.join(',')}`;
    const hit = this.consts.get(key);
    if (hit) return hit;
    const parts = dims.map((d) => {
      if (typeof d === 'number') return this.extraInput({ kind: 'int64s', values: [d] });
      const { coef, symbols } = dimFactors(d);
      let acc = coef === 1 ? undefined : this.extraInput({ kind: 'int64s', values: [coef] });
      for (const s of symbols) {
        const f = this.symbolDim(s);
        acc = acc === undefined ? f : this.binary('Mul', acc, f);
      }
      return acc as string;
    });
    const out = `lowered.shape.${this.n++}`;
    this.emit('Concat', parts, [out], { axis: { int: 0 } });
    this.consts.set(key, out);
    return out;
  }

  private symbolDim(symbol: string): string {
    const key = `sym:${symbol}`;
    const hit = this.consts.get(key);
    if (hit) return hit;
    const src = this.g.symbolSource(symbol);
    if (!src) throw new GraphError('graph', `symbolic dim "${symbol}" is not bound by any graph input, so its size is unknown at run time`);
    const out = `lowered.dim.${symbol}`;
    this.emit('Shape', [src.input], [out], { start: { int: src.axis }, end: { int: src.axis + 1 } });
    this.consts.set(key, out);
    return out;
  }

  private binary(op: string, a: string, b: string): string {
    const out = `lowered.v.${this.n++}`;
    this.emit(op, [a, b], [out]);
    return out;
  }
}

/** Ids of the nodes needed to compute the given values, in topological order. */
function neededNodes(g: Graph, targets: readonly number[]): number[] {
  const need = new Set<number>();
  const stack = [...targets];
  while (stack.length) {
    const src = g.source(stack.pop() as number);
    if (src.kind !== 'node' || need.has(src.node)) continue;
    need.add(src.node);
    for (const i of g.nodes[src.node]?.inputs ?? []) if (i !== undefined) stack.push(i);
  }
  return [...need].sort((a, b) => a - b);
}

/** Serializes a graph to ONNX model bytes. */
export function serializeGraph(g: Graph, opts: ModelOptions = {}): Uint8Array {
  const named = new Map([...g.outputs, ...g.taps]);
  const names = opts.outputs ?? [...g.outputs.keys()];
  if (names.length === 0) throw new GraphError('graph', 'the graph has no outputs to write');
  if (new Set(names).size !== names.length) throw new GraphError('graph', `outputs repeat a name: ${names.join(', ')}`);
  const outs = names.map((n) => {
    const v = named.get(n);
    if (!v) throw new GraphError('graph', `unknown output or tap "${n}" (known: ${[...named.keys()].join(', ')})`);
    return [n, v] as const;
  });
  const w = new ModelWriter(g);
  for (const id of neededNodes(g, outs.map(([, v]) => v.id))) {
    const node = g.nodes[id];
    if (!node) continue;
    const def = opDef(node.op);
    const infos = node.inputs.map((i) => (i === undefined ? undefined : g.value(i)));
    const enc = def.encode?.(node.attrs, infos) ?? {};
    // Extra inputs sit at fixed ONNX positions right after the declared value inputs.
    const extra = (enc.extraInputs ?? []).map((e) => w.extraInput(e));
    const width = extra.length ? def.inputs.length : node.inputs.length;
    const inputs = Array.from({ length: width }, (_, k) => node.inputs[k]);
    const all = [...inputs.map((i) => (i === undefined ? '' : w.valueName(i))), ...extra];
    while (all.length && all[all.length - 1] === '') all.pop();
    w.emit(def.onnx, all, node.outputs.map((o) => w.valueName(o)), { ...enc.attributes }, node.name);
  }
  for (const [n, v] of outs) w.emit('Identity', [w.valueName(v.id)], [n], {}, `output:${n}`);
  const inputNames = new Set<string>();
  const inputs = g.inputs.map((v) => {
    const name = w.valueName(v.id);
    inputNames.add(name);
    return valueInfo(name, v.dtype, v.shape);
  });
  const taken = new Set([...inputNames, ...w.initializers.map((t) => t.name), ...w.nodes.slice(0, -outs.length).flatMap((n) => n.output)]);
  for (const [n] of outs) if (taken.has(n)) throw new GraphError('graph', `output "${n}" has the name of another value in the graph`);
  const graph = create(GraphProtoSchema, {
    name: opts.name ?? 'stylegraph',
    node: w.nodes,
    input: inputs,
    output: outs.map(([n, v]) => valueInfo(n, v.dtype, v.shape)),
  });
  const model = create(ModelProtoSchema, {
    irVersion: BigInt(IR_VERSION),
    producerName: 'stylegraph',
    opsetImport: [create(OperatorSetIdProtoSchema, { domain: '', version: BigInt(OPSET) })],
  });
  return modelBytes(model, graph, w.initializers);
}
