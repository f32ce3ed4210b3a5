/**
 * Static shape checking. Each node's dimension variables are instantiated afresh; incoming
 * edges unify the source's dimensions with the input's declared ones; sizes a node knows from
 * its params (and the input sizes known so far) are bound — an `inferShapes` that throws is an
 * invalid param, never an exception; output dimensions not fixed by inputs are new unknowns —
 * rigid ones for generators, so two different generators' sizes never silently agree.
 */
import type { Diagnostic } from './diagnostics.js';
import type { Wiring } from './check-edges.js';
import type { ResolvedNode } from './resolve-nodes.js';
import { formatPortType, kindOf, portDims } from '../types/port-types.js';
import { Unifier, type Term } from '../types/unify.js';

/** node id → output port → its dimension terms (null for shape-free kinds). */
export type PortShapes = Map<string, Map<string, Term[] | null>>;

export interface ShapeResult {
  readonly unifier: Unifier;
  readonly shapes: PortShapes;
  /** node id → output port → the element count of a shape-free output that declares `elements`. */
  readonly elements: Map<string, Map<string, Term>>;
  /** node id → its dimension variables by name (inputs', outputs' and inferred ones). */
  readonly vars: Map<string, ReadonlyMap<string, Term>>;
}

/** The sizes a node's `inferShapes` gives for the dims known so far; throws what the node throws. */
export function inferredSizes(n: ResolvedNode, dims: Readonly<Record<string, number>>, connected: ReadonlySet<string>): [string, number][] {
  if (!n.params || !n.def.inferShapes) return [];
  return Object.entries(n.def.inferShapes(n.params as never, { dims, connected })).filter((e): e is [string, number] => e[1] !== undefined);
}

export const isSize = (v: unknown): v is number => Number.isSafeInteger(v) && (v as number) >= 0;

export function checkShapes(
  order: readonly string[],
  nodes: ReadonlyMap<string, ResolvedNode>,
  wiring: Wiring,
  out: Diagnostic[],
): ShapeResult {
  const u = new Unifier();
  const shapes: PortShapes = new Map();
  const elements = new Map<string, Map<string, Term>>();
  const allVars = new Map<string, ReadonlyMap<string, Term>>();
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
          const dimName = typeof d === 'string' ? d : (kindOf(spec).dims?.[axis] ?? `axis ${axis}`);
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
    const known: Record<string, number> = {};
    for (const [name, t] of vars) {
      const v = u.valueOf(t);
      if (v !== undefined) known[name] = v;
    }
    let inferred: [string, number][] = [];
    try {
      inferred = inferredSizes(n, known, new Set(wiring.get(id)?.keys() ?? []));
    } catch (e) {
      const why = e instanceof Error ? e.message : String(e);
      out.push({ severity: 'error', code: 'PARAM_INVALID', node: id, message: `${n.def.type} cannot size its outputs from its params: ${why}` });
    }
    for (const [name, value] of inferred) {
      if (!isSize(value)) {
        out.push({ severity: 'error', code: 'PARAM_INVALID', node: id, message: `${n.def.type} sizes ${name} as ${String(value)}, which is not a size` });
        continue;
      }
      const res = u.unify(local(name, () => u.flex()), u.size(value, `from the params of node "${id}"`));
      if (!res.ok) {
        out.push({ severity: 'error', code: 'SHAPE_MISMATCH', node: id, message: `${name} disagrees with an input: ${res.reason}` });
      }
    }
    const outShapes = new Map<string, Term[] | null>();
    for (const [port, spec] of Object.entries(n.def.outputs)) {
      const declared = portDims(spec);
      const kind = kindOf(spec);
      const rigid = kind.rigidOutputs;
      outShapes.set(
        port,
        declared?.map((d) =>
          typeof d === 'number'
            ? u.size(d, '')
            : local(d, () => (rigid ? u.rigid(`${d} of the ${kind.title} from node "${id}"`) : u.flex())),
        ) ?? null,
      );
      const count = declared ? undefined : spec.elements;
      if (count !== undefined) {
        const t = typeof count === 'number' ? u.size(count, '') : local(count, () => u.flex());
        elements.set(id, (elements.get(id) ?? new Map()).set(port, t));
      }
    }
    shapes.set(id, outShapes);
    allVars.set(id, vars);
  }
  return { unifier: u, shapes, elements, vars: allVars };
}
