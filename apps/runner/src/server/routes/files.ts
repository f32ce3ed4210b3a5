/** Graph files, examples, models and run outputs inside the workspace. */
import { GraphDocumentSchema, parseJson, serializeGraph, z } from '@stylegraph/core';
import { TRPCError } from '@trpc/server';
import { graphFromPng } from '../../graph-file.js';
import { procedure, router } from '../trpc.js';
import { WorkspaceError } from '../workspace.js';
import { guessBase } from './png-base.js';

const GRAPH_FILE = /\.graph\.json$/;
const path = z.string().min(1).max(1000);
/** Largest output file `outputs.read` returns. */
const MAX_READ_BYTES = 20 * 1024 * 1024;

const MIME: Record<string, string> = { png: 'image/png', json: 'application/json', npy: 'application/octet-stream', txt: 'text/plain', xml: 'application/xml' };

export const fileRoutes = router({
  /** Graph files (`*.graph.json`) and PNGs anywhere in the workspace. */
  list: procedure.query(async ({ ctx }) => ({
    root: ctx.workspace.root,
    graphs: await ctx.workspace.list((n) => GRAPH_FILE.test(n)),
    pngs: await ctx.workspace.list((n) => /\.png$/i.test(n)),
  })),

  /** The graphs in `examples/`, with their titles and descriptions, for the gallery. */
  examples: procedure.query(async ({ ctx }) => {
    const paths = await ctx.workspace.list((n) => GRAPH_FILE.test(n), 'examples', 1).catch(() => []);
    return Promise.all(
      paths.map(async (p) => {
        const doc = parseJson(new TextDecoder().decode(await ctx.workspace.readFile(p))).value as { title?: unknown; description?: unknown } | undefined;
        return { path: p, title: typeof doc?.title === 'string' ? doc.title : p, description: typeof doc?.description === 'string' ? doc.description : '' };
      }),
    );
  }),

  /** A graph file's document and the folder its paths resolve against; for a PNG written by io/SaveImage, the graph embedded in it. */
  open: procedure.input(z.object({ path })).query(async ({ ctx, input }) => {
    const bytes = await ctx.workspace.readFile(input.path);
    const text = /\.png$/i.test(input.path) ? graphFromPng(bytes, input.path) : new TextDecoder().decode(bytes);
    const parsed = parseJson(text);
    if (parsed.value === undefined) throw new TRPCError({ code: 'BAD_REQUEST', message: `${input.path}: not valid JSON` });
    const base = /\.png$/i.test(input.path) ? await guessBase(ctx.workspace, parsed.value) : input.path.includes('/') ? input.path.slice(0, input.path.lastIndexOf('/')) : '.';
    return { path: input.path, graph: parsed.value, base };
  }),

  /** Saves a graph as `*.graph.json`, in exactly the bytes `serializeGraph` (and so the runner) writes. */
  save: procedure.input(z.object({ path, graph: z.unknown(), overwrite: z.boolean().default(false) })).mutation(async ({ ctx, input }) => {
    if (!GRAPH_FILE.test(input.path)) throw new WorkspaceError('BAD_PATH', `${input.path}: graph files end in .graph.json`);
    const doc = GraphDocumentSchema.safeParse(input.graph);
    if (!doc.success) throw new TRPCError({ code: 'BAD_REQUEST', message: `not a graph document: ${doc.error.issues[0]?.path.join('.')}: ${doc.error.issues[0]?.message}` });
    const text = serializeGraph(doc.data);
    await ctx.workspace.writeFile(input.path, text, { overwrite: input.overwrite });
    return { path: input.path, bytes: new TextEncoder().encode(text).length };
  }),

  /** Model folders (config.json + generator.safetensors) in the workspace. */
  models: procedure.query(({ ctx }) => ctx.workspace.listFolders(['config.json', 'generator.safetensors'])),

  /** Every file in the workspace (up to the listing limit), for the params of nodes that read files. */
  inputs: procedure.query(({ ctx }) => ctx.workspace.list(() => true)),

  /** Files that runs wrote, under `out/`. */
  outputs: procedure.query(({ ctx }) => ctx.workspace.list(() => true, 'out').catch(() => [] as string[])),

  /** One file under `out/`, base64. */
  readOutput: procedure.input(z.object({ path })).query(async ({ ctx, input }) => {
    if (!input.path.startsWith('out/')) throw new WorkspaceError('OUTSIDE_WORKSPACE', `${input.path}: outputs are under out/`);
    const bytes = await ctx.workspace.readFile(input.path);
    if (bytes.length > MAX_READ_BYTES) throw new TRPCError({ code: 'PAYLOAD_TOO_LARGE', message: `${input.path} is larger than ${MAX_READ_BYTES} bytes` });
    const ext = /\.([a-z0-9]+)$/i.exec(input.path)?.[1]?.toLowerCase() ?? '';
    return { path: input.path, mime: MIME[ext] ?? 'application/octet-stream', base64: Buffer.from(bytes).toString('base64') };
  }),
});
