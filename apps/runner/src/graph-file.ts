/** Reading a graph file for the CLI and applying `--set node.param=value` overrides. */
import { readFile } from 'node:fs/promises';
import { MAX_JSON_DEPTH, parseJson, tooDeepAt, type Diagnostic, type Registry, type z } from '@stylegraph/core';
import { PNG_GRAPH_KEY, PngError, readPngText } from '@stylegraph/plugin-io';

export class UsageError extends Error {}

export function graphFromPng(bytes: Uint8Array, path: string): string {
  let text: string | undefined;
  try {
    text = readPngText(bytes, path).get(PNG_GRAPH_KEY);
  } catch (e) {
    if (e instanceof PngError) throw new UsageError(e.message);
    throw e;
  }
  if (text === undefined) throw new UsageError(`${path}: this PNG has no embedded stylegraph graph (it was not written by io/SaveImage with embedGraph)`);
  const parsed = parseJson(text);
  const graph = (parsed.value as { graph?: unknown } | undefined)?.graph;
  if (graph === undefined) throw new UsageError(`${path}: the embedded stylegraph data is malformed`);
  return JSON.stringify(graph);
}

/** A graph file's text; for a PNG written by io/SaveImage, the graph embedded in it. */
export async function readGraphFile(path: string): Promise<string> {
  try {
    if (/\.png$/i.test(path)) return graphFromPng(new Uint8Array(await readFile(path)), path);
    return await readFile(path, 'utf8');
  } catch (e) {
    if (e instanceof UsageError) throw e;
    const code = (e as NodeJS.ErrnoException).code;
    throw new UsageError(`cannot read graph ${path}: ${code === 'ENOENT' ? 'no such file' : (e as Error).message}`);
  }
}

/** `"3"` → 3, `"[1,2]"` → [1, 2], `"true"` → true; anything that is not JSON stays a string. */
export function parseSetValue(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/**
 * The value a `--set` text stands for: its JSON reading, unless the param rejects that and
 * accepts the text itself (`--set seeds.seeds=42` gives the seed list "42", not the number 42).
 * A value no reading fits is left as read, for validation to report as PARAM_INVALID with the
 * param's own message.
 */
export function coerceSetValue(text: string, schema: z.ZodType | undefined): { value?: unknown; problem?: string } {
  const parsed = parseSetValue(text);
  if (parsed && typeof parsed === 'object' && tooDeepAt(parsed) !== undefined) return { problem: `the value nests deeper than ${MAX_JSON_DEPTH} levels` };
  if (schema && typeof parsed !== 'string' && !schema.safeParse(parsed).success && schema.safeParse(text).success) return { value: text };
  return { value: parsed };
}

/**
 * Applies overrides to the parsed document. Returns the new document (or undefined when the
 * text is not JSON, which validation then reports) and usage errors for overrides that do
 * not name an existing node or whose value the param cannot take. With a registry, each value
 * is read as its param's schema expects (see `coerceSetValue`).
 */
export function applySets(text: string, sets: readonly string[], registry?: Registry): { doc?: unknown; errors: string[]; diagnostics: Diagnostic[] } {
  const parsed = parseJson(text);
  if (parsed.value === undefined) return { errors: [], diagnostics: parsed.diagnostics };
  const doc = parsed.value as { nodes?: Record<string, { type?: unknown; params?: Record<string, unknown> }> };
  const errors: string[] = [];
  for (const set of sets) {
    const m = /^([A-Za-z_][A-Za-z0-9_-]*)\.([A-Za-z_][A-Za-z0-9_]*)=(.*)$/s.exec(set);
    if (!m) {
      errors.push(`--set ${set}: expected node.param=value`);
      continue;
    }
    const [, node, param, value] = m as unknown as [string, string, string, string];
    const nodes = doc.nodes && typeof doc.nodes === 'object' ? doc.nodes : undefined;
    const target = nodes && Object.hasOwn(nodes, node) ? nodes[node] : undefined;
    if (!target || typeof target !== 'object' || Array.isArray(target)) {
      errors.push(`--set ${set}: the graph has no node "${node}"`);
      continue;
    }
    const shape = typeof target.type === 'string' ? (registry?.node(target.type)?.def.params.shape as Record<string, z.ZodType> | undefined) : undefined;
    const coerced = coerceSetValue(value, shape && Object.hasOwn(shape, param) ? shape[param] : undefined);
    if (coerced.problem !== undefined) {
      errors.push(`--set ${set}: ${coerced.problem}`);
      continue;
    }
    const params = target.params && typeof target.params === 'object' && !Array.isArray(target.params) ? target.params : {};
    target.params = { ...params, [param]: coerced.value };
  }
  return { doc, errors, diagnostics: [] };
}
