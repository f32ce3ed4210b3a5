/** A plugin described as data (`PluginWire`), for a host on the other side of a boundary. */
import { z } from 'zod';
import type { Json, PortKind } from '../types/port-kind.js';
import { kindOf, type PortSpec } from '../types/port-types.js';
import type { PluginDefinition } from '../plugin/define.js';
import type { KindWire, NodeWire, PluginWire, PortWire } from './wire.js';

const kindWire = (k: PortKind): KindWire => ({
  name: k.name,
  title: k.title,
  description: k.description,
  dims: k.dims,
  tensor: k.tensor,
  ...(k.dtype !== undefined && { dtype: k.dtype }),
  rigidOutputs: k.rigidOutputs,
  color: k.color,
});

const portWire = (s: PortSpec): PortWire => ({
  kind: kindOf(s).name,
  ...(s.shape && { shape: s.shape }),
  ...(s.elements !== undefined && { elements: s.elements }),
  ...(s.optional && { optional: true }),
  ...(s.description !== undefined && { description: s.description }),
});

const ports = (ps: Readonly<Record<string, PortSpec>>) => Object.fromEntries(Object.entries(ps).map(([k, s]) => [k, portWire(s)]));

export function describePlugin(p: PluginDefinition): PluginWire {
  const kinds = new Map<string, PortKind>();
  for (const k of p.kinds ?? []) kinds.set(k.name, k);
  for (const n of p.nodes) for (const s of [...Object.values(n.inputs), ...Object.values(n.outputs)]) kinds.set(kindOf(s).name, kindOf(s));
  const nodes: NodeWire[] = p.nodes.map((n) => ({
    type: n.type,
    version: n.version,
    title: n.title,
    category: n.category,
    ...(n.description !== undefined && { description: n.description }),
    purity: n.purity,
    inputs: ports(n.inputs),
    outputs: ports(n.outputs),
    params: z.toJSONSchema(n.params, { io: 'input', unrepresentable: 'any' }) as Json,
    ...(n.fileParams && { fileParams: n.fileParams }),
    ...(n.perItem === true && { perItem: true }),
    migrations: Object.keys(n.migrations ?? {}).map(Number),
    inferShapes: typeof n.inferShapes === 'function',
  }));
  return {
    name: p.name,
    version: p.version,
    apiVersion: p.apiVersion,
    namespace: p.namespace ?? p.nodes[0]?.type.split('/')[0] ?? '',
    ...(p.description !== undefined && { description: p.description }),
    kinds: [...kinds.values()].map(kindWire),
    nodes,
  };
}
