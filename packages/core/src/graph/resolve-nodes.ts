/**
 * Resolving a document's nodes against the registry: required plugins and their versions,
 * node types, type versions (migrating older ones) and params (by name, through each node
 * type's zod schema, filling defaults).
 */
import semver from 'semver';
import type { z } from 'zod';
import type { Diagnostic } from './diagnostics.js';
import type { GraphDocument, GraphNode } from './document.js';
import type { AnyNodeDefinition } from '../plugin/define.js';
import type { Registry } from '../plugin/registry.js';
import { isPackageName } from '../plugin/package-name.js';

export interface ResolvedNode {
  readonly id: string;
  readonly def: AnyNodeDefinition;
  readonly pluginName: string;
  /** The installed version of that plugin: part of every cache key, so an upgrade recomputes. */
  readonly pluginVersion: string;
  /** The node as it now stands (migrated to the installed type version). */
  readonly node: GraphNode;
  /** Params parsed by the node's schema, with defaults filled in; undefined when invalid. */
  readonly params?: Record<string, unknown>;
}

export function checkPlugins(graph: GraphDocument, registry: Registry): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const [name, range] of Object.entries(graph.plugins ?? {})) {
    const path = `plugins.${name}`;
    const plugin = registry.plugin(name);
    if (!isPackageName(name)) {
      out.push({
        severity: 'error',
        code: 'PLUGIN_NAME_INVALID',
        path,
        message: `"${name.length > 80 ? `${name.slice(0, 77)}...` : name}" is not an npm package name; a graph names plugins by package only (to load a module from a path, start the host with --plugin <path>)`,
      });
    } else if (semver.validRange(range) === null) {
      out.push({ severity: 'error', code: 'SCHEMA_INVALID', path, message: `"${range}" is not a semver range` });
    } else if (!plugin) {
      const have = registry.listPlugins().map((p) => p.name);
      out.push({
        severity: 'error',
        code: 'PLUGIN_MISSING',
        path,
        message: `the graph requires plugin ${name} ${range}, which is not installed (installed: ${have.join(', ') || 'none'})`,
      });
    } else if (!semver.satisfies(plugin.version, range, { includePrerelease: true })) {
      out.push({
        severity: 'error',
        code: 'PLUGIN_VERSION_MISMATCH',
        path,
        message: `the graph requires ${name} ${range}, but ${plugin.version} is installed`,
      });
    }
  }
  return out;
}

const issuePath = (path: readonly PropertyKey[]): string => path.map(String).join('.');

function parseParams(id: string, def: AnyNodeDefinition, raw: Record<string, unknown>, out: Diagnostic[]) {
  const known = def.params.shape as Record<string, z.ZodType>;
  let ok = true;
  for (const name of Object.keys(raw)) {
    if (!Object.hasOwn(known, name)) {
      ok = false;
      const names = Object.keys(known);
      out.push({
        severity: 'error',
        code: 'PARAM_INVALID',
        node: id,
        param: name,
        message: `${def.type} has no param "${name}"${names.length ? ` (params: ${names.join(', ')})` : ''}`,
      });
    }
  }
  const parsed = def.params.safeParse(raw);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      out.push({
        severity: 'error',
        code: 'PARAM_INVALID',
        node: id,
        param: issuePath(issue.path),
        message: `${issuePath(issue.path) || 'params'}: ${issue.message}`,
      });
    }
    return undefined;
  }
  return ok ? (parsed.data as Record<string, unknown>) : undefined;
}

function migrate(id: string, node: GraphNode, def: AnyNodeDefinition, out: Diagnostic[]): GraphNode | undefined {
  if (node.version === def.version) return node;
  if (node.version > def.version) {
    out.push({
      severity: 'error',
      code: 'NODE_VERSION_UNSUPPORTED',
      node: id,
      message: `${node.type} version ${node.version} is newer than the installed version ${def.version}; update its plugin`,
    });
    return undefined;
  }
  let params = { ...(node.params ?? {}) };
  for (let v = node.version; v < def.version; v++) {
    const step = def.migrations?.[v];
    if (!step) {
      out.push({
        severity: 'error',
        code: 'NODE_VERSION_UNSUPPORTED',
        node: id,
        message: `${node.type} version ${node.version} cannot be upgraded to ${def.version}: no migration from ${v}`,
      });
      return undefined;
    }
    params = step(params);
  }
  out.push({ severity: 'info', code: 'NODE_MIGRATED', node: id, message: `${node.type} upgraded from version ${node.version} to ${def.version}` });
  return { ...node, version: def.version, params };
}

export function resolveNodes(graph: GraphDocument, registry: Registry, out: Diagnostic[]): Map<string, ResolvedNode> {
  const resolved = new Map<string, ResolvedNode>();
  const declared = graph.plugins ?? {};
  const undeclared = new Set<string>();
  for (const [id, node] of Object.entries(graph.nodes)) {
    const reg = registry.node(node.type);
    if (!reg) {
      const ns = node.type.split('/')[0];
      const namespaces = [...new Set(registry.listNodes().map((n) => n.def.type.split('/')[0]))];
      out.push({
        severity: 'error',
        code: 'NODE_TYPE_UNKNOWN',
        node: id,
        message: `no installed plugin defines node type "${node.type}"${
          namespaces.includes(ns ?? '') ? '' : ` (known namespaces: ${namespaces.join(', ') || 'none'})`
        }`,
      });
      continue;
    }
    if (!Object.hasOwn(declared, reg.plugin.name) && !undeclared.has(reg.plugin.name)) {
      undeclared.add(reg.plugin.name);
      out.push({
        severity: 'warning',
        code: 'PLUGIN_UNDECLARED',
        node: id,
        message: `${node.type} comes from ${reg.plugin.name}, which the graph's "plugins" does not list (add "${reg.plugin.name}": "^${reg.plugin.version}")`,
      });
    }
    const current = migrate(id, node, reg.def, out);
    if (!current) continue;
    const params = parseParams(id, reg.def, current.params ?? {}, out);
    resolved.set(id, { id, def: reg.def, pluginName: reg.plugin.name, pluginVersion: reg.plugin.version, node: current, ...(params && { params }) });
  }
  return resolved;
}
