/** The typed client of `stylegraph serve`'s API: queries and mutations over HTTP, run events over SSE. */
import { createTRPCClient, httpBatchLink, httpSubscriptionLink, splitLink } from '@trpc/client';
import type { inferRouterOutputs } from '@trpc/server';
import type { AppRouter } from '@stylegraph/runner';

export const api = createTRPCClient<AppRouter>({
  links: [
    splitLink({
      condition: (op) => op.type === 'subscription',
      true: httpSubscriptionLink({ url: '/trpc' }),
      false: httpBatchLink({ url: '/trpc', methodOverride: 'POST' }),
    }),
  ],
});

type Outputs = inferRouterOutputs<AppRouter>;
export type NodeTypeInfo = Outputs['graph']['nodeTypes']['nodes'][number];
/** A plugin as the server lists it: version, browser code, how it runs and (third-party code) its capabilities. */
export type PluginInfo = Outputs['graph']['nodeTypes']['plugins'][number];
export type Diagnostic = Outputs['graph']['validate']['diagnostics'][number];
export type { ServerRunEvent, Preview } from '@stylegraph/runner';

/** The message of an API error, for showing to the user. */
export const errorMessage = (e: unknown): string => (e instanceof Error ? e.message : String(e));
