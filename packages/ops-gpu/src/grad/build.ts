/**
 * Reverse-mode differentiation of a built graph. `buildGradient` copies the forward graph and
 * appends, node by node in reverse order, the vector-Jacobian products of the gradient table,
 * accumulating gradients that fan in. Only graph inputs are differentiated; initializers and
 * constants (weights) are treated as constants.
 */
import type { GraphBuilder } from '../onnx/builder.js';
import { isStaticDim, numel, shapeEq, shapeString } from '../onnx/dims.js';
import { isFloat } from '../onnx/dtype.js';
import { GraphError } from '../onnx/errors.js';
import type { Value } from '../onnx/graph.js';
import type { OpName } from '../onnx/ops/table.js';
import { fill } from './helpers.js';
import type { VjpArgs, VjpRule } from './rule.js';
import { GRAD_RULES } from './rules.js';

export interface GradientOptions {
  /** Keep the forward graph's named outputs next to the loss and gradients; default false. */
  readonly keepOutputs?: boolean;
  /** Name of the loss output; default 'loss'. */
  readonly lossName?: string;
}

/** Name of the output holding the gradient of the loss with respect to input `name`. */
export const gradName = (name: string): string => `grad:${name}`;

function resolveWrt(g: GraphBuilder, w: Value | string): { value: Value; name: string } {
  const value = typeof w === 'string' ? g.inputByName(w) : w;
  if (!value) throw new GraphError('grad', `"${w}" is not an input of the graph (inputs: ${g.inputs.map((i) => inputName(g, i)).join(', ')})`);
  if (value.graph !== g) throw new GraphError('grad', `${value} belongs to another graph`);
  const src = g.source(value);
  if (src.kind !== 'input') throw new GraphError('grad', `${value} is not a graph input; gradients are taken with respect to inputs only`);
  if (!isFloat(value.dtype)) throw new GraphError('grad', `input "${src.name}" is ${value.dtype}; only float inputs have gradients`);
  return { value, name: src.name };
}

const inputName = (g: GraphBuilder, v: Value): string => (g.source(v) as { name: string }).name;

/**
 * A new graph computing `loss` (a float value with one element) and, for every input in `wrt`,
 * its gradient as output `grad:<inputName>` (zeros when the loss does not depend on it).
 */
export function buildGradient<G extends GraphBuilder>(graph: G, loss: Value, wrt: readonly (Value | string)[], opts: GradientOptions = {}): G {
  if (loss.graph !== graph) throw new GraphError('grad', `loss ${loss} belongs to another graph`);
  const n = numel(loss.shape);
  if (!isFloat(loss.dtype) || !isStaticDim(n) || n !== 1) {
    throw new GraphError('grad', `loss must be a float value with one element, got ${loss.dtype} ${shapeString(loss.shape)}`);
  }
  const targets = wrt.map((w) => resolveWrt(graph, w));
  const b = graph.clone();
  const forward = [...b.nodes];

  // Values that depend on a wrt input through float values.
  const live = new Set(targets.map((t) => t.value.id));
  for (const node of forward) {
    if (!node.inputs.some((i) => i !== undefined && live.has(i))) continue;
    for (const o of node.outputs) if (isFloat(b.value(o).dtype)) live.add(o);
  }

  const grads = new Map<number, Value>();
  const L = b.value(loss.id);
  if (live.has(L.id)) grads.set(L.id, L.rank === 0 ? b.scalar(1, L) : fill(b, 1, L.shape, L.dtype));
  for (let k = forward.length - 1; k >= 0; k--) {
    const node = forward[k];
    const out = node?.outputs[0];
    const dy = out === undefined ? undefined : grads.get(out);
    if (!node || out === undefined || !dy) continue;
    const need = node.inputs.map((i) => i !== undefined && live.has(i));
    if (!need.some(Boolean)) continue;
    const entry = GRAD_RULES[node.op];
    if ('nondiff' in entry) throw new GraphError('grad', `${node.op} "${node.name}" is not differentiable: ${entry.nondiff}`, { op: node.op, node: node.name });
    const x = node.inputs.map((i) => (i === undefined ? undefined : b.value(i)));
    const args = { b, attrs: node.attrs, x, y: b.value(out), dy, need } as VjpArgs<OpName>;
    const dx = b.withScope(`grad:${node.name}`, () => (entry as VjpRule<OpName>)(args));
    need.forEach((needed, i) => {
      const d = dx[i];
      const xi = x[i];
      if (!needed || !d || !xi) return;
      if (!shapeEq(d.shape, xi.shape) || d.dtype !== xi.dtype) {
        throw new GraphError('grad', `${node.op} "${node.name}": gradient rule gave ${d.dtype} ${shapeString(d.shape)} for input ${i} of ${xi.dtype} ${shapeString(xi.shape)}`);
      }
      const prev = grads.get(xi.id);
      grads.set(xi.id, prev ? b.add(prev, d) : d);
    });
  }

  const kept = opts.keepOutputs ? [...b.outputs] : [];
  b.clearOutputs();
  for (const [name, v] of kept) b.output(name, v);
  b.output(opts.lossName ?? 'loss', L);
  for (const t of targets) {
    const v = b.value(t.value.id);
    b.output(gradName(t.name), grads.get(v.id) ?? fill(b, 0, v.shape, v.dtype));
  }
  return b;
}
