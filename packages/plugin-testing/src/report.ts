/** What `checkPlugin` and `checkManifest` report. */

export type ProblemCode =
  /** package.json is missing or not JSON. */
  | 'PACKAGE_JSON'
  /** A package.json field a stylegraph plugin needs is missing or wrong. */
  | 'MANIFEST_INVALID'
  /** The plugin targets a plugin API this stylegraph does not provide. */
  | 'API_VERSION'
  /** A file the manifest names (entry, operator manifest, model) is missing or unreadable. */
  | 'FILE_MISSING'
  /** The host could not load the plugin. */
  | 'LOAD_FAILED'
  /** A node failed to run, or returned values that are not of its output kinds. */
  | 'NODE_FAILED'
  /** A pure node gave different outputs for the same params and inputs. */
  | 'NODE_IMPURE';

export interface Problem {
  readonly severity: 'error' | 'warning';
  readonly code: ProblemCode;
  /** One line: what is wrong and where. */
  readonly message: string;
  /** The package.json field, e.g. `stylegraph.capabilities.net`. */
  readonly field?: string;
  /** The node type a run problem is about. */
  readonly node?: string;
}

export interface NodeCheck {
  readonly type: string;
  readonly status: 'ok' | 'failed' | 'skipped';
  /** Why it failed or was skipped. */
  readonly message?: string;
}

export interface PluginReport {
  /** No error-severity problems. */
  readonly ok: boolean;
  readonly name?: string;
  readonly problems: readonly Problem[];
  /** Every node the plugin registered, each run once with default params. */
  readonly nodes: readonly NodeCheck[];
}

/** The report as lines, one per problem and node, for a test failure or a terminal. */
export function formatReport(r: PluginReport): string {
  return [
    `${r.name ?? 'plugin'}: ${r.ok ? 'ok' : 'problems found'}`,
    ...r.problems.map((p) => `  ${p.severity} ${p.code}${p.field ? ` ${p.field}` : ''}${p.node ? ` ${p.node}` : ''}: ${p.message}`),
    ...r.nodes.map((n) => `  node ${n.type}: ${n.status}${n.message ? ` (${n.message})` : ''}`),
  ].join('\n');
}
