/**
 * File access for graphs that run in the browser: node reads of workspace files, content
 * hashes for the browser's cache, and writes of effect nodes into `out/<graph name>/`.
 * The same confinement as server runs: reads inside the workspace, writes inside the output
 * folder, atomically.
 */
import { basename, join, resolve } from 'node:path';
import { isNodeError, z } from '@stylegraph/core';
import { TRPCError } from '@trpc/server';
import { graphName } from '../../commands/run.js';
import { NodeFiles } from '../../host/node-files.js';
import { procedure, router } from '../trpc.js';

const path = z.string().min(1).max(1000);
/** Largest file `read` returns (model weights included). */
export const MAX_REMOTE_READ_BYTES = 512 * 1024 * 1024;

/** Reads of absolute paths already confined by `Workspace.resolve`. */
const workspaceFiles = (root: string) => new NodeFiles({ readRoot: root, outDir: root });

export const runFileRoutes = router({
  read: procedure.input(z.object({ path })).query(async ({ ctx, input }) => {
    const bytes = await ctx.workspace.readFile(input.path);
    if (bytes.length > MAX_REMOTE_READ_BYTES) throw new TRPCError({ code: 'PAYLOAD_TOO_LARGE', message: `${input.path} is larger than ${MAX_REMOTE_READ_BYTES} bytes` });
    return { base64: Buffer.from(bytes).toString('base64') };
  }),

  exists: procedure.input(z.object({ path })).query(async ({ ctx, input }) => workspaceFiles(ctx.workspace.root).exists(await ctx.workspace.resolve(input.path))),

  hash: procedure.input(z.object({ path })).query(async ({ ctx, input }) => {
    const full = await ctx.workspace.resolve(input.path);
    return workspaceFiles(ctx.workspace.root).hash(full).catch((e: unknown) => {
      const message = (e as Error).message.replace(/^cannot read \S+: /, '');
      throw new TRPCError({ code: /^no such file/.test(message) ? 'NOT_FOUND' : 'BAD_REQUEST', message: `${input.path}: ${message}` });
    });
  }),

  /** Writes `path` into `out/<name of graphPath>/` and returns the path written. */
  write: procedure.input(z.object({ graphPath: path.optional(), path, base64: z.string().max(48_000_000) })).mutation(async ({ ctx, input }) => {
    const name = input.graphPath ? graphName(basename(input.graphPath)) : 'untitled';
    const files = new NodeFiles({ readRoot: ctx.workspace.root, outDir: join(ctx.workspace.root, 'out', name), outBase: ctx.workspace.root });
    try {
      const full = await files.write(input.path, new Uint8Array(Buffer.from(input.base64, 'base64')));
      return { written: ctx.workspace.relative(resolve(full)) };
    } catch (e) {
      if (isNodeError(e)) throw new TRPCError({ code: 'FORBIDDEN', message: e.message });
      throw e;
    }
  }),
});
