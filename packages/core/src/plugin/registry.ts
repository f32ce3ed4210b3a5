/**
 * The registry of installed plugins and their node types. Hosts (CLI, server, editor) fill
 * it; validation and execution read it.
 */
import { z } from 'zod';
import type { AnyNodeDefinition, PluginDefinition } from './define.js';
import { formatPortType, type PortSpec } from '../types/port-types.js';

export interface RegisteredNode {
  readonly def: AnyNodeDefinition;
  readonly plugin: PluginDefinition;
}

/** A node type described as plain data: what `stylegraph nodes --json` prints and editors read. */
export interface NodeTypeInfo {
  readonly type: string;
  readonly version: number;
  readonly title: string;
  readonly category: string;
  readonly description?: string;
  readonly plugin: { readonly name: string; readonly version: string };
  readonly purity: AnyNodeDefinition['purity'];
  readonly inputs: Record<string, PortSpec & { readonly display: string }>;
  readonly outputs: Record<string, PortSpec & { readonly display: string }>;
  readonly params: Record<string, unknown>;
  /** Params that name files the node reads (editors offer a file picker for them). */
  readonly fileParams: readonly string[];
}

export class Registry {
  private readonly plugins = new Map<string, PluginDefinition>();
  private readonly nodes = new Map<string, RegisteredNode>();

  constructor(plugins: readonly PluginDefinition[] = []) {
    for (const p of plugins) this.register(p);
  }

  register(plugin: PluginDefinition): this {
    if (this.plugins.has(plugin.name)) throw new Error(`plugin ${plugin.name} is already registered`);
    for (const def of plugin.nodes) {
      const other = this.nodes.get(def.type);
      if (other) throw new Error(`node type ${def.type} is defined by both ${other.plugin.name} and ${plugin.name}`);
    }
    this.plugins.set(plugin.name, plugin);
    for (const def of plugin.nodes) this.nodes.set(def.type, { def, plugin });
    return this;
  }

  plugin(name: string): PluginDefinition | undefined {
    return this.plugins.get(name);
  }

  node(type: string): RegisteredNode | undefined {
    return this.nodes.get(type);
  }

  listPlugins(): PluginDefinition[] {
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

const describePorts = (ports: Record<string, PortSpec>) =>
  Object.fromEntries(Object.entries(ports).map(([k, p]) => [k, { ...p, display: formatPortType(p) }]));

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
