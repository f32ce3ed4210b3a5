/**
 * Reading a graph document: JSON text → structurally valid document, collecting every
 * problem. Nodes and edges are checked one by one, so one broken node does not hide the
 * diagnostics of the rest; broken ones are left out of the returned document and listed.
 */
import { z } from 'zod';
import type { Diagnostic } from './diagnostics.js';
import { MAX_JSON_DEPTH, tooDeepAt } from '../util/json-limits.js';
import {
  GRAPH_FORMAT,
  GRAPH_FORMAT_VERSION,
  GraphDocumentSchema,
  GraphEdgeSchema,
  GraphNodeSchema,
  NodeIdSchema,
  type GraphDocument,
  type GraphEdge,
} from './document.js';

export interface ParsedGraph {
  /** The valid part of the document; undefined when not even the top level is usable. */
  readonly graph?: GraphDocument;
  /** Node ids present in the file whose own definition is malformed. */
  readonly brokenNodes: ReadonlySet<string>;
  /** Index in `graph.edges` → index in the file's `edges`, for diagnostic paths. */
  readonly edgeIndex: readonly number[];
  readonly diagnostics: Diagnostic[];
}

/** Line and column (1-based) of a character offset. */
function lineCol(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset);
  const line = before.split('\n').length;
  return { line, column: offset - before.lastIndexOf('\n') };
}

/** The nesting-depth diagnostic for a value, if it nests too deep. */
function depthDiagnostics(value: unknown): Diagnostic[] {
  const at = tooDeepAt(value);
  return at === undefined ? [] : [{ severity: 'error', code: 'JSON_TOO_DEEP', path: at, message: `${at}: nested deeper than ${MAX_JSON_DEPTH} levels` }];
}

/** Parses JSON text (a leading UTF-8 byte-order mark is ignored); malformed or too deeply nested text is a diagnostic. */
export function parseJson(text: string): { value?: unknown; diagnostics: Diagnostic[] } {
  try {
    const value: unknown = JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
    const deep = depthDiagnostics(value);
    return deep.length ? { diagnostics: deep } : { value, diagnostics: [] };
  } catch (e) {
    const msg = e instanceof Error ? e.message : String(e);
    const pos = /position (\d+)/.exec(msg);
    const where = pos ? lineCol(text, Number(pos[1])) : {};
    return {
      diagnostics: [{ severity: 'error', code: 'JSON_MALFORMED', message: msg.replace(/^JSON\.parse: /, ''), ...where }],
    };
  }
}

const jsonPath = (path: readonly PropertyKey[]): string =>
  path.reduce<string>((acc, k) => (typeof k === 'number' ? `${acc}[${k}]` : acc ? `${acc}.${String(k)}` : String(k)), '');

const schemaDiagnostics = (error: z.ZodError, prefix: readonly PropertyKey[], node?: string): Diagnostic[] =>
  error.issues.map((issue) => {
    const path = jsonPath([...prefix, ...issue.path]);
    return { severity: 'error', code: 'SCHEMA_INVALID', message: `${path || 'document'}: ${issue.message}`, path, ...(node && { node }) };
  });

const TopLevel = GraphDocumentSchema.extend({
  nodes: z.record(z.string(), z.unknown()),
  edges: z.array(z.unknown()),
});

/** Checks the document's structure; accepts JSON text or an already parsed value. */
export function parseGraph(input: string | unknown): ParsedGraph {
  const empty = { brokenNodes: new Set<string>(), edgeIndex: [] };
  let value = input;
  if (typeof input === 'string') {
    const json = parseJson(input);
    if (json.diagnostics.length) return { ...empty, diagnostics: json.diagnostics };
    value = json.value;
  } else {
    const deep = depthDiagnostics(value);
    if (deep.length) return { ...empty, diagnostics: deep };
  }
  if (!value || typeof value !== 'object' || Array.isArray(value)) {
    return { ...empty, diagnostics: [{ severity: 'error', code: 'SCHEMA_INVALID', message: 'a graph document is a JSON object' }] };
  }
  const v = value as Record<string, unknown>;
  if (v.format !== GRAPH_FORMAT || v.formatVersion !== GRAPH_FORMAT_VERSION) {
    const got = `format ${JSON.stringify(v.format)} version ${JSON.stringify(v.formatVersion)}`;
    return {
      ...empty,
      diagnostics: [
        {
          severity: 'error',
          code: 'FORMAT_UNSUPPORTED',
          message: `expected format "${GRAPH_FORMAT}" version ${GRAPH_FORMAT_VERSION}, got ${got}`,
          path: 'format',
        },
      ],
    };
  }
  const top = TopLevel.safeParse(v);
  if (!top.success) return { ...empty, diagnostics: schemaDiagnostics(top.error, []) };

  const diagnostics: Diagnostic[] = [];
  const brokenNodes = new Set<string>();
  const nodes: GraphDocument['nodes'] = {};
  for (const [id, raw] of Object.entries(top.data.nodes)) {
    const idCheck = NodeIdSchema.safeParse(id);
    const node = GraphNodeSchema.safeParse(raw);
    if (!idCheck.success) diagnostics.push(...schemaDiagnostics(idCheck.error, ['nodes', id], id));
    if (!node.success) diagnostics.push(...schemaDiagnostics(node.error, ['nodes', id], id));
    if (idCheck.success && node.success) nodes[id] = node.data;
    else brokenNodes.add(id);
  }
  const edges: GraphEdge[] = [];
  const edgeIndex: number[] = [];
  top.data.edges.forEach((raw, i) => {
    const edge = GraphEdgeSchema.safeParse(raw);
    if (edge.success) {
      edges.push(edge.data);
      edgeIndex.push(i);
    } else diagnostics.push(...schemaDiagnostics(edge.error, ['edges', i]));
  });
  return { graph: { ...top.data, nodes, edges }, brokenNodes, edgeIndex, diagnostics };
}
