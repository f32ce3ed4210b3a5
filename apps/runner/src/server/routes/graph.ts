/** Node types, validation and reading graphs out of PNGs: what the editor needs to build a graph. */
import { checkGraph, z } from '@stylegraph/core';
import { graphFromPng } from '../../graph-file.js';
import { procedure, router } from '../trpc.js';
import { guessBase } from './png-base.js';
import { pluginSources } from '../../host/plugins.js';
import { checkLock } from '../../host/plugin-lock.js';
import { DEFAULT_CAPABILITIES, describeCapabilities } from '../../host/plugin-manifest.js';

/** A graph as a client sends it: checked by `checkGraph`, not here, so every problem becomes a diagnostic. */
export const graphInput = z.unknown().refine((v) => v !== undefined, 'a graph is required');

export const graphRoutes = router({
  /**
   * Every node type with ports and param JSON Schemas, plus the port kinds and the plugins: their
   * versions and, for the plugins besides the built-ins whose code the page may import, `browser`:
   * the URL of their entry module.
   */
  nodeTypes: procedure.query(({ ctx }) => ({
    nodes: ctx.registry.describeAll(),
    // Every kind by name: description, dims and the colour editors draw its handles in.
    portKinds: Object.fromEntries(ctx.registry.describeKinds().map((k) => [k.name, k])),
    plugins: ctx.registry.listPlugins().map((p) => {
      const offered = ctx.browserPlugins.find((b) => b.name === p.name);
      const browser = offered?.url;
      const source = pluginSources(ctx.registry).get(p.name);
      const caps = source?.mode === 'isolated' ? (source.manifest?.capabilities ?? DEFAULT_CAPABILITIES) : undefined;
      return {
        name: p.name,
        version: p.version,
        ...(browser !== undefined && { browser }),
        ...(offered?.data && { operators: offered.data.files }),
        ...(offered?.worker && { worker: offered.worker }),
        // How the server runs it (built-in, isolated, trusted in-process, data-only) and what an isolated one may do.
        ...(source && source.mode !== 'builtin' && { runs: source.mode }),
        ...(caps && { capabilities: describeCapabilities(caps) }),
      };
    }),
  })),

  /** The same validation `stylegraph check` does. */
  validate: procedure.input(z.object({ graph: graphInput, path: z.string().max(1000).optional() })).query(async ({ ctx, input }) => {
    const r = checkGraph(input.graph, ctx.registry);
    // Plugins that drifted from the graph's lock are warned of, as `stylegraph check` does.
    const lock = r.graph ? await checkLock(r.graph.document, ctx.registry, false) : [];
    return { ok: r.ok, diagnostics: [...r.diagnostics, ...lock], document: r.graph?.document };
  }),

  /** The graph embedded in a PNG written by io/SaveImage (base64 of the file). */
  fromPng: procedure.input(z.object({ name: z.string().max(300).default('image.png'), base64: z.string().max(30_000_000) })).mutation(async ({ ctx, input }) => {
    const graph = JSON.parse(graphFromPng(new Uint8Array(Buffer.from(input.base64, 'base64')), input.name)) as unknown;
    return { graph, base: await guessBase(ctx.workspace, graph) };
  }),
});
