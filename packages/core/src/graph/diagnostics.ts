/**
 * Diagnostics: what validation reports. Every diagnostic has a stable code, a severity,
 * where it happened (node id, port or param, JSON path) and a one-line message.
 * The CLI, the server and the editor all print or show these same values.
 */

export const DIAGNOSTIC_CODES = {
  JSON_MALFORMED: 'the file is not valid JSON',
  JSON_TOO_DEEP: 'the document nests deeper than graphs may',
  SCHEMA_INVALID: 'the document does not follow the graph schema',
  FORMAT_UNSUPPORTED: 'the document format or format version is not supported',
  PLUGIN_NAME_INVALID: 'a required plugin is not named by an npm package name (paths are refused)',
  PLUGIN_MISSING: 'a plugin the graph requires is not installed',
  PLUGIN_VERSION_MISMATCH: 'an installed plugin does not satisfy the version range the graph requires',
  PLUGIN_LOCK_DRIFT: 'an installed plugin differs from the version or integrity the graph locks',
  PLUGIN_UNLOCKED: 'a plugin the graph requires has no entry in its lock',
  PLUGIN_UNDECLARED: "a node's plugin is not listed in the graph's plugins",
  NODE_TYPE_UNKNOWN: 'no installed plugin defines this node type',
  NODE_VERSION_UNSUPPORTED: 'the node type version is newer than the installed one, or cannot be migrated',
  NODE_MIGRATED: 'a node was upgraded from an older type version',
  PARAM_INVALID: 'a parameter value is invalid',
  EDGE_NODE_MISSING: 'an edge refers to a node that does not exist',
  EDGE_PORT_MISSING: 'an edge refers to a port the node does not have',
  INPUT_DUPLICATE_EDGE: 'more than one edge goes into the same input',
  INPUT_MISSING: 'a required input has no edge',
  TYPE_MISMATCH: 'an edge connects ports of incompatible types',
  SHAPE_MISMATCH: 'an edge connects tensors whose shapes cannot agree',
  TENSOR_TOO_LARGE: 'a node would output a tensor with more elements than one tensor can hold',
  CYCLE: 'the graph has a cycle',
  MODEL_UNKNOWN: 'a node refers to a model id the graph does not declare',
} as const;

export type DiagnosticCode = keyof typeof DIAGNOSTIC_CODES;
export type Severity = 'error' | 'warning' | 'info';

export interface Diagnostic {
  readonly severity: Severity;
  readonly code: DiagnosticCode;
  readonly message: string;
  /** Node id the diagnostic is about. */
  readonly node?: string;
  /** Input or output port name. */
  readonly port?: string;
  /** Parameter path, e.g. `psi` or `layers.0`. */
  readonly param?: string;
  /** JSON path inside the document, e.g. `edges[3].to`. */
  readonly path?: string;
  /** 1-based line and column for malformed JSON. */
  readonly line?: number;
  readonly column?: number;
}

export const hasErrors = (ds: readonly Diagnostic[]): boolean => ds.some((d) => d.severity === 'error');

/** One line: `error SHAPE_MISMATCH node "mix" port "w2": …`. */
export function formatDiagnostic(d: Diagnostic): string {
  const where: string[] = [];
  if (d.node !== undefined) where.push(`node "${d.node}"`);
  if (d.port !== undefined) where.push(`port "${d.port}"`);
  if (d.param !== undefined) where.push(`param "${d.param}"`);
  if (d.node === undefined && d.path !== undefined) where.push(`at ${d.path}`);
  if (d.line !== undefined) where.push(`line ${d.line}${d.column !== undefined ? `:${d.column}` : ''}`);
  return `${d.severity} ${d.code}${where.length ? ` ${where.join(' ')}` : ''}: ${d.message}`;
}
