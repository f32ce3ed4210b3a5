/**
 * The graph IR: typed symbolic values, graph inputs, initializers and constants, primitive
 * nodes in topological (insertion) order, named outputs and feature taps. Every node is shape-
 * checked when it is added, so a graph that builds is a graph whose shapes agree.
 */
import type { Tensor } from '@stylegraph/core';
import { dimFactors, normDim, shapeString, type Dim, type Shape } from './dims.js';
import type { DType } from './dtype.js';
import { GraphError, opErrorMessage } from './errors.js';
import type { Fail, ValueInfo } from './ops/def.js';
import { opDef, type AttrsOf, type OpName } from './ops/table.js';
import { scalarTensor } from './tensor-proto.js';

/** A symbolic value of one graph: element type and static (possibly symbolic) shape. */
export class Value implements ValueInfo {
  constructor(
    readonly graph: Graph,
    readonly id: number,
    readonly dtype: DType,
    readonly shape: Shape,
  ) {}
  get rank(): number {
    return this.shape.length;
  }
  toString(): string {
    return `Value#${this.id}(${this.dtype} ${shapeString(this.shape)})`;
  }
}

/** Where a value comes from. */
export type ValueSource =
  | { readonly kind: 'input'; readonly name: string }
  | { readonly kind: 'initializer'; readonly name: string; readonly tensor: Tensor }
  | { readonly kind: 'node'; readonly node: number; readonly index: number };

/** One primitive application. Inputs and outputs are value ids; `undefined` is an omitted optional input. */
export interface NodeRecord<K extends OpName = OpName> {
  readonly op: K;
  readonly name: string;
  readonly inputs: readonly (number | undefined)[];
  readonly attrs: AttrsOf<K>;
  readonly outputs: readonly number[];
}

const NAME = /^\S+$/;

export class Graph {
  private vals: Value[] = [];
  private srcs: ValueSource[] = [];
  private nodeList: NodeRecord[] = [];
  private valueNames = new Set<string>();
  private nodeNames = new Set<string>();
  private outs = new Map<string, number>();
  private tapMap = new Map<string, number>();
  private symbols = new Map<string, { input: string; axis: number }>();
  private scalars = new Map<string, number>();
  private scopes: string[] = [];
  private counter = 0;

  /** Declares a graph input; single-symbol dims (`'B'`) become bound to it. */
  input(name: string, dtype: DType, shape: Shape): Value {
    let dims: Dim[];
    try {
      dims = shape.map(normDim);
    } catch (e) {
      throw new GraphError('shape', `input "${name}": ${(e as Error).message}`);
    }
    this.claimName(name);
    dims.forEach((d, axis) => {
      const f = dimFactors(d);
      if (typeof d === 'string' && f.coef === 1 && f.symbols.length === 1 && !this.symbols.has(d)) this.symbols.set(d, { input: name, axis });
    });
    return this.addValue(dtype, dims, { kind: 'input', name });
  }

  /** A named constant tensor (a weight). Never differentiated. */
  initializer(name: string, t: Tensor): Value {
    this.claimName(name);
    return this.addValue(t.dtype, [...t.dims], { kind: 'initializer', name, tensor: t });
  }

  /** An anonymous constant; scalars of one dtype and value are shared. */
  constant(t: Tensor | number, dtype: DType = 'float32'): Value {
    if (typeof t !== 'number') return this.initializer(this.freshName('const'), t);
    const key = `${dtype}:${t}`;
    const hit = this.scalars.get(key);
    if (hit !== undefined) return this.value(hit);
    const v = this.initializer(this.freshName('const'), scalarTensor(t, dtype));
    this.scalars.set(key, v.id);
    return v;
  }

  /** Applies a primitive; checks arity, element types and shapes; returns its outputs. */
  op<K extends OpName>(kind: K, given: readonly (Value | undefined)[], attrs: AttrsOf<K>, name?: string): Value[] {
    const def = opDef(kind);
    let end = given.length;
    while (end > 0 && given[end - 1] === undefined) end--;
    const inputs = given.slice(0, end); // omitted trailing optional inputs dropped
    const nodeName = this.nodeName(kind, name);
    const shapes = inputs.map((v) => v?.shape);
    const fail: Fail = (detail, code = 'shape') => {
      throw new GraphError(code, opErrorMessage(kind, nodeName, detail, shapes), {
        op: kind,
        node: nodeName,
        shapes: shapes.filter((s): s is Shape => s !== undefined),
      });
    };
    if (!def.variadic && inputs.length > def.inputs.length) fail(`takes at most ${def.inputs.length} inputs, got ${inputs.length}`);
    def.inputs.forEach((n, i) => {
      if (!n.endsWith('?') && inputs[i] === undefined) fail(`input "${n}" is required`);
    });
    for (const v of inputs) if (v && v.graph !== this) fail(`${v} belongs to another graph`);
    let infos: ValueInfo[];
    try {
      infos = def.infer(inputs, attrs, fail);
    } catch (e) {
      if (e instanceof GraphError) throw e;
      return fail((e as Error).message); // e.g. a malformed symbolic dim in an attribute
    }
    const id = this.nodeList.length;
    const outputs = infos.map((info, index) => this.addValue(info.dtype, info.shape.map(normDim), { kind: 'node', node: id, index }));
    const record: NodeRecord<K> = { op: kind, name: nodeName, inputs: inputs.map((v) => v?.id), attrs, outputs: outputs.map((v) => v.id) };
    this.nodeList.push(record as unknown as NodeRecord);
    return outputs;
  }

  /** Applies a single-output primitive. */
  op1<K extends OpName>(kind: K, inputs: readonly (Value | undefined)[], attrs: AttrsOf<K>, name?: string): Value {
    return this.op(kind, inputs, attrs, name)[0] as Value;
  }

  /** Names a model output. */
  output(name: string, v: Value): Value {
    this.own(v, `output "${name}"`);
    if (this.outs.has(name) || this.tapMap.has(name)) throw new GraphError('graph', `output "${name}" is already defined`);
    this.outs.set(name, v.id);
    return v;
  }

  /** Names an intermediate value that a model may expose on request (a feature tap). */
  tap(name: string, v: Value): Value {
    this.own(v, `tap "${name}"`);
    if (this.outs.has(name) || this.tapMap.has(name)) throw new GraphError('graph', `tap "${name}" is already defined`);
    this.tapMap.set(name, v.id);
    return v;
  }

  /** Removes all named outputs (taps stay). */
  clearOutputs(): void {
    this.outs.clear();
  }

  /** Runs `fn` with node names prefixed by `prefix` (nested scopes join with '.'). */
  withScope<T>(prefix: string, fn: () => T): T {
    this.scopes.push(prefix);
    try {
      return fn();
    } finally {
      this.scopes.pop();
    }
  }

  get nodes(): readonly NodeRecord[] {
    return this.nodeList;
  }
  get values(): readonly Value[] {
    return this.vals;
  }
  get inputs(): Value[] {
    return this.vals.filter((v) => this.srcs[v.id]?.kind === 'input');
  }
  get outputs(): ReadonlyMap<string, Value> {
    return new Map([...this.outs].map(([k, id]) => [k, this.value(id)]));
  }
  get taps(): ReadonlyMap<string, Value> {
    return new Map([...this.tapMap].map(([k, id]) => [k, this.value(id)]));
  }
  value(id: number): Value {
    const v = this.vals[id];
    if (!v) throw new GraphError('graph', `no value #${id} in this graph`);
    return v;
  }
  source(v: Value | number): ValueSource {
    return this.srcs[typeof v === 'number' ? v : v.id] as ValueSource;
  }
  /** The graph input and axis that binds a symbol, if any. */
  symbolSource(symbol: string): { input: string; axis: number } | undefined {
    return this.symbols.get(symbol);
  }
  /** Input by name. */
  inputByName(name: string): Value | undefined {
    return this.inputs.find((v) => (this.source(v) as { name: string }).name === name);
  }

  /** A deep copy whose values keep their ids (so ids from this graph address the copy). */
  clone(): this {
    const g = new (this.constructor as new () => this)();
    g.vals = this.vals.map((v) => new Value(g, v.id, v.dtype, v.shape));
    g.srcs = [...this.srcs];
    g.nodeList = [...this.nodeList];
    g.valueNames = new Set(this.valueNames);
    g.nodeNames = new Set(this.nodeNames);
    g.outs = new Map(this.outs);
    g.tapMap = new Map(this.tapMap);
    g.symbols = new Map(this.symbols);
    g.scalars = new Map(this.scalars);
    g.counter = this.counter;
    return g;
  }

  protected own(v: Value, what: string): void {
    if (v.graph !== this) throw new GraphError('graph', `${what}: ${v} belongs to another graph`);
  }

  private addValue(dtype: DType, shape: readonly Dim[], src: ValueSource): Value {
    const v = new Value(this, this.vals.length, dtype, shape);
    this.vals.push(v);
    this.srcs.push(src);
    return v;
  }

  private claimName(name: string): void {
    if (!NAME.test(name)) throw new GraphError('graph', `invalid value name "${name}"`);
    if (this.valueNames.has(name)) throw new GraphError('graph', `name "${name}" is already used by an input or initializer`);
    this.valueNames.add(name);
  }

  private freshName(base: string): string {
    let n: string;
    do n = `${base}.${this.counter++}`;
    while (this.valueNames.has(n));
    return n;
  }

  private nodeName(kind: string, name?: string): string {
    const scope = this.scopes.join('.');
    let n = name !== undefined ? (scope ? `${scope}.${name}` : name) : `${scope ? `${scope}/` : ''}${kind}_${this.counter++}`;
    if (this.nodeNames.has(n)) {
      let i = 2;
      while (this.nodeNames.has(`${n}#${i}`)) i++;
      n = `${n}#${i}`;
    }
    this.nodeNames.add(n);
    return n;
  }
}
