/**
 * `runNode`: runs one node of a plugin the way a host does — through core's validation and
 * executor, in a graph of the node and one source node per given input — so params are parsed
 * by the node's zod schema (defaults filled in, ranges enforced), inputs and outputs are
 * checked against their port kinds and shapes, and errors carry the codes a host would see.
 */
import {
  PLUGIN_API_VERSION,
  Registry,
  checkGraph,
  checkValue,
  definePlugin,
  execute,
  formatDiagnostic,
  isTensor,
  kindOf,
  z,
  type AnyNodeDefinition,
  type FileAccess,
  type NodeDefinition,
  type PluginDefinition,
  type PortSpec,
  type RunEvent,
  type RunServices,
  type ValueOfKind,
} from '@stylegraph/core';
import { memoryFiles } from './memory-files.js';

/** Why `runNode` failed: a check-time diagnostic code (PARAM_INVALID, SHAPE_MISMATCH, …) or the node's error code. */
export class RunNodeError extends Error {
  override readonly name = 'RunNodeError';
  constructor(
    readonly code: string,
    message: string,
    readonly details: Readonly<Record<string, unknown>> = {},
  ) {
    super(message);
  }
}

export interface RunNodeOptions {
  /** Values by input port name; optional inputs may be left out. */
  readonly inputs?: Readonly<Record<string, unknown>>;
  /** Params by name, as a graph stores them; the node's schema fills in defaults. */
  readonly params?: Readonly<Record<string, unknown>>;
  /** The host services the node may use (`{ compute }`). */
  readonly services?: Partial<RunServices>;
  /** The files the node may read and write (default: an empty `memoryFiles()`). */
  readonly files?: FileAccess;
  /** Hears the run's events: progress, values the node shows, logs. */
  readonly onEvent?: (e: RunEvent) => void;
  readonly signal?: AbortSignal;
}

type Ports = Record<string, PortSpec>;
/** A node's outputs, typed by its port kinds. */
export type OutputsOf<O extends Ports> = { [K in keyof O]: ValueOfKind<O[K]['type']> };

/** The namespace of the source nodes (one per input) that feed the node under test. */
export const SOURCE_NAMESPACE = 'plugin-testing';
const NODE = 'node';

/** A source node that outputs `value` on a port of `spec`'s kind, its sizes taken from the value. */
function sourceNode(index: number, spec: PortSpec, value: unknown): AnyNodeDefinition {
  const kind = kindOf(spec);
  const output: PortSpec = kind.tensor
    ? kind.dims === null
      ? { type: spec.type, ...(isTensor(value) && { elements: value.data.length }) }
      : { type: spec.type, ...(isTensor(value) && { shape: [...value.dims] }) }
    : { type: spec.type };
  const sizes = !kind.tensor && kind.sizes ? kind.sizes(value as never) : undefined;
  return defineNodeLoose({
    type: `${SOURCE_NAMESPACE}/Input${index}`,
    version: 1,
    title: `Input ${index}`,
    category: 'Testing',
    inputs: {},
    outputs: { value: output },
    params: z.object({}),
    purity: 'pure',
    ...(sizes && { inferShapes: () => sizes }),
    run: () => ({ value }),
  });
}

// Source nodes are built at run time from specs, so their types are not known statically.
const defineNodeLoose = (def: Omit<AnyNodeDefinition, 'run' | 'inferShapes'> & { run: () => unknown; inferShapes?: () => Readonly<Record<string, number>> }) =>
  def as unknown as AnyNodeDefinition;

/** Runs node `type` (or the node definition itself, for typed outputs) of `plugin` once and returns its outputs by port. */
export function runNode<I extends Ports, O extends Ports, P extends z.ZodObject>(
  plugin: PluginDefinition,
  node: NodeDefinition<I, O, P>,
  opts?: RunNodeOptions,
): Promise<OutputsOf<O>>;
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- by type name, a port's value type is not known statically
export function runNode(plugin: PluginDefinition, type: string, opts?: RunNodeOptions): Promise<Record<string, any>>;
export async function runNode(plugin: PluginDefinition, node: string | { type: string }, opts: RunNodeOptions = {}): Promise<Record<string, unknown>> {
  const type = typeof node === 'string' ? node : node.type;
  const def = plugin.nodes.find((n) => n.type === type);
  if (!def) throw new RunNodeError('NODE_TYPE_UNKNOWN', `runNode: ${plugin.name} has no node type ${type} (it has ${plugin.nodes.map((n) => n.type).join(', ') || 'none'})`);
  const inputs = opts.inputs ?? {};
  const sources: AnyNodeDefinition[] = [];
  const edges: { from: string; to: string }[] = [];
  const nodes: Record<string, { type: string; version: number; params?: Record<string, unknown> }> = {
    [NODE]: { type, version: def.version, params: { ...(opts.params ?? {}) } },
  };
  for (const [port, value] of Object.entries(inputs)) {
    const spec = def.inputs[port];
    if (!spec) throw new RunNodeError('EDGE_PORT_MISSING', `runNode: ${type} has no input "${port}" (its inputs: ${Object.keys(def.inputs).join(', ') || 'none'})`);
    if (value === undefined) continue;
    // The kind, element type and rank here; sizes (fixed ones too) by the graph check, as a host reports them.
    const why = checkValue({ type: spec.type }, value);
    if (why) throw new RunNodeError('INPUT_INVALID', `runNode: input "${port}" of ${type} is not a valid value: ${why}`, { port });
    const id = `in_${sources.length}`;
    sources.push(sourceNode(sources.length, spec, value));
    nodes[id] = { type: `${SOURCE_NAMESPACE}/Input${sources.length - 1}`, version: 1 };
    edges.push({ from: `${id}.value`, to: `${NODE}.${port}` });
  }
  const source = definePlugin({ name: `@stylegraph/${SOURCE_NAMESPACE}-inputs`, namespace: SOURCE_NAMESPACE, version: '1.0.0', apiVersion: PLUGIN_API_VERSION, nodes: sources });
  let registry: Registry;
  try {
    registry = new Registry([plugin, source]);
  } catch (e) {
    throw new RunNodeError('PLUGIN_INVALID', `runNode: ${e instanceof Error ? e.message : String(e)}`);
  }
  const document = { format: 'stylegraph.graph', formatVersion: 1, plugins: { [plugin.name]: '*', [source.name]: '*' }, nodes, edges };
  const checked = checkGraph(document, registry);
  const errors = checked.diagnostics.filter((d) => d.severity === 'error');
  if (!checked.graph || errors.length) {
    const first = errors[0];
    throw new RunNodeError(first?.code ?? 'INVALID', `runNode: ${type} does not check: ${errors.map(formatDiagnostic).join('; ')}`, { diagnostics: checked.diagnostics });
  }
  const summary = await execute(checked.graph, {
    files: opts.files ?? memoryFiles(),
    targets: [NODE],
    ...(opts.services && { services: opts.services }),
    ...(opts.onEvent && { onEvent: opts.onEvent }),
    ...(opts.signal && { signal: opts.signal }),
  });
  const result = summary.nodes[NODE];
  if (summary.status !== 'ok' || result?.status !== 'done') {
    const failure = result?.error ?? Object.values(summary.nodes).find((r) => r.error)?.error;
    const code = failure?.code ?? (summary.status === 'cancelled' ? 'CANCELLED' : 'NODE_FAILED');
    throw new RunNodeError(code, `runNode: ${type} failed: ${failure ? `${failure.code}: ${failure.message}` : (result?.reason ?? summary.status)}`, { status: summary.status });
  }
  const out: Record<string, unknown> = {};
  for (const port of Object.keys(def.outputs)) out[port] = summary.outputs[`${NODE}.${port}`];
  return out;
}

