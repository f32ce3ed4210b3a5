/** Running graphs: start (validated first), stream events, cancel, read the result. */
import { basename, dirname, join } from 'node:path';
import { checkGraph, z } from '@stylegraph/core';
import { TRPCError, tracked } from '@trpc/server';
import { BACKENDS } from '../../host/backend-names.js';
import { graphName } from '../../commands/run.js';
import { RunFiles } from '../run-files.js';
import { procedure, router } from '../trpc.js';
import { graphInput } from './graph.js';

/** Seconds a client is told to wait when every run slot is taken. */
export const RETRY_AFTER_S = 5;

export const runRoutes = router({
  /**
   * Validates and starts a run. Relative paths in the graph resolve against the folder of
   * `path` (the file it was opened from), or the workspace. Outputs go to `out/<graph name>/`.
   */
  start: procedure
    .input(z.object({ graph: graphInput, path: z.string().max(1000).optional(), backend: z.enum(BACKENDS).default('auto') }))
    .mutation(async ({ ctx, input }) => {
      const slot = ctx.runs.reserve();
      if (!slot) throw new TRPCError({ code: 'TOO_MANY_REQUESTS', message: `${ctx.runs.maxActive} runs are already running; retry in ${RETRY_AFTER_S} s, or cancel one` });
      try {
        const file = input.path ? await ctx.workspace.resolve(input.path) : undefined;
        const readRoot = file ? dirname(file) : ctx.workspace.root;
        const check = checkGraph(input.graph, ctx.registry);
        if (!check.graph) {
          slot.release();
          return { ok: false as const, diagnostics: check.diagnostics };
        }
        const name = file ? graphName(basename(file)) : 'untitled';
        const outDir = join(ctx.workspace.root, 'out', name);
        // Loaded on demand, so a server that only edits never starts onnxruntime.
        const { usableCompute } = await import('../../host/compute.js');
        const compute = await usableCompute(await ctx.compute.get(), input.backend);
        const files = new RunFiles(ctx.workspace, readRoot, outDir);
        const record = ctx.runs.start(check.graph, { files, compute, diagnostics: check.diagnostics, slot });
        return { ok: true as const, runId: record.id, diagnostics: check.diagnostics };
      } catch (e) {
        slot.release();
        throw e;
      }
    }),

  /** A run's events from the start (or after `lastEventId` on reconnect), until it finishes. */
  events: procedure.input(z.object({ runId: z.string().uuid(), lastEventId: z.string().regex(/^\d+$/).nullish() })).subscription(async function* ({ ctx, input, signal }) {
    if (!ctx.runs.get(input.runId)) throw new TRPCError({ code: 'NOT_FOUND', message: `no run ${input.runId}` });
    const from = input.lastEventId == null ? 0 : Number(input.lastEventId) + 1;
    for await (const [i, e] of ctx.runs.events(input.runId, from, signal)) yield tracked(String(i), e);
  }),

  cancel: procedure.input(z.object({ runId: z.string().uuid() })).mutation(({ ctx, input }) => ({ cancelled: ctx.runs.cancel(input.runId) })),

  /** The result of a finished run: status, per-node results, output summaries, files written. */
  result: procedure.input(z.object({ runId: z.string().uuid() })).query(({ ctx, input }) => {
    const r = ctx.runs.get(input.runId);
    if (!r) throw new TRPCError({ code: 'NOT_FOUND', message: `no run ${input.runId}` });
    return { done: r.done, ...r.result };
  }),
});
