/**
 * Plans a batch job: which nodes lie on the item axis (their batch is the items), whether the
 * graph can be sharded at all, the shards, and the job's content id.
 *
 * A node is on the axis when its batch follows the item count: checked twice with the axis
 * narrowed to one item and to two, its output's (or, for an effect node, every tensor input's)
 * leading size is 1 and then 2. Such nodes see `ctx.batchOffset` in a shard. An effect node must
 * be on the axis and declare `perItem` — otherwise every shard would write (or assert) its own
 * version of one whole-batch result, and shards would overwrite each other.
 */
import { canonicalJson, checkGraph, formatDiagnostic, type CheckedGraph, type GraphDocument, type Registry } from '@stylegraph/core';
import { createHash } from 'node:crypto';
import { UsageError } from '../graph-file.js';
import { narrowValue, readAxis, withAxisValue, type ItemAxis } from './axis.js';

export interface Shard {
  readonly index: number;
  /** Job-wide index of the shard's first item. */
  readonly offset: number;
  readonly count: number;
  /** The axis param's value in this shard. */
  readonly value: unknown;
}

export interface BatchPlan {
  /** The job's graph: migrated, overrides applied, the axis holding every item. */
  readonly document: GraphDocument;
  readonly axis: Omit<ItemAxis, 'items'> & { readonly total: number };
  readonly size: number;
  /** Nodes whose batch is the item axis (they get `batchOffset`). */
  readonly perItem: readonly string[];
  readonly shards: readonly Shard[];
  /** Content id: the same graph, axis, shard size, plugins, backend and output give the same id. */
  readonly id: string;
}

const leading = (graph: CheckedGraph, node: string, port: string): number | undefined => {
  const terms = graph.shapes.shapes.get(node)?.get(port);
  return terms && terms.length ? graph.shapes.unifier.valueOf(terms[0]!) : undefined;
};

function probe(doc: GraphDocument, registry: Registry, axis: ItemAxis, items: readonly unknown[], what: string): CheckedGraph {
  const r = checkGraph(withAxisValue(doc, axis, narrowValue(axis, items)), registry);
  if (!r.graph) {
    const first = r.diagnostics.find((d) => d.severity === 'error');
    throw new UsageError(`the graph is invalid with ${what}: ${first ? formatDiagnostic(first) : 'unknown error'}`);
  }
  return r.graph;
}

/** Node ids on the item axis; throws a usage error naming the first effect node that cannot be sharded. */
export function itemNodes(one: CheckedGraph, two: CheckedGraph, axis: { node: string; param: string }): string[] {
  const tracks = (node: string, port: string) => leading(one, node, port) === 1 && leading(two, node, port) === 2;
  const axisNode = one.nodes.get(axis.node)!;
  if (!Object.keys(axisNode.def.outputs).some((p) => tracks(axis.node, p))) {
    throw new UsageError(`--shard ${axis.node}.${axis.param}: the batch of node "${axis.node}" (${axisNode.def.type}) does not follow this param, so it is not an item axis`);
  }
  const on: string[] = [];
  for (const id of one.order) {
    const n = one.nodes.get(id)!;
    const outs = Object.keys(n.def.outputs).filter((p) => tracks(id, p));
    const tensorInputs = [...(one.wiring.get(id) ?? [])].filter(([, src]) => (one.shapes.shapes.get(src.node)?.get(src.port)?.length ?? 0) > 0);
    const insTrack = tensorInputs.length > 0 && tensorInputs.every(([, src]) => tracks(src.node, src.port));
    if (n.def.purity === 'effect') {
      const where = `node "${id}" (${n.def.type})`;
      if (!insTrack) throw new UsageError(`${where} would run once per shard on values that are not per item (${tensorInputs.length ? 'its input holds all items at once, e.g. a grid' : 'it has no per-item input'}); shards would each write their own version — shard a graph that saves each item`);
      if (n.def.perItem !== true) throw new UsageError(`${where} writes its whole batch as one result, so shards would overwrite each other; only nodes that declare perItem (io/SaveImage …) can be sharded`);
      on.push(id);
    } else if (outs.length) on.push(id);
  }
  return on;
}

function withoutParam(doc: GraphDocument, axis: { node: string; param: string }): GraphDocument {
  const n = doc.nodes[axis.node]!;
  const params = { ...n.params };
  delete params[axis.param];
  return { ...doc, nodes: { ...doc.nodes, [axis.node]: { ...n, params } } };
}

/** Most shards one job may have (a queue entry each: ~1 KB of Redis while queued). */
export const MAX_SHARDS = 100_000;

export interface PlanOptions {
  readonly shard: string;
  readonly size: number;
  readonly backend: string;
  readonly out: string;
  /** The folder the graph's paths are relative to, and a folder the job is confined to: both part of its id. */
  readonly root?: string;
  readonly confine?: string;
  /** Content hashes of the files the graph reads besides its items (models …): part of the id, so a changed model is a new job. */
  readonly inputs?: Readonly<Record<string, string>>;
  readonly maxShards?: number;
  readonly maxItems?: number;
}

export function planBatch(doc: GraphDocument, registry: Registry, opts: PlanOptions): BatchPlan {
  if (!Number.isSafeInteger(opts.size) || opts.size < 1) throw new UsageError(`--size ${opts.size}: a shard holds a whole number ≥ 1 of items`);
  const axis = readAxis(doc, registry, opts.shard, opts.maxItems);
  const shardCount = Math.ceil(axis.items.length / opts.size);
  const maxShards = opts.maxShards ?? MAX_SHARDS;
  if (shardCount > maxShards) throw new UsageError(`${axis.items.length} items in shards of ${opts.size} are ${shardCount} shards, more than a job may have (${maxShards}); raise --size`);
  const first = axis.items[0];
  const one = probe(doc, registry, axis, [first], 'one item');
  const two = probe(doc, registry, axis, [first, first], 'two items');
  const perItem = itemNodes(one, two, axis);
  // The largest shard must check too (a node may bound how many items it takes).
  if (opts.size > 2 && axis.items.length > 2) probe(doc, registry, axis, axis.items.slice(0, opts.size), `a shard of ${Math.min(opts.size, axis.items.length)} items`);
  // The job's document: as checked (migrated), the axis param as written (or absent), so nodes
  // that embed the document embed what one run of the graph would.
  const given = doc.nodes[axis.node]!.params;
  const document = given && Object.hasOwn(given, axis.param) ? withAxisValue(one.document, axis, given[axis.param]) : withoutParam(one.document, axis);
  const shards: Shard[] = [];
  for (let offset = 0, index = 0; offset < axis.items.length; offset += opts.size, index++) {
    const items = axis.items.slice(offset, offset + opts.size);
    shards.push({ index, offset, count: items.length, value: narrowValue(axis, items) });
  }
  const plugins = Object.keys(document.plugins ?? {})
    .sort()
    .map((name) => `${name}@${registry.plugin(name)?.version ?? "?"}`);
  const id = createHash('sha256')
    .update(canonicalJson({ document, axis: { node: axis.node, param: axis.param }, size: opts.size, plugins, backend: opts.backend, out: opts.out, root: opts.root ?? null, confine: opts.confine ?? null, inputs: opts.inputs ?? {} }))
    .digest('hex')
    .slice(0, 24);
  return { document, axis: { node: axis.node, param: axis.param, kind: axis.kind, total: axis.items.length }, size: opts.size, perItem, shards, id };
}
