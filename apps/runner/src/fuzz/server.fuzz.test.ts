/**
 * Fuzz: the server's routes called with hostile inputs (through tRPC's caller, so each case
 * costs no HTTP round trip). Property: a route answers or refuses with a client error (4xx
 * code, one line, no stack) — never an internal error — and nothing is written outside the
 * workspace's `out/` folder or read from outside the workspace.
 */
import { mkdir, mkdtemp, readdir, realpath, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { TRPCError } from '@trpc/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Registry } from '@stylegraph/core';
import { BUILTIN_PLUGINS } from '../host/plugins.js';
import { appRouter } from '../server/router.js';
import { RunManager } from '../server/runs.js';
import { serverCompute } from '../server/server-compute.js';
import { Workspace } from '../server/workspace.js';
import { hostileValue, mutated, mutation } from '../testing/mutate.js';

const CLIENT_ERRORS = new Set(['BAD_REQUEST', 'FORBIDDEN', 'NOT_FOUND', 'CONFLICT', 'PAYLOAD_TOO_LARGE', 'TOO_MANY_REQUESTS', 'UNPROCESSABLE_CONTENT']);

/** Calls `f`; a thrown error must be a client error with a one-line message. */
async function answers(f: () => Promise<unknown>): Promise<void> {
  try {
    await f();
  } catch (e) {
    expect(e).toBeInstanceOf(TRPCError);
    const err = e as TRPCError;
    expect(CLIENT_ERRORS.has(err.code), `${err.code}: ${err.message}`).toBe(true);
    expect(err.message).not.toMatch(/\n\s+at /);
  }
}

const pathArb = fc.oneof(
  fc.constantFrom('..', '../x', '/etc/passwd', 'a/../../b', 'link/x', 'out/../..', 'x\0y', '', '.', './', 'C:\\x', '\\\\server\\share', 'out/link/x.png', 'examples/a.graph.json', 'a'.repeat(300)),
  fc.array(fc.constantFrom('..', '.', 'a', 'link', 'out', '', 'x.png', '\0', '%2e%2e', '~'), { maxLength: 6 }).map((s) => s.join('/')),
  fc.string({ maxLength: 30 }),
);

describe('fuzz: server routes', () => {
  let root: string;
  let ws: string;
  let outside: string;
  let caller: ReturnType<typeof appRouter.createCaller>;
  beforeAll(async () => {
    root = await realpath(await mkdtemp(join(tmpdir(), 'sg-fuzz-srv-')));
    ws = join(root, 'ws');
    outside = join(root, 'outside');
    await mkdir(join(ws, 'out', 'g'), { recursive: true });
    await mkdir(outside);
    await writeFile(join(outside, 'secret.graph.json'), '{"secret":1}');
    await symlink(outside, join(ws, 'link'));
    await symlink(outside, join(ws, 'out', 'g', 'link'));
    const runs = new RunManager(0); // no run may start: validation and refusal paths only
    caller = appRouter.createCaller({ workspace: new Workspace(ws), runs, registry: new Registry(BUILTIN_PLUGINS), compute: serverCompute(), browserPlugins: [] });
  });
  afterAll(async () => {
    // Nothing landed outside the workspace.
    expect((await readdir(outside)).sort()).toEqual(['secret.graph.json']);
  });

  it('validates hostile graphs with diagnostics, never an internal error (1 500 cases)', async () => {
    const example = { format: 'stylegraph.graph', formatVersion: 1, plugins: { '@stylegraph/plugin-std': '^0.1.0' }, nodes: { z: { type: 'std/RandomNormal', version: 1, params: { seed: 1, shape: [2, 3] } }, s: { type: 'std/Statistic', version: 1 } }, edges: [{ from: 'z.tensor', to: 's.tensor' }] };
    await fc.assert(
      fc.asyncProperty(fc.oneof(hostileValue, fc.array(mutation, { minLength: 1, maxLength: 4 }).map((ms) => mutated(example, ms))), async (graph) => {
        await answers(async () => {
          const r = await caller.graph.validate({ graph });
          expect(typeof r.ok).toBe('boolean');
        });
        await answers(() => caller.run.start({ graph, backend: 'cpu' }));
      }),
      { seed: 16_101, numRuns: 1500 },
    );
  });

  it('confines every path a client names (500 cases, 7 routes each)', async () => {
    await fc.assert(
      fc.asyncProperty(pathArb, pathArb, async (path, graphPath) => {
        await answers(() => caller.files.open({ path }));
        await answers(() => caller.files.readOutput({ path }));
        await answers(() => caller.runFiles.read({ path }));
        await answers(() => caller.runFiles.exists({ path }));
        await answers(() => caller.runFiles.hash({ path }));
        await answers(() => caller.runFiles.write({ path, graphPath, base64: 'eA==' }));
        await answers(() => caller.files.save({ path: `${path}.graph.json`, graph: { format: 'stylegraph.graph', formatVersion: 1, nodes: {}, edges: [] } }));
      }),
      { seed: 16_102, numRuns: 500 },
    );
    // Reads of the secret outside never succeeded, and writes stayed in the workspace.
    await expect(caller.files.open({ path: 'link/secret.graph.json' })).rejects.toThrow(/outside the workspace/);
  });
});
