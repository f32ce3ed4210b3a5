/**
 * Checking an operator manifest against its ONNX model: the inputs, outputs, nodes and
 * attributes it names exist, with the element types and ranks its kinds and params need, and
 * every model input and output is mapped; the result says how each port and param is bound.
 */
import { CORE_KINDS, isCoreKindName, type DType, type PortKind, type PortSpec } from '@stylegraph/core';
import type { OperatorParamBinding } from './plugin.js';
import { OperatorManifestError, fieldPath, type OperatorManifest, type OperatorParam, type OperatorPort } from './manifest.js';
import { AttributeType as AT, attributeTypeName, onnxTypeName, type OnnxSignature, type OnnxValue } from './onnx-model.js';

/** How a port's values cross into and out of the model. */
export type PortMode = 'tensor' | 'number' | 'integer' | 'boolean';

export interface PortBinding {
  readonly port: string;
  readonly onnx: string;
  readonly kind: PortKind;
  readonly mode: PortMode;
  /** The element type the model has there. */
  readonly dtype: DType;
}

const SCALAR_DTYPES: Readonly<Record<Exclude<PortMode, 'tensor'>, readonly DType[]>> = {
  number: ['float32', 'float64'],
  integer: ['int32', 'int64'],
  boolean: ['bool'],
};
const HOST_DTYPES: readonly DType[] = ['float32', 'float64', 'int32', 'int64', 'uint8', 'bool'];
const PARAM_DTYPE = { number: 'float32', integer: 'int64', boolean: 'bool' } as const;
const PARAM_ATTRIBUTE = { number: AT.FLOAT, integer: AT.INT, boolean: AT.INT, string: AT.STRING } as const;

const list = (names: Iterable<string>, max = 12): string => {
  const all = [...names];
  if (all.length === 0) return 'none';
  return all.length > max ? `${all.slice(0, max).join(', ')}, … (${all.length} in all)` : all.join(', ');
};
const a = (word: string) => (/^[aeiou]/.test(word) ? `an ${word}` : `a ${word}`);
const dimsText = (dims: readonly (number | string | undefined)[]) => `[${dims.map((d) => d ?? '?').join(', ')}]`;

/** Checks one manifest against its model and settles how each port and param is bound. */
export class OperatorCheck {
  constructor(
    private readonly m: OperatorManifest,
    private readonly sig: OnnxSignature,
    private readonly kindByName: (name: string) => PortKind | undefined,
  ) {}

  fail(path: readonly PropertyKey[], why: string): never {
    throw new OperatorManifestError(this.m.file, fieldPath(path), why);
  }

  resolveKind(side: 'inputs' | 'outputs', port: string, name: string): { kind: PortKind; mode: PortMode } {
    const kind = isCoreKindName(name) ? (CORE_KINDS[name] as PortKind) : name.includes('/') ? this.kindByName(name) : undefined;
    if (!kind) {
      this.fail([side, port, 'kind'], `unknown port kind "${name}" (core kinds: ${Object.keys(CORE_KINDS).join(', ')}; another plugin's kind is "namespace/Name" and that plugin must be registered first)`);
    }
    if (kind.tensor) return { kind, mode: 'tensor' };
    if (kind.name === 'number' || kind.name === 'integer' || kind.name === 'boolean') return { kind, mode: kind.name };
    return this.fail([side, port, 'kind'], `kind ${kind.name} is not a tensor kind; operator ports carry tensors, or number, integer or boolean scalars`);
  }

  port(side: 'inputs' | 'outputs', port: string, spec: OperatorPort): { binding: PortBinding; spec: PortSpec } {
    const { kind, mode } = this.resolveKind(side, port, spec.kind);
    const at = (...rest: PropertyKey[]) => [side, port, ...rest];
    const values = side === 'inputs' ? this.sig.inputs : this.sig.outputs;
    const v = values.get(spec.onnx);
    if (!v) this.fail(at('onnx'), `the model ${this.m.modelPath} has no ${side === 'inputs' ? 'input' : 'output'} "${spec.onnx}" (its ${side}: ${list(values.keys())})`);
    const what = `the model's ${side === 'inputs' ? 'input' : 'output'} "${v.name}"`;
    const dtype = this.tensorDtype(v, at('onnx'), what);
    if (mode === 'tensor') {
      if (kind.dtype !== undefined && kind.dtype !== dtype) this.fail(at('kind'), `kind ${kind.name} is ${kind.dtype} but ${what} is ${dtype}`);
      if (spec.shape && kind.dims && spec.shape.length !== kind.dims.length) {
        this.fail(at('shape'), `has ${spec.shape.length} dimensions but kind ${kind.name} has ${kind.dims.length} [${kind.dims.join(', ')}]`);
      }
      const dims = spec.shape ?? kind.dims;
      if (dims && v.dims) {
        if (v.dims.length !== dims.length) this.fail(at(spec.shape ? 'shape' : 'kind'), `${what} has rank ${v.dims.length} ${dimsText(v.dims)}, not ${dims.length} [${dims.join(', ')}]`);
        dims.forEach((d, i) => {
          const o = v.dims![i];
          if (typeof d === 'number' && typeof o === 'number' && d !== o) this.fail(at('shape', i), `is ${d} but dimension ${i} of ${what} is ${o} ${dimsText(v.dims!)}`);
        });
      }
    } else {
      if (!SCALAR_DTYPES[mode].includes(dtype)) this.fail(at('kind'), `${a(mode)} port needs ${SCALAR_DTYPES[mode].join(' or ')} but ${what} is ${dtype}`);
      if (v.dims && v.dims.length !== 0) this.fail(at('kind'), `${a(mode)} port is a scalar but ${what} has shape ${dimsText(v.dims)}`);
    }
    const portSpec: PortSpec = {
      type: kind,
      ...(spec.shape && { shape: spec.shape }),
      ...(spec.description !== undefined && { description: spec.description }),
    };
    return { binding: { port, onnx: spec.onnx, kind, mode, dtype }, spec: portSpec };
  }

  private tensorDtype(v: OnnxValue, path: readonly PropertyKey[], what: string): DType {
    if (v.elemType === -1) this.fail(path, `${what} is not a tensor`);
    if (v.elemType === 0) this.fail(path, `${what} declares no element type`);
    if (!v.dtype) this.fail(path, `${what} is ${onnxTypeName(v.elemType)}, which host tensors cannot carry (they are ${HOST_DTYPES.join(', ')})`);
    return v.dtype;
  }

  param(name: string, p: OperatorParam): OperatorParamBinding {
    const at = (...rest: PropertyKey[]) => ['params', name, 'onnx', ...rest];
    if ('input' in p.onnx) {
      const v = this.sig.inputs.get(p.onnx.input);
      if (!v) this.fail(at('input'), `the model ${this.m.modelPath} has no input "${p.onnx.input}" (its inputs: ${list(this.sig.inputs.keys())})`);
      const want = PARAM_DTYPE[p.type as keyof typeof PARAM_DTYPE];
      const what = `the model's input "${v.name}"`;
      const dtype = this.tensorDtype(v, at('input'), what);
      if (dtype !== want) this.fail(at('input'), `${a(p.type)} param is fed as ${want} but ${what} is ${dtype}`);
      if (v.dims && v.dims.length !== 0) this.fail(at('input'), `a param is fed as a scalar (rank 0) but ${what} has shape ${dimsText(v.dims)}`);
      return { kind: 'input', input: v.name, dtype: want };
    }
    const { node, name: attribute } = p.onnx.attribute;
    const n = this.sig.nodes.get(node);
    if (n === undefined) this.fail(at('attribute', 'node'), `the model ${this.m.modelPath} has no node named "${node}" (its named nodes: ${list(this.sig.nodes.keys())})`);
    if (n === null) this.fail(at('attribute', 'node'), `the model ${this.m.modelPath} has several nodes named "${node}"`);
    const type = n.attributes.get(attribute);
    if (type === undefined) this.fail(at('attribute', 'name'), `node "${node}" (${n.opType}) has no attribute "${attribute}" (its attributes: ${list(n.attributes.keys())})`);
    const want = PARAM_ATTRIBUTE[p.type];
    if (type !== want) this.fail(at('attribute', 'name'), `${a(p.type)} param sets a ${attributeTypeName(want)} attribute but "${attribute}" of node "${node}" is ${attributeTypeName(type)}`);
    return { kind: 'attribute', node, attribute };
  }

  /** Every model input without a default is fed, every model output goes to a port. */
  coverage(fed: ReadonlySet<string>, taken: ReadonlySet<string>): void {
    for (const v of this.sig.inputs.values()) {
      if (!v.hasDefault && !fed.has(v.name)) this.fail(['inputs'], `the model's input "${v.name}" is fed by no input port or param (map one to it with "onnx": "${v.name}")`);
    }
    for (const v of this.sig.outputs.values()) {
      if (!taken.has(v.name)) this.fail(['outputs'], `the model's output "${v.name}" goes to no output port (map one to it with "onnx": "${v.name}")`);
    }
  }
}

