/** Node types, validation and reading graphs out of PNGs: what the editor needs to build a graph. */
import { PORT_KINDS, checkGraph, type Registry } from '@stylegraph/core';
import { z } from '@stylegraph/core';
import { dirname } from 'node:path';
import { graphFromPng } from '../../graph-file.js';
import { loadRegistry } from '../../host/plugins.js';
import { procedure, router, type ServerContext } from '../trpc.js';
import { guessBase } from './png-base.js';

/** A graph as a client sends it: checked by `checkGraph`, not here, so every problem becomes a diagnostic. */
export const graphInput = z.unknown().refine((v) => v !== undefined, 'a graph is required');

/** The registry for a graph: built-ins, `--plugin` modules and installed plugins the graph requires. */
export async function registryFor(ctx: ServerContext, doc: unknown, fromDir = ctx.workspace.root): Promise<Registry> {
  const required = Object.keys(((doc as { plugins?: Record<string, string> } | null | undefined)?.plugins) ?? {});
  if (required.every((name) => ctx.registry.plugin(name))) return ctx.registry;
  return loadRegistry({ required, extra: ctx.extraPlugins, fromDir });
}

export const graphRoutes = router({
  /** Every node type with ports and param JSON Schemas, plus the port kinds and plugin versions. */
  nodeTypes: procedure.query(({ ctx }) => ({
    nodes: ctx.registry.describeAll(),
    portKinds: Object.fromEntries(Object.entries(PORT_KINDS).map(([k, v]) => [k, v.description])),
    plugins: ctx.registry.listPlugins().map((p) => ({ name: p.name, version: p.version })),
  })),

  /** The same validation `stylegraph check` does. */
  validate: procedure.input(z.object({ graph: graphInput, path: z.string().max(1000).optional() })).query(async ({ ctx, input }) => {
    const fromDir = input.path ? dirname(await ctx.workspace.resolve(input.path)) : ctx.workspace.root;
    const r = checkGraph(input.graph, await registryFor(ctx, input.graph, fromDir));
    return { ok: r.ok, diagnostics: r.diagnostics, document: r.graph?.document };
  }),

  /** The graph embedded in a PNG written by io/SaveImage (base64 of the file). */
  fromPng: procedure.input(z.object({ name: z.string().max(300).default('image.png'), base64: z.string().max(30_000_000) })).mutation(async ({ ctx, input }) => {
    const graph = JSON.parse(graphFromPng(new Uint8Array(Buffer.from(input.base64, 'base64')), input.name)) as unknown;
    return { graph, base: await guessBase(ctx.workspace, graph) };
  }),
});
