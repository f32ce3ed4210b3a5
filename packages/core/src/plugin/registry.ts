/**
 * The registry of installed plugins, their node types and port kinds. Hosts (CLI, server,
 * editor) fill it; validation and execution read it. Each plugin owns one namespace: a second
 * plugin defining node types or kinds in it is refused.
 */
import { z } from 'zod';
import { definePlugin, type AnyNodeDefinition, type PluginDefinition, type ResolvedPlugin } from './define.js';
import { CORE_KINDS } from '../types/core-kinds.js';
import { sameKind, type PortKind } from '../types/port-kind.js';
import { formatPortType, kindOf, type PortSpec } from '../types/port-types.js';

export interface RegisteredNode {
  readonly def: AnyNodeDefinition;
  readonly plugin: ResolvedPlugin;
}

/** A port kind described as plain data, for `stylegraph nodes` and editors. */
export type PortKindInfo = Pick<PortKind, 'name' | 'title' | 'description' | 'dims' | 'tensor' | 'dtype' | 'color'> & {
  /** The plugin that declares it; absent for core's kinds. */
  readonly plugin?: string;
};

/** A port as data: its kind by name, the kind's short title and colour, and the type as messages show it. */
export type PortInfo = Omit<PortSpec, 'type'> & { readonly type: string; readonly kindTitle: string; readonly color: string; readonly display: string };

/** A node type described as plain data: what `stylegraph nodes --json` prints and editors read. */
export interface NodeTypeInfo {
  readonly type: string;
  readonly version: number;
  readonly title: string;
  readonly category: string;
  readonly description?: string;
  readonly plugin: { readonly name: string; readonly version: string };
  readonly purity: AnyNodeDefinition['purity'];
  /** Ports with their kind by name (see `Registry.describeKinds`). */
  readonly inputs: Record<string, PortInfo>;
  readonly outputs: Record<string, PortInfo>;
  readonly params: Record<string, unknown>;
  /** Params that name files the node reads (editors offer a file picker for them). */
  readonly fileParams: readonly string[];
}

export class Registry {
  private readonly plugins = new Map<string, ResolvedPlugin>();
  private readonly nodes = new Map<string, RegisteredNode>();
  private readonly namespaces = new Map<string, string>();
  private readonly kinds = new Map<string, { kind: PortKind; plugin?: string }>(Object.values(CORE_KINDS).map((k) => [k.name, { kind: k as PortKind }]));

  constructor(plugins: readonly PluginDefinition[] = []) {
    for (const p of plugins) this.register(p);
  }

  register(definition: PluginDefinition): this {
    // Settled again here: the plugin may come from another copy of core, or be a plain object.
    const plugin = definePlugin(definition);
    if (this.plugins.has(plugin.name)) throw new Error(`plugin ${plugin.name} is already registered`);
    const owner = this.namespaces.get(plugin.namespace);
    // Node types and kinds live in their plugin's namespace, so two plugins never define the same one.
    if (owner) throw new Error(`plugin ${plugin.name} defines node types or kinds in namespace "${plugin.namespace}", which belongs to ${owner}`);
    // A kind is one thing by its name: what this plugin uses must agree with what is known, and
    // what it declares with what registered nodes already use.
    const known = new Map([...this.usedKinds(), ...[...this.kinds].map(([n, e]) => [n, e.kind] as const)]);
    for (const def of plugin.nodes) {
      for (const spec of [...Object.values(def.inputs), ...Object.values(def.outputs)]) {
        const k = kindOf(spec);
        const other = known.get(k.name);
        if (other && !sameKind(k, other)) throw new Error(`plugin ${plugin.name}: ${def.type} uses a port kind ${k.name} that differs from the registered one (dims, dtype or tensor-ness)`);
      }
    }
    this.plugins.set(plugin.name, plugin);
    this.namespaces.set(plugin.namespace, plugin.name);
    for (const k of plugin.kinds) this.kinds.set(k.name, { kind: k, plugin: plugin.name });
    for (const def of plugin.nodes) this.nodes.set(def.type, { def, plugin });
    return this;
  }

  /** A port kind by name: core's, a registered plugin's, or one a registered node's port uses. */
  kind(name: string): PortKind | undefined {
    return this.kinds.get(name)?.kind ?? this.usedKinds().get(name);
  }

  /** Every kind the registry knows, core's first, then by name. */
  describeKinds(): PortKindInfo[] {
    const all = new Map([...this.usedKinds()].map(([n, k]) => [n, { kind: k } as { kind: PortKind; plugin?: string }]));
    for (const [n, e] of this.kinds) all.set(n, e);
    const core = new Set(Object.keys(CORE_KINDS));
    return [...all.values()]
      .sort((a, b) => Number(!core.has(a.kind.name)) - Number(!core.has(b.kind.name)) || a.kind.name.localeCompare(b.kind.name))
      .map(({ kind: k, plugin }) => ({
        name: k.name,
        title: k.title,
        description: k.description,
        dims: k.dims,
        tensor: k.tensor,
        ...(k.dtype && { dtype: k.dtype }),
        color: k.color,
        ...(plugin && { plugin }),
      }));
  }

  /** Kinds that registered nodes' ports use (a plugin may use kinds another plugin declares). */
  private usedKinds(): Map<string, PortKind> {
    const out = new Map<string, PortKind>();
    for (const { def } of this.nodes.values()) for (const spec of [...Object.values(def.inputs), ...Object.values(def.outputs)]) out.set(kindOf(spec).name, kindOf(spec));
    return out;
  }

  plugin(name: string): ResolvedPlugin | undefined {
    return this.plugins.get(name);
  }

  node(type: string): RegisteredNode | undefined {
    return this.nodes.get(type);
  }

  listPlugins(): ResolvedPlugin[] {
    return [...this.plugins.values()];
  }

  listNodes(): RegisteredNode[] {
    return [...this.nodes.values()].sort((a, b) => a.def.type.localeCompare(b.def.type));
  }

  describe(type: string): NodeTypeInfo | undefined {
    const r = this.nodes.get(type);
    return r && describeNode(r);
  }

  describeAll(): NodeTypeInfo[] {
    return this.listNodes().map(describeNode);
  }
}

const describePorts = (ports: Record<string, PortSpec>): Record<string, PortInfo> =>
  Object.fromEntries(Object.entries(ports).map(([k, p]) => [k, { ...p, type: kindOf(p).name, kindTitle: kindOf(p).title, color: kindOf(p).color, display: formatPortType(p) }]));

function describeNode({ def, plugin }: RegisteredNode): NodeTypeInfo {
  return {
    type: def.type,
    version: def.version,
    title: def.title,
    category: def.category,
    ...(def.description !== undefined && { description: def.description }),
    plugin: { name: plugin.name, version: plugin.version },
    purity: def.purity,
    inputs: describePorts(def.inputs),
    outputs: describePorts(def.outputs),
    params: z.toJSONSchema(def.params, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>,
    fileParams: def.fileParams ?? [],
  };
}
