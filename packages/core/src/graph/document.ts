/**
 * The graph document, format v1: the one JSON file the editor saves, the runner runs,
 * CI checks and a PNG embeds. Parameters are stored by name; every node records its type and
 * type version; plugins are required with semver ranges; models are referenced by path and
 * content hash. This zod schema is the single source of truth (the JSON Schema file in
 * `schema/` is generated from it).
 */
import { z } from 'zod';

export const GRAPH_FORMAT = 'stylegraph.graph';
export const GRAPH_FORMAT_VERSION = 1;

const IDENT = /^[A-Za-z_][A-Za-z0-9_-]{0,63}$/;
const PORT_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;

export const NodeIdSchema = z.string().regex(IDENT, 'a node id is a letter or _ followed by letters, digits, _ or - (at most 64)');

/** `"<node>.<port>"`. */
export const PortRefSchema = z
  .string()
  .regex(new RegExp(`^${IDENT.source.slice(1, -1)}\\.${PORT_NAME.source.slice(1, -1)}$`), 'a port reference is "node.port"')
  .describe('A port reference "nodeId.portName".');

/** `"<namespace>/<Name>"`, e.g. `stylegan/Mapping`. */
export const NodeTypeSchema = z
  .string()
  .regex(/^[a-z][a-z0-9-]*\/[A-Za-z][A-Za-z0-9]*$/, 'a node type is "namespace/Name", e.g. "std/Constant"');

export const GraphNodeSchema = z
  .object({
    type: NodeTypeSchema,
    version: z.number().int().min(1).describe('Version of the node type this node was written for.'),
    title: z.string().max(200).optional(),
    params: z.record(z.string(), z.unknown()).optional().describe('Parameter values by name.'),
    ui: z.object({ x: z.number(), y: z.number() }).strict().optional().describe('Editor position; ignored by the runner.'),
  })
  .strict();

export const GraphEdgeSchema = z.object({ from: PortRefSchema, to: PortRefSchema }).strict();

export const ModelRefSchema = z
  .object({
    path: z.string().min(1).describe('Model folder or file, relative to the graph file.'),
    sha256: z.string().regex(/^[0-9a-f]{64}$/).optional().describe('Content hash the graph was made with.'),
  })
  .strict();

export const PluginLockSchema = z
  .object({
    version: z.string().min(1).max(256).describe('The exact version the graph was locked with.'),
    integrity: z
      .string()
      .regex(/^sha256-[A-Za-z0-9+/]{43}=$/, 'an integrity is "sha256-" and a base64 SHA-256')
      .describe('SHA-256 of the plugin package’s files (its folder without node_modules), as "sha256-<base64>".'),
  })
  .strict();

export const GraphDocumentSchema = z
  .object({
    $schema: z.string().optional(),
    format: z.literal(GRAPH_FORMAT),
    formatVersion: z.literal(GRAPH_FORMAT_VERSION),
    title: z.string().max(500).optional(),
    description: z.string().max(20_000).optional(),
    plugins: z
      .record(z.string().min(1), z.string().min(1))
      .optional()
      .describe('Required plugins: package name → semver range.'),
    lock: z
      .record(z.string().min(1), PluginLockSchema)
      .optional()
      .describe('The exact plugins the graph was locked with (`stylegraph lock`): package name → version and integrity.'),
    models: z.record(z.string().regex(IDENT), ModelRefSchema).optional().describe('Model files the graph uses, by id.'),
    batch: z
      .object({
        shard: z.string().regex(/^[A-Za-z_][A-Za-z0-9_-]*\.[A-Za-z_][A-Za-z0-9_]*$/).describe('The item axis: node.param holding a seed list or a list (e.g. "seeds.seeds").'),
        size: z.number().int().min(1).max(1_000_000).optional().describe('Items per shard.'),
      })
      .strict()
      .optional()
      .describe('How `stylegraph batch` shards the graph over many machines, unless its command line says otherwise.'),
    nodes: z.record(NodeIdSchema, GraphNodeSchema),
    edges: z.array(GraphEdgeSchema),
  })
  .strict();

export type GraphNode = z.infer<typeof GraphNodeSchema>;
export type GraphEdge = z.infer<typeof GraphEdgeSchema>;
export type ModelRef = z.infer<typeof ModelRefSchema>;
export type PluginLock = z.infer<typeof PluginLockSchema>;
export type GraphDocument = z.infer<typeof GraphDocumentSchema>;

/** Splits `"node.port"` at its last dot. */
export function splitPortRef(ref: string): { node: string; port: string } {
  const i = ref.lastIndexOf('.');
  return { node: ref.slice(0, i), port: ref.slice(i + 1) };
}

/** The JSON Schema of graph documents, generated from the zod schema. */
export function graphJsonSchema(): Record<string, unknown> {
  return {
    ...z.toJSONSchema(GraphDocumentSchema, { target: 'draft-2020-12', io: 'input' }),
    $id: 'https://stylegraph.dev/schema/graph-v1.schema.json',
    title: 'stylegraph graph document v1',
  };
}
