/**
 * `importOnnx`: an ONNX model's nodes as builder primitives inside another graph, so a feature
 * network stored as .onnx (a perceptual loss, a discriminator) becomes part of a graph that
 * `buildGradient` differentiates. Only the nodes the requested outputs depend on are imported;
 * initializers become (prefixed) weights, never differentiated. Ops outside the builder's
 * vocabulary that have an exact rewrite into it are rewritten (Flatten, BatchNormalization in
 * inference form, AveragePool without padding, GlobalAveragePool, MaxPool with stride = kernel
 * as VGG has); any other op is refused with its name and node.
 */
import { fromBinary } from '@bufbuild/protobuf';
import { tensor, type Tensor } from '@stylegraph/core';
import { ModelProtoSchema, type AttributeProto, type NodeProto, type TensorProto } from 'onnx-buf';
import type { GraphBuilder } from './builder.js';
import { isStaticDim, numel, type Dim } from './dims.js';
import { GraphError } from './errors.js';
import type { Value } from './graph.js';

export interface ImportOptions {
  /** Values of this graph to feed to the model's graph inputs, by input name. */
  readonly inputs: Readonly<Record<string, Value>>;
  /** Model outputs (or any intermediate value names) to return; default all graph outputs. */
  readonly outputs?: readonly string[];
  /** Prefix of the imported weights' names (default 'import/'). */
  readonly prefix?: string;
  /** Name of the model in messages (a file name). */
  readonly label?: string;
}

const DTYPES: Record<number, 'float32' | 'int64' | 'int32' | 'float64'> = { 1: 'float32', 7: 'int64', 6: 'int32', 11: 'float64' };

/** A TensorProto's data as a host tensor (float32, float64, int32 or int64). */
export function tensorFromProto(p: TensorProto, where: string): Tensor {
  const dtype = DTYPES[p.dataType];
  if (!dtype) throw new GraphError('graph', `${where}: tensor "${p.name}" has ONNX data type ${p.dataType}; float32, float64, int32 and int64 are supported`);
  if (p.dataLocation === 1) throw new GraphError('graph', `${where}: tensor "${p.name}" is stored in an external file, which is not supported`);
  const dims = p.dims.map(Number);
  const n = dims.reduce((a, b) => a * b, 1);
  const Ctor = { float32: Float32Array, float64: Float64Array, int32: Int32Array, int64: BigInt64Array }[dtype];
  let data: Float32Array | Float64Array | Int32Array | BigInt64Array;
  if (p.rawData.length) {
    if (p.rawData.length !== n * Ctor.BYTES_PER_ELEMENT) throw new GraphError('graph', `${where}: tensor "${p.name}" holds ${p.rawData.length} bytes for ${n} ${dtype} values`);
    data = new Ctor(Uint8Array.from(p.rawData).buffer); // a copy: rawData may be a view into a larger (pooled) buffer
  } else if (dtype === 'float32') data = Float32Array.from(p.floatData);
  else if (dtype === 'float64') data = Float64Array.from(p.doubleData);
  else if (dtype === 'int32') data = Int32Array.from(p.int32Data);
  else data = BigInt64Array.from(p.int64Data);
  if (data.length !== n) throw new GraphError('graph', `${where}: tensor "${p.name}" has ${data.length} values for shape [${dims.join(', ')}]`);
  return tensor(dtype, dims, data as never);
}

const attrOf = (n: NodeProto, name: string): AttributeProto | undefined => n.attribute.find((a) => a.name === name);
const intAttr = (n: NodeProto, name: string, d: number): number => {
  const a = attrOf(n, name);
  return a ? Number(a.i) : d;
};
const floatAttr = (n: NodeProto, name: string, d: number): number => attrOf(n, name)?.f ?? d;
const intsAttr = (n: NodeProto, name: string): number[] | undefined => {
  const a = attrOf(n, name);
  return a ? a.ints.map(Number) : undefined;
};

/** An ONNX model's graph inputs (initializers excluded) and outputs, by name. */
export function onnxInterface(bytes: Uint8Array): { inputs: string[]; outputs: string[] } {
  let graph;
  try {
    graph = fromBinary(ModelProtoSchema, bytes).graph;
  } catch (e) {
    throw new GraphError('graph', `not an ONNX model (${(e as Error).message})`);
  }
  const inits = new Set(graph?.initializer.map((t) => t.name));
  return { inputs: (graph?.input ?? []).map((i) => i.name).filter((n) => !inits.has(n)), outputs: (graph?.output ?? []).map((o) => o.name) };
}

/** Imports the model's nodes into `b`; returns the requested outputs as values of `b`. */
export function importOnnx(b: GraphBuilder, bytes: Uint8Array, opts: ImportOptions): Record<string, Value> {
  const label = opts.label ?? 'model';
  let graph;
  try {
    graph = fromBinary(ModelProtoSchema, bytes).graph;
  } catch (e) {
    throw new GraphError('graph', `${label}: not an ONNX model (${(e as Error).message})`);
  }
  if (!graph) throw new GraphError('graph', `${label}: the model has no graph`);
  const prefix = opts.prefix ?? 'import/';
  const inits = new Map(graph.initializer.map((t) => [t.name, t]));
  const wanted = opts.outputs ?? graph.output.map((o) => o.name);

  // Nodes the wanted values depend on, by walking back from them.
  const producer = new Map<string, NodeProto>();
  for (const n of graph.node) for (const o of n.output) producer.set(o, n);
  const needed = new Set<NodeProto>();
  const stack = [...wanted];
  while (stack.length) {
    const name = stack.pop()!;
    const n = producer.get(name);
    if (!n || needed.has(n)) continue;
    needed.add(n);
    stack.push(...n.input.filter((i) => i !== ''));
  }

  const env = new Map<string, Value>(Object.entries(opts.inputs));
  const consts = new Map<string, Tensor>();
  const constant = (name: string, where: string): Tensor => {
    const t = consts.get(name) ?? (inits.has(name) ? tensorFromProto(inits.get(name)!, label) : undefined);
    if (!t) throw new GraphError('graph', `${where}: input "${name}" must be a constant`);
    return t;
  };
  const ints = (name: string, where: string): number[] => Array.from(constant(name, where).data as ArrayLike<number | bigint>, Number);
  const val = (name: string, where: string): Value => {
    const hit = env.get(name);
    if (hit) return hit;
    const init = inits.get(name);
    const c = consts.get(name);
    if (!init && !c) {
      const isInput = graph.input.some((i) => i.name === name);
      throw new GraphError('graph', `${where}: ${isInput ? `graph input "${name}" was not given` : `no value "${name}"`}`);
    }
    const v = init ? b.initializer(`${prefix}${name}`, tensorFromProto(init, label)) : b.constant(c!);
    env.set(name, v);
    return v;
  };

  for (const n of graph.node) {
    if (!needed.has(n)) continue;
    const where = `${label}: ${n.opType} "${n.name || n.output[0]}"`;
    const x = (i: number) => val(n.input[i]!, where);
    const opt = (i: number) => (n.input[i] ? val(n.input[i]!, where) : undefined);
    let y: Value;
    switch (n.opType) {
      case 'Constant': {
        const t = attrOf(n, 'value')?.t;
        if (!t) throw new GraphError('graph', `${where}: only tensor-valued Constant nodes are supported`);
        consts.set(n.output[0]!, tensorFromProto(t, label));
        continue;
      }
      case 'Identity':
        y = b.identity(x(0));
        break;
      case 'Relu':
        y = b.relu(x(0));
        break;
      case 'LeakyRelu':
        y = b.leakyRelu(x(0), floatAttr(n, 'alpha', 0.01));
        break;
      case 'Sigmoid':
      case 'Tanh':
      case 'Sqrt':
      case 'Exp':
      case 'Log':
      case 'Neg':
      case 'Abs':
      case 'Reciprocal': {
        const f = { Sigmoid: b.sigmoid, Tanh: b.tanh, Sqrt: b.sqrt, Exp: b.exp, Log: b.log, Neg: b.neg, Abs: b.abs, Reciprocal: b.reciprocal }[n.opType];
        y = f(x(0));
        break;
      }
      case 'Pow':
        y = b.pow(x(0), Number(constant(n.input[1]!, where).data[0]));
        break;
      case 'Add':
      case 'Sub':
      case 'Mul':
      case 'Div': {
        const f = { Add: b.add, Sub: b.sub, Mul: b.mul, Div: b.div }[n.opType];
        y = f(x(0), x(1));
        break;
      }
      case 'Clip': {
        const lo = n.input[1] ? Number(constant(n.input[1], where).data[0]) : undefined;
        const hi = n.input[2] ? Number(constant(n.input[2], where).data[0]) : undefined;
        y = b.clip(x(0), { ...(lo !== undefined && { min: lo }), ...(hi !== undefined && { max: hi }) });
        break;
      }
      case 'MatMul':
        y = b.matmul(x(0), x(1));
        break;
      case 'Gemm':
        y = b.gemm(x(0), x(1), opt(2), {
          alpha: floatAttr(n, 'alpha', 1),
          beta: floatAttr(n, 'beta', 1),
          transA: intAttr(n, 'transA', 0) === 1,
          transB: intAttr(n, 'transB', 0) === 1,
        });
        break;
      case 'Conv': {
        const ap = attrOf(n, 'auto_pad');
        if (ap && new TextDecoder().decode(ap.s) !== 'NOTSET') throw new GraphError('graph', `${where}: auto_pad is not supported; export with explicit pads`);
        const pads = intsAttr(n, 'pads');
        const strides = intsAttr(n, 'strides');
        const dilations = intsAttr(n, 'dilations');
        y = b.conv(x(0), x(1), opt(2), { ...(pads && { pads }), ...(strides && { strides }), ...(dilations && { dilations }), group: intAttr(n, 'group', 1) });
        break;
      }
      case 'Flatten': {
        const v = x(0);
        const axis = intAttr(n, 'axis', 1);
        const a = axis < 0 ? axis + v.rank : axis;
        y = b.reshape(v, [numel(v.shape.slice(0, a)), numel(v.shape.slice(a))]);
        break;
      }
      case 'Reshape': {
        const v = x(0);
        y = b.reshape(v, reshapeDims(v, ints(n.input[1]!, where), where));
        break;
      }
      case 'Transpose':
        y = b.transpose(x(0), intsAttr(n, 'perm') ?? [...Array(x(0).rank).keys()].reverse());
        break;
      case 'Unsqueeze':
        y = b.unsqueeze(x(0), n.input[1] ? ints(n.input[1], where) : (intsAttr(n, 'axes') ?? []));
        break;
      case 'Squeeze':
        y = b.squeeze(x(0), n.input[1] ? ints(n.input[1], where) : (intsAttr(n, 'axes') ?? []));
        break;
      case 'Concat':
        y = b.concat(n.input.map((_, i) => x(i)), intAttr(n, 'axis', 0));
        break;
      case 'ReduceMean':
      case 'ReduceSum': {
        const axes = n.input[1] ? ints(n.input[1], where) : intsAttr(n, 'axes');
        const keep = intAttr(n, 'keepdims', 1) === 1;
        y = (n.opType === 'ReduceMean' ? b.reduceMean : b.reduceSum)(x(0), axes, keep);
        break;
      }
      case 'GlobalAveragePool':
        y = b.reduceMean(x(0), [2, 3], true);
        break;
      case 'AveragePool': {
        const k = intsAttr(n, 'kernel_shape') ?? [];
        const pads = intsAttr(n, 'pads') ?? [];
        if (k.length !== 2 || pads.some((p) => p !== 0)) throw new GraphError('graph', `${where}: only 2-D AveragePool without padding is supported`);
        const v = x(0);
        const C = v.shape[1]!;
        if (!isStaticDim(C)) throw new GraphError('graph', `${where}: AveragePool needs a static channel count`);
        const w = tensor('float32', [C, 1, k[0]!, k[1]!], new Float32Array(C * k[0]! * k[1]!).fill(1 / (k[0]! * k[1]!)));
        y = b.conv(v, b.constant(w), undefined, { strides: intsAttr(n, 'strides') ?? [1, 1], group: C });
        break;
      }
      case 'MaxPool': {
        // k × k, stride k, no padding (VGG's pools): the max of the k² strided slices.
        const k = intsAttr(n, 'kernel_shape') ?? [];
        const st = intsAttr(n, 'strides') ?? [1, 1];
        const pads = intsAttr(n, 'pads') ?? [];
        if (k.length !== 2 || k[0] !== k[1] || st[0] !== k[0] || st[1] !== k[0] || pads.some((p) => p !== 0) || n.output.length > 1) {
          throw new GraphError('graph', `${where}: only MaxPool with a square kernel, stride equal to it and no padding is supported`);
        }
        const v = x(0);
        const [H, W] = [v.shape[2]!, v.shape[3]!];
        if (!isStaticDim(H) || !isStaticDim(W)) throw new GraphError('graph', `${where}: MaxPool needs static spatial sizes`);
        const K = k[0]!;
        const [oh, ow] = [Math.floor(H / K), Math.floor(W / K)];
        let m: Value | undefined;
        for (let i = 0; i < K; i++)
          for (let j = 0; j < K; j++) {
            const s = b.slice(v, { starts: [i, j], ends: [i + K * (oh - 1) + 1, j + K * (ow - 1) + 1], axes: [2, 3], steps: [K, K] });
            m = m ? b.where(b.greater(s, m), s, m) : s;
          }
        y = m!;
        break;
      }
      case 'BatchNormalization': {
        // Inference form: (x − mean) / √(var + ε) · scale + bias = x · a + c, per channel.
        const [scale, bias, mean, variance] = [1, 2, 3, 4].map((i) => constant(n.input[i]!, where).data as Float32Array);
        const eps = floatAttr(n, 'epsilon', 1e-5);
        const C = scale!.length;
        const a = new Float32Array(C);
        const c = new Float32Array(C);
        for (let i = 0; i < C; i++) {
          a[i] = scale![i]! / Math.sqrt(variance![i]! + eps);
          c[i] = bias![i]! - mean![i]! * a[i]!;
        }
        const v = x(0);
        const bshape = [1, C, ...Array(v.rank - 2).fill(1)];
        y = b.add(b.mul(v, b.constant(tensor('float32', bshape, a))), b.constant(tensor('float32', bshape, c)));
        break;
      }
      default:
        throw new GraphError('graph', `${where}: op ${n.opType} is not supported by the importer`);
    }
    if (n.output.length !== 1) throw new GraphError('graph', `${where}: only single-output nodes are supported`);
    env.set(n.output[0]!, y);
  }

  const out: Record<string, Value> = {};
  for (const name of wanted) out[name] = val(name, `${label}: output`);
  return out;
}

/** ONNX Reshape's target (0 = keep that dim, −1 = the rest) as builder dims. */
function reshapeDims(x: Value, target: readonly number[], where: string): Dim[] {
  const dims: Dim[] = target.map((d, i) => (d === 0 ? x.shape[i]! : d));
  const free = dims.indexOf(-1);
  if (free < 0) return dims;
  const total = numel(x.shape);
  const known = numel(dims.filter((_, i) => i !== free));
  if (!isStaticDim(total) || !isStaticDim(known)) {
    // A symbolic batch kept in place (dims[0] = x.shape[0]) and the rest static.
    const rest = numel(x.shape.slice(1));
    if (free !== 0 && dims[0] === x.shape[0] && isStaticDim(rest)) {
      const others = numel(dims.slice(1).filter((_, i) => i + 1 !== free));
      if (isStaticDim(others)) return dims.map((d, i) => (i === free ? rest / others : d));
    }
    throw new GraphError('graph', `${where}: cannot resolve −1 in reshape to [${target.join(', ')}] of [${x.shape.join(', ')}]`);
  }
  return dims.map((d, i) => (i === free ? total / known : d));
}
