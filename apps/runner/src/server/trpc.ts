/** The tRPC instance of the server, its request context and the mapping of host errors to tRPC errors. */
import { initTRPC, TRPCError } from '@trpc/server';
import type { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { isNodeError, type Registry } from '@stylegraph/core';
import { UsageError } from '../graph-file.js';
import { PluginLoadError } from '../host/plugins.js';
import { errnoWords, isErrno } from '../host/errno.js';
import type { BrowserPlugin } from './plugin-files.js';
import type { RunManager } from './runs.js';
import type { ServerCompute } from './server-compute.js';
import { WorkspaceError, type Workspace } from './workspace.js';

export interface ServerContext {
  readonly workspace: Workspace;
  readonly runs: RunManager;
  /** The server's one compute; runs take views of it on their backends. */
  readonly compute: ServerCompute;
  /** Built-ins, `--plugin` modules and the workspace's installed plugins, loaded at start: a request never loads code. */
  readonly registry: Registry;
  /** The loaded plugins whose modules the editor may import into its page (plugin-files.ts). */
  readonly browserPlugins: readonly BrowserPlugin[];
  /** The batch queue, when the server was started with `--queue`. */
  readonly batch?: { readonly redis: Redis; readonly queue: Queue };
}

/**
 * Error responses carry a code and one line, never a stack trace (`isDev: false`, and the
 * formatter drops `stack` from the shape whatever the environment). An unexpected error's
 * message is replaced by a generic line; the server prints its stack only with `--debug`.
 */
const t = initTRPC.context<ServerContext>().create({
  isDev: false,
  errorFormatter: ({ shape, error }) => {
    const { stack: _stack, ...data } = shape.data as typeof shape.data & { stack?: string };
    const message = error.code === 'INTERNAL_SERVER_ERROR' && !(error.cause instanceof TRPCError) ? `internal error (${error.cause?.name ?? 'Error'}); the server log has details when started with --debug` : shape.message;
    return { ...shape, message, data };
  },
});

/** Turns the errors hosts raise into tRPC errors with the same one-line message. */
export function asTrpcError(e: unknown): unknown {
  if (isErrno(e)) {
    const code = e.code === 'ENOENT' ? 'NOT_FOUND' : e.code === 'EACCES' || e.code === 'EPERM' ? 'FORBIDDEN' : 'BAD_REQUEST';
    return new TRPCError({ code, message: errnoWords(e.code) });
  }
  if (e instanceof WorkspaceError) {
    const code = e.code === 'OUTSIDE_WORKSPACE' ? 'FORBIDDEN' : e.code === 'NOT_FOUND' ? 'NOT_FOUND' : e.code === 'EXISTS' ? 'CONFLICT' : 'BAD_REQUEST';
    return new TRPCError({ code, message: e.message });
  }
  if (isNodeError(e)) return new TRPCError({ code: 'BAD_REQUEST', message: e.message });
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
