/**
 * Wiring checks: every edge names existing nodes and ports, no input has two edges, port
 * kinds are compatible, and required inputs are connected. Produces the wiring (input →
 * source) the cycle, shape and execution stages use.
 */
import type { Diagnostic } from './diagnostics.js';
import { splitPortRef, type GraphDocument } from './document.js';
import type { ResolvedNode } from './resolve-nodes.js';
import { formatPortType, kindAccepts } from '../types/port-types.js';

export interface Source {
  readonly node: string;
  readonly port: string;
  /** Index of the edge in the file. */
  readonly edge: number;
}

/** node id → input port → where its value comes from. */
export type Wiring = Map<string, Map<string, Source>>;

const list = (names: string[]) => (names.length ? names.join(', ') : 'none');

export function checkEdges(
  graph: GraphDocument,
  nodes: ReadonlyMap<string, ResolvedNode>,
  brokenNodes: ReadonlySet<string>,
  edgeIndex: readonly number[],
  out: Diagnostic[],
): Wiring {
  const wiring: Wiring = new Map();
  // Inputs some edge points at, valid or not: a broken edge is its own error, not a missing input.
  const attempted = new Set<string>();
  graph.edges.forEach((edge, k) => {
    const i = edgeIndex[k] ?? k;
    const from = splitPortRef(edge.from);
    const to = splitPortRef(edge.to);
    if (nodes.get(to.node)?.def.inputs[to.port]) attempted.add(edge.to);
    const ends = [
      { ref: from, path: `edges[${i}].from` },
      { ref: to, path: `edges[${i}].to` },
    ];
    let usable = true;
    for (const { ref, path } of ends) {
      if (!Object.hasOwn(graph.nodes, ref.node) && !brokenNodes.has(ref.node)) {
        usable = false;
        out.push({ severity: 'error', code: 'EDGE_NODE_MISSING', path, message: `edge ${edge.from} → ${edge.to}: there is no node "${ref.node}"` });
      } else if (!nodes.has(ref.node)) usable = false; // reported elsewhere
    }
    if (!usable) return;
    const src = nodes.get(from.node)!;
    const dst = nodes.get(to.node)!;
    const outSpec = src.def.outputs[from.port];
    const inSpec = dst.def.inputs[to.port];
    if (!outSpec) {
      out.push({
        severity: 'error',
        code: 'EDGE_PORT_MISSING',
        node: from.node,
        port: from.port,
        path: `edges[${i}].from`,
        message: `${src.def.type} has no output "${from.port}" (outputs: ${list(Object.keys(src.def.outputs))})`,
      });
    }
    if (!inSpec) {
      out.push({
        severity: 'error',
        code: 'EDGE_PORT_MISSING',
        node: to.node,
        port: to.port,
        path: `edges[${i}].to`,
        message: `${dst.def.type} has no input "${to.port}" (inputs: ${list(Object.keys(dst.def.inputs))})`,
      });
    }
    if (!outSpec || !inSpec) return;
    const inputs = wiring.get(to.node) ?? new Map<string, Source>();
    wiring.set(to.node, inputs);
    const existing = inputs.get(to.port);
    if (existing) {
      out.push({
        severity: 'error',
        code: 'INPUT_DUPLICATE_EDGE',
        node: to.node,
        port: to.port,
        path: `edges[${i}]`,
        message: `input "${to.port}" already receives ${existing.node}.${existing.port}; ${edge.from} is a second edge into it`,
      });
      return;
    }
    if (!kindAccepts(inSpec.type, outSpec.type)) {
      out.push({
        severity: 'error',
        code: 'TYPE_MISMATCH',
        node: to.node,
        port: to.port,
        path: `edges[${i}]`,
        message: `${edge.from} is ${formatPortType(outSpec)} but input "${to.port}" of ${dst.def.type} takes ${formatPortType(inSpec)}`,
      });
      return;
    }
    inputs.set(to.port, { node: from.node, port: from.port, edge: i });
  });

  for (const [id, n] of nodes) {
    for (const [port, spec] of Object.entries(n.def.inputs)) {
      if (spec.optional) continue;
      if (attempted.has(`${id}.${port}`)) continue;
      out.push({
        severity: 'error',
        code: 'INPUT_MISSING',
        node: id,
        port,
        message: `required input "${port}" (${formatPortType(spec)}) of ${n.def.type} is not connected`,
      });
    }
  }
  return wiring;
}
