/**
 * Static shape checking. Each node's dimension variables are instantiated afresh; incoming
 * edges unify the source's dimensions with the input's declared ones; sizes a node knows from
 * its params are bound; output dimensions not fixed by inputs are new unknowns — rigid ones
 * for generators, so two different generators' sizes never silently agree.
 */
import type { Diagnostic } from './diagnostics.js';
import type { Wiring } from './check-edges.js';
import type { ResolvedNode } from './resolve-nodes.js';
import { PORT_KINDS, formatPortType, portDims } from '../types/port-types.js';
import { Unifier, type Term } from '../types/unify.js';

/** node id → output port → its dimension terms (null for shape-free kinds). */
export type PortShapes = Map<string, Map<string, Term[] | null>>;

export interface ShapeResult {
  readonly unifier: Unifier;
  readonly shapes: PortShapes;
}

export function checkShapes(
  order: readonly string[],
  nodes: ReadonlyMap<string, ResolvedNode>,
  wiring: Wiring,
  out: Diagnostic[],
): ShapeResult {
  const u = new Unifier();
  const shapes: PortShapes = new Map();
  for (const id of order) {
    const n = nodes.get(id);
    if (!n) continue;
    const vars = new Map<string, Term>();
    const local = (name: string, make: () => Term): Term => {
      const t = vars.get(name) ?? make();
      vars.set(name, t);
      return t;
    };
    for (const [port, src] of wiring.get(id) ?? []) {
      const spec = n.def.inputs[port]!;
      const declared = portDims(spec);
      const incoming = shapes.get(src.node)?.get(src.port);
      if (!declared || !incoming || declared.length !== incoming.length) continue;
      // One diagnostic per edge, naming every dimension that disagrees.
      const problems: string[] = [];
      declared.forEach((d, axis) => {
        const mine = typeof d === 'number' ? u.size(d, `fixed by ${n.def.type}`) : local(d, () => u.flex());
        const res = u.unify(incoming[axis]!, mine);
        if (!res.ok) {
          const dimName = typeof d === 'string' ? d : (PORT_KINDS[spec.type].dims?.[axis] ?? `axis ${axis}`);
          problems.push(`${dimName}: ${res.reason}`);
        }
      });
      if (problems.length) {
        out.push({
          severity: 'error',
          code: 'SHAPE_MISMATCH',
          node: id,
          port,
          path: `edges[${src.edge}]`,
          message: `${src.node}.${src.port} → ${id}.${port} (${formatPortType(spec)}) disagrees on ${problems.join('; ')}`,
        });
      }
    }
    if (n.params && n.def.inferShapes) {
      for (const [name, value] of Object.entries(n.def.inferShapes(n.params as never))) {
        const res = u.unify(local(name, () => u.flex()), u.size(value, `from the params of node "${id}"`));
        if (!res.ok) {
          out.push({ severity: 'error', code: 'SHAPE_MISMATCH', node: id, message: `${name} disagrees with an input: ${res.reason}` });
        }
      }
    }
    const outShapes = new Map<string, Term[] | null>();
    for (const [port, spec] of Object.entries(n.def.outputs)) {
      const declared = portDims(spec);
      const rigid = PORT_KINDS[spec.type].rigidOutputs;
      outShapes.set(
        port,
        declared?.map((d) =>
          typeof d === 'number'
            ? u.size(d, '')
            : local(d, () => (rigid ? u.rigid(`${d} of the ${spec.type} from node "${id}"`) : u.flex())),
        ) ?? null,
      );
    }
    shapes.set(id, outShapes);
  }
  return { unifier: u, shapes };
}
