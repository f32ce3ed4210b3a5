/**
 * Batch jobs from the editor, when the server was started with `--queue`: plan a graph's shards,
 * submit them to the queue the workers take shards from, follow or cancel a job (of this
 * workspace only: jobs from the command line are not a client's to see). What a client sends is
 * data: the graph is checked, its shard workers read and write inside the workspace only
 * (`confine`), and outputs go to `out/<graph name>/` as for the server's own runs.
 */
import { basename, dirname, join } from 'node:path';
import { GraphDocumentSchema, z } from '@stylegraph/core';
import { TRPCError } from '@trpc/server';
import { graphName } from '../../commands/run.js';
import { planBatch } from '../../batch/plan.js';
import { inputHashes } from '../../batch/inputs.js';
import { parseAxisSpec } from '../../batch/axis.js';
import { RunFiles } from '../run-files.js';
import { submitBatch } from '../../batch/submit.js';
import { failures, findBatch, progressOf } from '../../batch/store.js';
import { cancelBatch } from '../../batch/cancel.js';
import { procedure, router, type ServerContext } from '../trpc.js';
import { graphInput } from './graph.js';

const DEFAULT_SIZE = 256;
const HTTP_MAX_SHARDS = 10_000;
const HTTP_MAX_ITEMS = 1_000_000;
const batchInput = z.object({
  graph: graphInput,
  path: z.string().max(1000).optional(),
  shard: z.string().max(200).optional(),
  size: z.number().int().min(1).max(1_000_000).optional(),
});

function queueOf(ctx: ServerContext) {
  if (!ctx.batch) throw new TRPCError({ code: 'PRECONDITION_FAILED', message: 'this server has no queue: start it with stylegraph serve --queue redis://host:6379 (and workers with stylegraph worker --queue …)' });
  return ctx.batch;
}

async function planOf(ctx: ServerContext, input: z.infer<typeof batchInput>) {
  const parsed = GraphDocumentSchema.safeParse(input.graph);
  if (!parsed.success) throw new TRPCError({ code: 'BAD_REQUEST', message: `not a graph document: ${parsed.error.issues[0]!.path.join('.') || '(root)'}: ${parsed.error.issues[0]!.message}` });
  const file = input.path ? await ctx.workspace.resolve(input.path) : undefined;
  const root = file ? dirname(file) : ctx.workspace.root;
  const out = join(ctx.workspace.root, 'out', file ? graphName(basename(file)) : 'untitled');
  const shard = input.shard ?? parsed.data.batch?.shard;
  if (!shard) throw new TRPCError({ code: 'BAD_REQUEST', message: 'say which param holds the items (node.param, e.g. seeds.seeds), or give the graph a "batch": { "shard": … }' });
  const files = new RunFiles(ctx.workspace, root, out);
  const inputs = await inputHashes(parsed.data, ctx.registry, parseAxisSpec(shard), (p) => files.hash(p));
  // Bounded for a client: a plan is built in the server's memory and every shard is a queue entry.
  const plan = planBatch(parsed.data, ctx.registry, { shard, size: input.size ?? parsed.data.batch?.size ?? DEFAULT_SIZE, backend: 'auto', out, root, confine: ctx.workspace.root, inputs, maxShards: HTTP_MAX_SHARDS, maxItems: HTTP_MAX_ITEMS });
  return { plan, root, out, name: `${file ? graphName(basename(file)) : 'untitled'}-${plan.id.slice(0, 8)}` };
}

export const batchRoutes = router({
  /** Whether batch jobs can be submitted here. */
  available: procedure.query(({ ctx }) => ({ queue: ctx.batch !== undefined })),

  plan: procedure.input(batchInput).query(async ({ ctx, input }) => {
    const { plan, out } = await planOf(ctx, input);
    return { id: plan.id, axis: plan.axis, size: plan.size, shards: plan.shards.length, perItem: plan.perItem, out: ctx.workspace.relative(out) };
  }),

  submit: procedure.input(batchInput).mutation(async ({ ctx, input }) => {
    const q = queueOf(ctx);
    const { plan, root, out, name } = await planOf(ctx, input);
    const s = await submitBatch(q.redis, q.queue, plan, { name, job: { document: plan.document, axis: plan.axis, perItem: plan.perItem, root, out, confine: ctx.workspace.root }, backend: 'auto' });
    return { id: plan.id, name, shards: plan.shards.length, items: plan.axis.total, queued: s.queued, retried: s.retried, alreadyDone: s.alreadyDone, out: ctx.workspace.relative(out) };
  }),

  /** Removes the job's queued shards; running ones finish. Only jobs of this workspace. */
  cancel: procedure.input(z.object({ id: z.string().regex(/^[0-9a-f]{24}$/) })).mutation(async ({ ctx, input }) => {
    const q = queueOf(ctx);
    const b = await findBatch(q.redis, input.id);
    if (!b || b.job.confine !== ctx.workspace.root) throw new TRPCError({ code: 'NOT_FOUND', message: `no batch job ${input.id} from this workspace` });
    return { removed: await cancelBatch(q.redis, q.queue, b) };
  }),

  status: procedure.input(z.object({ id: z.string().regex(/^[0-9a-f]{24}$/) })).query(async ({ ctx, input }) => {
    const q = queueOf(ctx);
    const b = await findBatch(q.redis, input.id);
    if (!b || b.job.confine !== ctx.workspace.root) throw new TRPCError({ code: 'NOT_FOUND', message: `no batch job ${input.id} from this workspace` });
    const [p, failed, workers] = await Promise.all([progressOf(q.redis, b.id), failures(q.redis, b.id), q.queue.getWorkersCount()]);
    return { id: b.id, name: b.name, shards: b.shards, items: b.items, done: p.done, failed: p.failed, cancelled: b.cancelled, workers, failures: [...failed].slice(0, 5).map(([shard, error]) => ({ shard, error })) };
  }),
});
