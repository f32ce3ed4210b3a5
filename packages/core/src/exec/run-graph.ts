/** Check, then execute: what hosts call to run a document. Invalid graphs never start. */
import { checkGraph } from '../graph/validate.js';
import type { Registry } from '../plugin/registry.js';
import type { RunSummary } from './events.js';
import { execute, type ExecuteOptions } from './executor.js';

export async function runGraph(input: string | unknown, registry: Registry, opts: ExecuteOptions): Promise<RunSummary> {
  const checked = checkGraph(input, registry);
  if (!checked.graph) {
    const none = { ran: 0, cached: 0, failed: 0, skipped: 0, cancelled: 0 };
    return { status: 'invalid', diagnostics: checked.diagnostics, nodes: {}, outputs: {}, ms: 0, counts: none };
  }
  const summary = await execute(checked.graph, opts);
  return { ...summary, diagnostics: checked.diagnostics };
}
