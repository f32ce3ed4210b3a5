/**
 * What nodes give, before the graph is run: the server runs only what the asked-for nodes
 * need — with no compute backend, writing no files, through the server's shared output cache
 * (so a later run reuses the results) — and returns their output values in brief, as run
 * events do. Cheap for loaders: editors learn a loaded generator's layer layout this way.
 * Clients send the part of their graph upstream of those nodes, so problems elsewhere in it
 * do not stand in the way.
 */
import { dirname } from 'node:path';
import { NodeError, checkGraph, execute, splitPortRef, summarizeValue, z, type FileAccess } from '@stylegraph/core';
import { TRPCError } from '@trpc/server';
import { defaultMemoryBudget } from '../../host/memory-budget.js';
import { RunFiles } from '../run-files.js';
import { procedure, router } from '../trpc.js';
import { graphInput } from './graph.js';

/** Reads through `inner`; every write is refused. */
class ReadOnlyFiles implements FileAccess {
  constructor(private readonly inner: RunFiles) {}
  read = (path: string) => this.inner.read(path);
  exists = (path: string) => this.inner.exists(path);
  hash = (path: string) => this.inner.hash(path);
  write(path: string): Promise<string> {
    return Promise.reject(new NodeError('READ_ONLY', `cannot write ${path}: describing a node writes no files`));
  }
}

/** Output value summaries by node and port. */
type NodeValues = Record<string, Record<string, unknown>>;

const nodeIds = z.array(z.string().min(1).max(64)).min(1).max(64);

export const describeRoutes = router({
  /**
   * Value summaries of `nodes`' outputs, by node and port, for the nodes that ran; the others
   * are in `failed` with their error. An invalid graph gives its diagnostics and no values.
   */
  outputs: procedure.input(z.object({ graph: graphInput, path: z.string().max(1000).optional(), nodes: nodeIds })).query(async ({ ctx, input, signal }) => {
    const check = checkGraph(input.graph, ctx.registry);
    if (!check.graph) return { ok: false as const, diagnostics: check.diagnostics, values: {} as NodeValues, failed: {} as Record<string, string> };
    const missing = input.nodes.find((n) => !check.graph!.nodes.has(n));
    if (missing) throw new TRPCError({ code: 'BAD_REQUEST', message: `the graph has no node "${missing}"` });
    const slot = ctx.runs.reserve();
    if (!slot) throw new TRPCError({ code: 'TOO_MANY_REQUESTS', message: `${ctx.runs.maxActive} runs are already running; retry later` });
    try {
      const file = input.path ? await ctx.workspace.resolve(input.path) : undefined;
      const readRoot = file ? dirname(file) : ctx.workspace.root;
      const files = new ReadOnlyFiles(new RunFiles(ctx.workspace, readRoot, ctx.workspace.root));
      const summary = await execute(check.graph, { files, services: { hostFolders: { graphDir: readRoot } }, targets: input.nodes, cache: ctx.runs.cache, memoryBudget: defaultMemoryBudget(), ...(signal && { signal }) });
      const values: NodeValues = {};
      for (const [ref, v] of Object.entries(summary.outputs)) {
        const { node, port } = splitPortRef(ref);
        (values[node] ??= {})[port] = summarizeValue(v);
      }
      const failed: Record<string, string> = {};
      for (const n of input.nodes) {
        const r = summary.nodes[n];
        if (!values[n]) failed[n] = r?.error ? `${r.error.code}: ${r.error.message}` : (r?.status ?? 'not run');
      }
      return { ok: true as const, diagnostics: check.diagnostics, values, failed };
    } finally {
      slot.release();
    }
  }),
});
