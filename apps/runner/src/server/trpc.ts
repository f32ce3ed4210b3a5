/** The tRPC instance of the server, its request context and the mapping of host errors to tRPC errors. */
import { initTRPC, TRPCError } from '@trpc/server';
import type { Registry } from '@stylegraph/core';
import { UsageError } from '../graph-file.js';
import { PluginLoadError } from '../host/plugins.js';
import type { RunManager } from './runs.js';
import { WorkspaceError, type Workspace } from './workspace.js';

export interface ServerContext {
  readonly workspace: Workspace;
  readonly runs: RunManager;
  /** Built-ins plus `--plugin` modules. */
  readonly registry: Registry;
  /** `--plugin` modules, for registries built per graph. */
  readonly extraPlugins: readonly string[];
}

const t = initTRPC.context<ServerContext>().create();

/** Turns the errors hosts raise into tRPC errors with the same one-line message. */
export function asTrpcError(e: unknown): unknown {
  if (e instanceof WorkspaceError) {
    const code = e.code === 'OUTSIDE_WORKSPACE' ? 'FORBIDDEN' : e.code === 'NOT_FOUND' ? 'NOT_FOUND' : e.code === 'EXISTS' ? 'CONFLICT' : 'BAD_REQUEST';
    return new TRPCError({ code, message: e.message });
  }
  if (e instanceof UsageError || e instanceof PluginLoadError) return new TRPCError({ code: 'BAD_REQUEST', message: e.message });
  return e;
}

const mapErrors = t.middleware(async ({ next }) => {
  const r = await next();
  if (!r.ok) {
    const mapped = asTrpcError(r.error.cause);
    if (mapped instanceof TRPCError) throw mapped;
  }
  return r;
});

export const router = t.router;
export const procedure = t.procedure.use(mapErrors);
