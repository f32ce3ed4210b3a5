/**
 * Memory planning: the bytes each node output will take, from a checked graph's shapes —
 * statically where params fix the sizes, and during a run as finished nodes report the sizes
 * that were unknown (a generator's dims, a file's batch). Run-time sizes live in a per-run map
 * from the unifier's root terms to sizes; the checked graph's shared unifier is never changed.
 */
import { inferredSizes, isSize } from '../graph/check-shapes.js';
import type { CheckedGraph } from '../graph/validate.js';
import { plannedElement } from '../types/port-dtypes.js';
import { kindOf } from '../types/port-types.js';
import type { Term } from '../types/unify.js';
import { isTensor, type DType } from '../values/tensor.js';

/** The most elements one tensor may have: a JS typed array's length limit, conservatively. */
export const MAX_TENSOR_ELEMENTS = 2 ** 32 - 1;

/** What planning needs of a checked graph. */
export type ShapedGraph = Pick<CheckedGraph, 'order' | 'nodes' | 'wiring' | 'shapes'>;

/** Sizes learned during one run, by root term of the graph's unifier. */
export type RunSizes = Map<Term, number>;

export interface PlannedOutput {
  readonly node: string;
  /** The node's type, e.g. `stylegan/Synthesis`. */
  readonly type: string;
  readonly port: string;
  /** The output's kind by name. */
  readonly kind: string;
  readonly dtype: DType | 'any dtype';
  /** Size per axis, undefined where not known yet; undefined for a shape-free tensor. */
  readonly dims?: readonly (number | undefined)[];
  /** Element count, when known. */
  readonly elements?: number;
  /** Planned bytes, when the element count is known. */
  readonly bytes?: number;
}

export interface MemoryPlan {
  /** Every tensor output of the planned nodes, in topological order. */
  readonly outputs: readonly PlannedOutput[];
  /** Sum of the planned bytes that are known. */
  readonly knownBytes: number;
  /** How many outputs are not sized yet. */
  readonly unknownOutputs: number;
}

export interface PlanOptions {
  /** Nodes to plan (default: all). */
  readonly nodes?: Iterable<string>;
  /** Sizes learned during a run (see `bindOutputSizes`). */
  readonly sizes?: ReadonlyMap<Term, number>;
}

/** The planned size of every tensor output of `opts.nodes`. */
export function planMemory(graph: ShapedGraph, opts: PlanOptions = {}): MemoryPlan {
  const u = graph.shapes.unifier;
  const sizes = new Map(opts.sizes ?? []);
  const sizeOf = (t: Term) => u.valueOf(t) ?? sizes.get(u.find(t));
  // Sizes the params derive from sizes learned in this run (S = B · steps once B is known).
  if (sizes.size) {
    for (const id of graph.order) {
      const n = graph.nodes.get(id);
      const vars = graph.shapes.vars.get(id);
      if (!n?.def.inferShapes || !vars) continue;
      const dims: Record<string, number> = {};
      for (const [name, t] of vars) {
        const v = sizeOf(t);
        if (v !== undefined) dims[name] = v;
      }
      let inferred: [string, number][];
      try {
        inferred = inferredSizes(n, dims, new Set(graph.wiring.get(id)?.keys() ?? []));
      } catch {
        continue; // reported by checkGraph
      }
      for (const [name, v] of inferred) {
        const t = vars.get(name);
        if (t && isSize(v) && sizeOf(t) === undefined) sizes.set(u.find(t), v);
      }
    }
  }

  const outputs: PlannedOutput[] = [];
  let knownBytes = 0;
  let unknownOutputs = 0;
  for (const id of opts.nodes ?? graph.order) {
    const n = graph.nodes.get(id);
    if (!n) continue;
    for (const [port, spec] of Object.entries(n.def.outputs)) {
      const el = plannedElement(kindOf(spec));
      if (!el) continue;
      const terms = graph.shapes.shapes.get(id)?.get(port);
      const count = graph.shapes.elements.get(id)?.get(port);
      const dims = terms?.map(sizeOf);
      const elements = dims
        ? dims.every((d) => d !== undefined)
          ? dims.reduce<number>((a, b) => a * b!, 1)
          : undefined
        : count && sizeOf(count);
      const bytes = elements === undefined ? undefined : elements * el.bytes;
      if (bytes === undefined) unknownOutputs++;
      else knownBytes += bytes;
      outputs.push({ node: id, type: n.def.type, port, kind: kindOf(spec).name, dtype: el.dtype, ...(dims && { dims }), ...(elements !== undefined && { elements, bytes }) });
    }
  }
  return { outputs, knownBytes, unknownOutputs };
}

/** Records the actual sizes of a finished node's outputs (tensor dims, a generator's dims) in `sizes`. */
export function bindOutputSizes(graph: ShapedGraph, node: string, outputs: Readonly<Record<string, unknown>>, sizes: RunSizes): void {
  const u = graph.shapes.unifier;
  const def = graph.nodes.get(node)?.def;
  if (!def) return;
  const bind = (t: Term | undefined, v: unknown) => {
    if (t && isSize(v) && u.valueOf(t) === undefined) sizes.set(u.find(t), v);
  };
  for (const [port, spec] of Object.entries(def.outputs)) {
    const value = outputs[port];
    const terms = graph.shapes.shapes.get(node)?.get(port);
    const kind = kindOf(spec);
    if (!kind.tensor && kind.sizes) {
      const sizes = value === undefined ? undefined : kind.sizes(value);
      if (sizes) kind.dims?.forEach((name, i) => bind(terms?.[i], sizes[name]));
    } else if (isTensor(value)) {
      if (terms?.length === value.dims.length) terms.forEach((t, i) => bind(t, value.dims[i]));
      bind(graph.shapes.elements.get(node)?.get(port), value.data.length);
    } else if (Array.isArray(value) && terms?.length === 1) {
      bind(terms[0], value.length);
    }
  }
}

/** `4.58 GiB`, `512 B`. */
export function formatBytes(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'];
  let v = bytes;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return i === 0 ? `${bytes} B` : `${v.toFixed(v >= 100 ? 0 : v >= 10 ? 1 : 2)} ${units[i]}`;
}

/** `image [100000, 3, 64, 64] float32 = 4.58 GiB`. */
export function describeOutput(p: PlannedOutput): string {
  const shape = p.dims ? `[${p.dims.map((d) => d ?? '?').join(', ')}]` : `of ${p.elements ?? '?'} elements`;
  return `${p.port} ${shape} ${p.dtype}${p.bytes === undefined ? '' : ` = ${formatBytes(p.bytes)}`}`;
}
