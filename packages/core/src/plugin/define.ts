/**
 * The plugin API: `defineNode` and `definePlugin`. A node type declares typed ports, zod
 * params (with defaults, ranges and descriptions, from which editors build forms), its
 * purity and a `run` function; a plugin is a named, versioned set of node types.
 */
import type { z } from 'zod';
import type { PortKind, PortSpec, PortValueOf } from '../types/port-types.js';
import type { RunContext } from './context.js';

export type Purity = 'pure' | 'seeded' | 'effect';
export const PLUGIN_API_VERSION = 1;

type Ports = Record<string, PortSpec>;
type ValueOfSpec<S extends PortSpec> = PortValueOf[S['type'] & PortKind];
type InputValues<I extends Ports> = {
  [K in keyof I]: I[K]['optional'] extends true ? ValueOfSpec<I[K]> | undefined : ValueOfSpec<I[K]>;
};
type OutputValues<O extends Ports> = { [K in keyof O]: ValueOfSpec<O[K]> };

// Params are a zod object: named fields, each with its default and description.
type ParamsSchema = z.ZodObject;

/** Sizes by dimension variable name; undefined where not known yet. */
export type InferredSizes = Readonly<Record<string, number | undefined>>;

/** What `inferShapes` knows about a node's inputs. */
export interface ShapeInputs {
  /** Known sizes of the node's dimension variables, e.g. `{ B: 16, numWs: 10 }`; unknown ones are absent. */
  readonly dims: Readonly<Record<string, number>>;
  /** The inputs that have an edge (an optional input without one binds nothing). */
  readonly connected: ReadonlySet<string>;
}

export interface NodeRunArgs<I extends Ports, P extends ParamsSchema> {
  readonly inputs: InputValues<I>;
  readonly params: z.output<P>;
  readonly ctx: RunContext;
}

export interface NodeDefinition<I extends Ports = Ports, O extends Ports = Ports, P extends ParamsSchema = ParamsSchema> {
  /** `namespace/Name`, e.g. `std/Constant`. */
  readonly type: string;
  /** Increase when params or ports change meaning; provide a migration from the previous one. */
  readonly version: number;
  readonly title: string;
  readonly category: string;
  readonly description?: string;
  readonly inputs: I;
  readonly outputs: O;
  readonly params: P;
  readonly purity: Purity;
  /**
   * Migrations of stored params: `migrations[k]` turns params written for version k into
   * params for version k + 1.
   */
  readonly migrations?: Readonly<Record<number, (params: Record<string, unknown>) => Record<string, unknown>>>;
  /**
   * Sizes the params determine, by dimension variable name: from params alone (B = number of
   * seeds) or from params and input sizes (S = B · steps); undefined for one not known yet.
   * Called at check time, and again during a run as input sizes become known; a throw is
   * reported as an invalid param.
   */
  readonly inferShapes?: (params: z.output<P>, inputs: ShapeInputs) => InferredSizes;
  /** Params that name files the node reads (relative to the graph), for cache keys and hosts. */
  readonly fileParams?: readonly string[];
  readonly run: (args: NodeRunArgs<I, P>) => Promise<OutputValues<O>> | OutputValues<O>;
}

/** Any node definition, as registries and executors hold them. */
export interface AnyNodeDefinition {
  readonly type: string;
  readonly version: number;
  readonly title: string;
  readonly category: string;
  readonly description?: string;
  readonly inputs: Ports;
  readonly outputs: Ports;
  readonly params: ParamsSchema;
  readonly purity: Purity;
  readonly migrations?: Readonly<Record<number, (params: Record<string, unknown>) => Record<string, unknown>>>;
  readonly inferShapes?: (params: never, inputs: ShapeInputs) => InferredSizes;
  readonly fileParams?: readonly string[];
  readonly run: (args: { inputs: never; params: never; ctx: RunContext }) => Promise<unknown> | unknown;
}

export function defineNode<const I extends Ports, const O extends Ports, P extends ParamsSchema>(
  def: NodeDefinition<I, O, P>,
): NodeDefinition<I, O, P> & AnyNodeDefinition {
  if (!/^[a-z][a-z0-9-]*\/[A-Za-z][A-Za-z0-9]*$/.test(def.type)) {
    throw new Error(`defineNode: type "${def.type}" must look like "namespace/Name"`);
  }
  if (!Number.isInteger(def.version) || def.version < 1) {
    throw new Error(`defineNode: ${def.type} version must be a positive integer`);
  }
  for (let v = 1; v < def.version; v++) {
    if (def.migrations && !def.migrations[v]) {
      throw new Error(`defineNode: ${def.type} has migrations but none from version ${v} to ${v + 1}`);
    }
  }
  return def as NodeDefinition<I, O, P> & AnyNodeDefinition;
}

export interface PluginDefinition {
  /** npm package name, e.g. `@stylegraph/plugin-std`. */
  readonly name: string;
  /** The plugin's semver version. */
  readonly version: string;
  /** Plugin API version it was written against. */
  readonly apiVersion: number;
  readonly description?: string;
  readonly nodes: readonly AnyNodeDefinition[];
}

export function definePlugin(def: PluginDefinition): PluginDefinition {
  if (def.apiVersion !== PLUGIN_API_VERSION) {
    throw new Error(
      `definePlugin: ${def.name} targets plugin API ${def.apiVersion}, this stylegraph provides API ${PLUGIN_API_VERSION}`,
    );
  }
  const seen = new Set<string>();
  for (const n of def.nodes) {
    if (seen.has(n.type)) throw new Error(`definePlugin: ${def.name} defines ${n.type} twice`);
    seen.add(n.type);
  }
  return def;
}
