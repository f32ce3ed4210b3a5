/**
 * A fixture plugin pack for core's tests: small nodes over numbers and fake generators that
 * count their runs, fail on demand, wait, read files and write files.
 */
import { z } from 'zod';
import { defineNode, definePlugin, PLUGIN_API_VERSION } from '../plugin/define.js';
import { NodeError } from '../plugin/context.js';
import { tensor } from '../values/tensor.js';
import { Generator, WPlus, Z } from './fixture-kinds.js';
import { checkGraph } from '../graph/validate.js';
import { execute, type ExecuteOptions } from '../exec/executor.js';
import type { RunSummary } from '../exec/events.js';
import type { Registry } from '../plugin/registry.js';

export const runs = new Map<string, number>();
const count = (id: string) => runs.set(id, (runs.get(id) ?? 0) + 1);

const Num = defineNode({
  type: 'test/Num',
  version: 1,
  title: 'Num',
  category: 'Test',
  inputs: {},
  outputs: { out: { type: 'number' } },
  params: z.object({ value: z.number().default(1) }),
  purity: 'pure',
  run: ({ params, ctx }) => {
    count(ctx.nodeId);
    return { out: params.value };
  },
});

const Add = defineNode({
  type: 'test/Add',
  version: 2,
  title: 'Add',
  category: 'Test',
  inputs: { a: { type: 'number' }, b: { type: 'number', optional: true } },
  outputs: { out: { type: 'number' } },
  // Version 1 called the constant "k".
  params: z.object({ offset: z.number().default(0) }),
  migrations: { 1: ({ k, ...rest }) => ({ ...rest, ...(k !== undefined && { offset: k }) }) },
  purity: 'pure',
  run: async ({ inputs, params, ctx }) => {
    count(ctx.nodeId);
    await new Promise((r) => setTimeout(r, 5));
    return { out: inputs.a + (inputs.b ?? 0) + params.offset };
  },
});

const Fail = defineNode({
  type: 'test/Fail',
  version: 1,
  title: 'Fail',
  category: 'Test',
  inputs: { a: { type: 'number' } },
  outputs: { out: { type: 'number' } },
  params: z.object({}),
  purity: 'pure',
  run: ({ ctx }) => {
    count(ctx.nodeId);
    throw new NodeError('BOOM', 'this node always fails');
  },
});

const Wait = defineNode({
  type: 'test/Wait',
  version: 1,
  title: 'Wait',
  category: 'Test',
  inputs: { a: { type: 'number', optional: true } },
  outputs: { out: { type: 'number' } },
  params: z.object({ ms: z.number().default(50) }),
  purity: 'pure',
  run: async ({ params, ctx }) => {
    count(ctx.nodeId);
    const steps = 10;
    for (let i = 0; i < steps; i++) {
      ctx.throwIfAborted();
      await new Promise((r) => setTimeout(r, params.ms / steps));
      ctx.progress((i + 1) / steps);
    }
    return { out: params.ms };
  },
});

/** An anytime node (an optimizer): on cancel it stops and returns how far it got. */
const Anytime = defineNode({
  type: 'test/Anytime',
  version: 1,
  title: 'Anytime',
  category: 'Test',
  inputs: {},
  outputs: { out: { type: 'number' } },
  params: z.object({ steps: z.number().default(10) }),
  purity: 'pure',
  run: async ({ params, ctx }) => {
    count(ctx.nodeId);
    let i = 0;
    for (; i < params.steps && !ctx.signal.aborted; i++) {
      await new Promise((r) => setTimeout(r, 5));
      ctx.progress((i + 1) / params.steps);
    }
    return { out: i };
  },
});

const ReadLen = defineNode({
  type: 'test/ReadLen',
  version: 1,
  title: 'ReadLen',
  category: 'Test',
  inputs: {},
  outputs: { out: { type: 'number' } },
  params: z.object({ path: z.string() }),
  fileParams: ['path'],
  purity: 'pure',
  run: async ({ params, ctx }) => {
    count(ctx.nodeId);
    return { out: (await ctx.files.read(params.path)).length };
  },
});

const Write = defineNode({
  type: 'test/Write',
  version: 1,
  title: 'Write',
  category: 'Test',
  inputs: { a: { type: 'number' } },
  outputs: {},
  params: z.object({ path: z.string().default('out.txt') }),
  purity: 'effect',
  run: async ({ inputs, params, ctx }) => {
    count(ctx.nodeId);
    await ctx.files.write(params.path, new TextEncoder().encode(String(inputs.a)));
    return {};
  },
});

const dims = { zDim: 8, cDim: 0, wDim: 8, numWs: 4, C: 3, res: 16 };

/** A fake generator; `numWs` is known from params only when `known` is set. */
const Gen = defineNode({
  type: 'test/Gen',
  version: 1,
  title: 'Gen',
  category: 'Test',
  inputs: {},
  outputs: { gen: { type: Generator } },
  params: z.object({ numWs: z.number().int().default(4), known: z.boolean().default(false) }),
  inferShapes: (p) => (p.known ? { ...dims, numWs: p.numWs } : {}),
  purity: 'pure',
  run: ({ params }) => ({ gen: { kind: 'generator' as const, id: `gen${params.numWs}`, dims: { ...dims, numWs: params.numWs } } }),
});

const Seeds = defineNode({
  type: 'test/Seeds',
  version: 1,
  title: 'Seeds',
  category: 'Test',
  inputs: { gen: { type: Generator } },
  outputs: { z: { type: Z } },
  params: z.object({ seeds: z.array(z.number().int()).default([0]) }),
  inferShapes: (p) => ({ B: p.seeds.length }),
  purity: 'pure',
  run: ({ inputs, params, ctx }) => {
    const zDim = inputs.gen.dims.zDim;
    const data = new Float32Array(params.seeds.length * zDim);
    params.seeds.forEach((s, i) => data.set(ctx.random(s).randn(zDim), i * zDim));
    return { z: tensor('float32', [params.seeds.length, zDim], data) };
  },
});

const Map_ = defineNode({
  type: 'test/Map',
  version: 1,
  title: 'Map',
  category: 'Test',
  inputs: { gen: { type: Generator }, z: { type: Z } },
  outputs: { w: { type: WPlus } },
  params: z.object({}),
  purity: 'pure',
  run: ({ inputs }) => {
    const { numWs, wDim } = inputs.gen.dims;
    const B = inputs.z.dims[0]!;
    return { w: tensor('float32', [B, numWs, wDim]) };
  },
});

const Mix = defineNode({
  type: 'test/Mix',
  version: 1,
  title: 'Mix',
  category: 'Test',
  inputs: { a: { type: WPlus, shape: ['B1', 'numWs', 'wDim'] }, b: { type: WPlus, shape: ['B2', 'numWs', 'wDim'] } },
  outputs: { w: { type: WPlus, shape: ['B1', 'numWs', 'wDim'] } },
  params: z.object({}),
  purity: 'pure',
  run: ({ inputs }) => ({ w: inputs.a }),
});

const Synth = defineNode({
  type: 'test/Synth',
  version: 1,
  title: 'Synth',
  category: 'Test',
  inputs: { gen: { type: Generator }, w: { type: WPlus } },
  outputs: { img: { type: 'Image', shape: ['B', 'C', 'res', 'res'] } },
  params: z.object({}),
  purity: 'pure',
  run: ({ inputs }) => {
    const { C, res } = inputs.gen.dims;
    return { img: tensor('float32', [inputs.w.dims[0]!, C, res, res]) };
  },
});

/** Returns a wrongly shaped value, to exercise run-time output checks. */
const Liar = defineNode({
  type: 'test/Liar',
  version: 1,
  title: 'Liar',
  category: 'Test',
  inputs: {},
  outputs: { w: { type: WPlus } },
  params: z.object({}),
  purity: 'pure',
  run: () => ({ w: tensor('float32', [2, 3]) }),
});

export const fixturePlugin = definePlugin({
  name: '@stylegraph/test-fixtures',
  version: '1.2.0',
  apiVersion: PLUGIN_API_VERSION,
  nodes: [Num, Add, Fail, Wait, Anytime, ReadLen, Write, Gen, Seeds, Map_, Mix, Synth, Liar],
});

/** A graph document with the fixture plugin declared. */
export function doc(nodes: Record<string, unknown>, edges: [string, string][] = [], extra: Record<string, unknown> = {}) {
  return {
    format: 'stylegraph.graph',
    formatVersion: 1,
    plugins: { '@stylegraph/test-fixtures': '^1.0.0' },
    nodes,
    edges: edges.map(([from, to]) => ({ from, to })),
    ...extra,
  };
}

/** In-memory files: reads from `files`, writes into `written`. */
export function memoryFiles(files: Record<string, string> = {}) {
  const written = new Map<string, string>();
  return {
    files,
    written,
    access: {
      read: async (p: string) => {
        if (!(p in files)) throw new Error(`no file ${p}`);
        return new TextEncoder().encode(files[p]);
      },
      exists: async (p: string) => p in files,
      write: async (p: string, d: Uint8Array) => {
        written.set(p, new TextDecoder().decode(d));
        return p;
      },
    },
  };
}

/** Check, then execute, as hosts do: an invalid graph never starts and reports its diagnostics. */
export async function checkAndRun(input: unknown, registry: Registry, opts: ExecuteOptions): Promise<RunSummary> {
  const c = checkGraph(input, registry);
  if (!c.graph) return { status: 'invalid', diagnostics: c.diagnostics, nodes: {}, outputs: {}, ms: 0, counts: { ran: 0, cached: 0, failed: 0, skipped: 0, cancelled: 0 } };
  return { ...(await execute(c.graph, opts)), diagnostics: c.diagnostics };
}
