/**
 * The item axis of a batch job: one param of one node whose value is a list of items — a seed
 * list (`"0-999999"`, a param with the `seeds` widget) or any JSON array (image paths, values).
 * A shard is the same graph with that param narrowed to a consecutive run of the items.
 */
import { formatSeedList, parseSeedList, z, type GraphDocument, type Registry } from '@stylegraph/core';
import { UsageError } from '../graph-file.js';

/** Most items one job may have (a seed list of ten million is 80 MB of numbers here). */
export const MAX_JOB_ITEMS = 10_000_000;

export interface ItemAxis {
  readonly node: string;
  readonly param: string;
  readonly kind: 'seeds' | 'list';
  readonly items: readonly unknown[];
}

/** `"seeds.seeds"` → node and param names; a usage error names what is wrong. */
export function parseAxisSpec(spec: string): { node: string; param: string } {
  const m = /^([A-Za-z_][A-Za-z0-9_-]*)\.([A-Za-z_][A-Za-z0-9_]*)$/.exec(spec);
  if (!m) throw new UsageError(`--shard ${spec}: expected node.param (e.g. seeds.seeds)`);
  return { node: m[1]!, param: m[2]! };
}

const isSeedParam = (schema: z.ZodType): boolean => {
  try {
    return (z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as { widget?: unknown }).widget === 'seeds';
  } catch {
    return false;
  }
};

/** Reads the axis from a document: the param's value (or its default) expanded into items. */
export function readAxis(doc: GraphDocument, registry: Registry, spec: string, maxItems = MAX_JOB_ITEMS): ItemAxis {
  const { node, param } = parseAxisSpec(spec);
  const n = Object.hasOwn(doc.nodes, node) ? doc.nodes[node] : undefined;
  if (!n) throw new UsageError(`--shard ${spec}: the graph has no node "${node}"`);
  const def = registry.node(n.type)?.def;
  if (!def) throw new UsageError(`--shard ${spec}: node "${node}" has the unknown type ${n.type}`);
  const shape = (def.params as unknown as { shape?: Record<string, z.ZodType> }).shape ?? {};
  const schema = Object.hasOwn(shape, param) ? shape[param] : undefined;
  if (!schema) throw new UsageError(`--shard ${spec}: ${n.type} has no param "${param}" (it has ${Object.keys(shape).join(', ') || 'none'})`);
  const given = n.params && Object.hasOwn(n.params, param) ? n.params[param] : undefined;
  const value = given === undefined ? schema.safeParse(undefined).data : given;
  if (isSeedParam(schema)) {
    if (typeof value !== 'string') throw new UsageError(`--shard ${spec}: the seed list must be a string like "0-999", not ${JSON.stringify(value)}`);
    try {
      return { node, param, kind: 'seeds', items: parseSeedList(value, { max: maxItems }) };
    } catch (e) {
      throw new UsageError(`--shard ${spec}: ${(e as Error).message}`);
    }
  }
  if (Array.isArray(value)) {
    if (value.length === 0) throw new UsageError(`--shard ${spec}: the list is empty; there is nothing to shard`);
    if (value.length > maxItems) throw new UsageError(`--shard ${spec}: ${value.length} items are more than a job may have (${maxItems})`);
    return { node, param, kind: 'list', items: value };
  }
  throw new UsageError(`--shard ${spec}: ${n.type}.${param} is neither a seed list nor a list, so it has no items to shard`);
}

/** The param value that holds exactly `items` (a run of the axis's items). */
export function narrowValue(axis: Pick<ItemAxis, 'kind'>, items: readonly unknown[]): unknown {
  return axis.kind === 'seeds' ? formatSeedList(items as number[]) : [...items];
}

/** `doc` with the axis param set to `value` (a fresh document; `doc` is not changed). */
export function withAxisValue(doc: GraphDocument, axis: Pick<ItemAxis, 'node' | 'param'>, value: unknown): GraphDocument {
  const n = doc.nodes[axis.node]!;
  return { ...doc, nodes: { ...doc.nodes, [axis.node]: { ...n, params: { ...n.params, [axis.param]: value } } } };
}
