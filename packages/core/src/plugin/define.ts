/**
 * The plugin API: `defineNode` and `definePlugin`. A node type declares typed ports, zod
 * params (with defaults, ranges and descriptions, from which editors build forms; a param's
 * `.meta({ widget })` picks its editor widget), its purity and a `run` function; a plugin is a
 * named, versioned set of node types and port kinds under one namespace it owns.
 */
import type { z } from 'zod';
import { CORE_KINDS, isCoreKindName } from '../types/core-kinds.js';
import { sameKind, type PortKind } from '../types/port-kind.js';
import { kindOf, type PortSpec, type ValueOfKind } from '../types/port-types.js';
import type { RunContext } from './context.js';

/**
 * `pure`: outputs depend only on params, inputs and the files read (seeded randomness is
 * pure: the seed is a param), so they are cached by those. `effect`: writes or reports
 * something, runs every time and is never cached.
 */
export type Purity = 'pure' | 'effect';
/** 2: port kinds are records (`definePortKind`), `ctx.services`, async caches, namespaces. */
export const PLUGIN_API_VERSION = 2;

type Ports = Record<string, PortSpec>;
type ValueOfSpec<S extends PortSpec> = ValueOfKind<S['type']>;
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
  /**
   * The node handles each element of its batch on its own, naming or seeding element b by
   * `ctx.batchOffset + b` (one file per image, say). A batch job may shard the graph along an
   * item axis only when every effect node on it declares this; default false.
   */
  readonly perItem?: boolean;
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
  readonly perItem?: boolean;
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
  if (def.purity !== 'pure' && def.purity !== 'effect') throw new Error(`defineNode: ${def.type} purity must be "pure" or "effect", not "${String(def.purity)}"`);
  for (const [side, ports] of [['input', def.inputs], ['output', def.outputs]] as const) {
    for (const [port, spec] of Object.entries(ports)) {
      try {
        kindOf(spec);
      } catch (e) {
        throw new Error(`defineNode: ${def.type} ${side} "${port}": ${(e as Error).message}`, { cause: e });
      }
    }
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
  /**
   * The namespace the plugin owns: its node types are `namespace/Name`, its port kinds too.
   * Default: the namespace its node types share. A registry refuses a second plugin claiming it.
   */
  readonly namespace?: string;
  /** Port kinds the plugin declares (kinds of its namespace its ports use are added to them). */
  readonly kinds?: readonly PortKind[];
  /** The plugin's semver version. */
  readonly version: string;
  /** Plugin API version it was written against. */
  readonly apiVersion: number;
  readonly description?: string;
  readonly nodes: readonly AnyNodeDefinition[];
}

/** A plugin with its namespace settled and its kinds collected. */
export interface ResolvedPlugin extends PluginDefinition {
  readonly namespace: string;
  readonly kinds: readonly PortKind[];
}

const namespaceOf = (name: string): string | undefined => (name.includes('/') ? name.slice(0, name.indexOf('/')) : undefined);

export function definePlugin(def: PluginDefinition): ResolvedPlugin {
  const fail = (why: string): never => {
    throw new Error(`definePlugin: ${def.name} ${why}`);
  };
  if (def.apiVersion !== PLUGIN_API_VERSION) {
    fail(`targets plugin API ${def.apiVersion}, this stylegraph provides API ${PLUGIN_API_VERSION}`);
  }
  const seen = new Set<string>();
  for (const n of def.nodes) {
    if (seen.has(n.type)) fail(`defines ${n.type} twice`);
    seen.add(n.type);
  }
  const used = [...new Set(def.nodes.map((n) => namespaceOf(n.type)!))];
  const namespace = def.namespace ?? (used.length === 1 ? used[0]! : fail(used.length ? `has node types in several namespaces (${used.join(', ')}); declare the one it owns` : 'has no node types; declare its namespace'));
  if (!/^[a-z][a-z0-9-]*$/.test(namespace)) fail(`namespace "${namespace}" must be lower-case letters, digits and dashes`);
  for (const n of def.nodes) if (namespaceOf(n.type) !== namespace) fail(`may define node types only in its namespace "${namespace}/", not ${n.type}`);
  const kinds = new Map<string, PortKind>();
  const add = (k: PortKind, where: string) => {
    const other = kinds.get(k.name);
    if (other && other !== k) fail(`has two different port kinds named ${k.name} (${where})`);
    kinds.set(k.name, k);
  };
  for (const k of def.kinds ?? []) {
    if (namespaceOf(k.name) !== namespace) fail(`may declare port kinds only in its namespace "${namespace}/", not ${k.name}`);
    add(k, 'in kinds');
  }
  for (const n of def.nodes) {
    for (const spec of [...Object.values(n.inputs), ...Object.values(n.outputs)]) {
      const k = kindOf(spec);
      if (namespaceOf(k.name) === namespace) add(k, `used by ${n.type}`);
      // A record without a namespace must be core's own kind (from this or another copy of core).
      else if (namespaceOf(k.name) === undefined && !(isCoreKindName(k.name) && sameKind(k, CORE_KINDS[k.name] as PortKind))) {
        fail(`uses a port kind named ${k.name} (${n.type}) that is not core's; a plugin's kinds are namespace/Name`);
      }
    }
  }
  return { ...def, namespace, kinds: [...kinds.values()] };
}

/** A module's plugin: its default export, or its `plugin` export, when that looks like a plugin definition. */
export function pluginOfModule(mod: Readonly<Record<string, unknown>>): PluginDefinition | undefined {
  const isPlugin = (v: unknown): v is PluginDefinition => !!v && typeof v === 'object' && typeof (v as PluginDefinition).name === 'string' && Array.isArray((v as PluginDefinition).nodes);
  return [mod.default, mod.plugin].find(isPlugin);
}
