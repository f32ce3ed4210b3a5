/**
 * Fixture nodes for memory planning and budgets: outputs sized by params, by a generator's
 * dims (known only once it has run), by data (known only once it has run) and derived from
 * input sizes; each counts its runs in `memRuns`.
 */
import { z } from 'zod';
import { defineNode, definePlugin, PLUGIN_API_VERSION } from '../plugin/define.js';
import { tensor } from '../values/tensor.js';
import { Bits, Generator, Z } from './fixture-kinds.js';

export const memRuns = new Map<string, number>();
const count = (id: string) => memRuns.set(id, (memRuns.get(id) ?? 0) + 1);

/** A generator whose dims are rigid unknowns until it runs. */
const Gen = defineNode({
  type: 'mem/Gen',
  version: 1,
  title: 'Gen',
  category: 'Test',
  inputs: {},
  outputs: { gen: { type: Generator } },
  params: z.object({ res: z.number().int().default(16) }),
  purity: 'pure',
  run: ({ params, ctx }) => {
    count(ctx.nodeId);
    return { gen: { kind: 'generator' as const, id: `gen${params.res}`, dims: { zDim: 8, cDim: 0, wDim: 8, numWs: 4, C: 3, res: params.res } } };
  },
});

/** z [B, zDim]: B from params, zDim from the generator. */
const Seeds = defineNode({
  type: 'mem/Seeds',
  version: 1,
  title: 'Seeds',
  category: 'Test',
  inputs: { gen: { type: Generator } },
  outputs: { z: { type: Z } },
  params: z.object({ count: z.number().int().default(4) }),
  inferShapes: (p) => ({ B: p.count }),
  purity: 'pure',
  run: ({ inputs, params, ctx }) => {
    count(ctx.nodeId);
    return { z: tensor('float32', [params.count, inputs.gen.dims.zDim]) };
  },
});

/** Images [B, C, res, res] from a generator. */
const Synth = defineNode({
  type: 'mem/Synth',
  version: 1,
  title: 'Synth',
  category: 'Test',
  inputs: { gen: { type: Generator }, z: { type: Z } },
  outputs: { image: { type: 'Image', shape: ['B', 'C', 'res', 'res'] } },
  params: z.object({}),
  purity: 'pure',
  run: ({ inputs, ctx }) => {
    count(ctx.nodeId);
    const { C, res } = inputs.gen.dims;
    return { image: tensor('float32', [inputs.z.dims[0]!, C, res, res]) };
  },
});

/** Images [B, 3, S, S], all sized by params. */
const Alloc = defineNode({
  type: 'mem/Alloc',
  version: 1,
  title: 'Alloc',
  category: 'Test',
  inputs: {},
  outputs: { image: { type: 'Image', shape: ['B', 3, 'S', 'S'] }, bits: { type: Bits, shape: ['B', 8] } },
  params: z.object({ count: z.number().int().default(1), size: z.number().int().default(4) }),
  inferShapes: (p) => ({ B: p.count, S: p.size }),
  purity: 'pure',
  run: ({ params, ctx }) => {
    count(ctx.nodeId);
    return { image: tensor('float32', [params.count, 3, params.size, params.size]), bits: tensor('uint8', [params.count, 8]) };
  },
});

/** z whose batch only the data knows (like a file read): `count` is not told to the planner. */
const Load = defineNode({
  type: 'mem/Load',
  version: 1,
  title: 'Load',
  category: 'Test',
  inputs: {},
  outputs: { z: { type: Z, shape: ['B', 8] } },
  params: z.object({ count: z.number().int().default(2) }),
  purity: 'pure',
  run: ({ params, ctx }) => {
    count(ctx.nodeId);
    return { z: tensor('float32', [params.count, 8]) };
  },
});

/** Each z repeated `times` times: N = B · times, derived from the input's size. */
const Repeat = defineNode({
  type: 'mem/Repeat',
  version: 1,
  title: 'Repeat',
  category: 'Test',
  inputs: { z: { type: Z, shape: ['B', 'zDim'] } },
  outputs: { z: { type: Z, shape: ['N', 'zDim'] } },
  params: z.object({ times: z.number().int().default(2) }),
  inferShapes: (p, { dims: { B } }) => ({ N: B === undefined ? undefined : B * p.times }),
  purity: 'pure',
  run: ({ inputs, params, ctx }) => {
    count(ctx.nodeId);
    const [B, zDim] = inputs.z.dims as [number, number];
    return { z: tensor('float32', [B * params.times, zDim]) };
  },
});

/** A tensor of any rank whose element count the params give. */
const Noise = defineNode({
  type: 'mem/Noise',
  version: 1,
  title: 'Noise',
  category: 'Test',
  inputs: {},
  outputs: { t: { type: 'Tensor', elements: 'N' } },
  params: z.object({ shape: z.array(z.number().int()).default([2, 3]) }),
  inferShapes: (p) => ({ N: p.shape.reduce((a, b) => a * b, 1) }),
  purity: 'pure',
  run: ({ params }) => ({ t: tensor('float64', params.shape) }),
});

/** Its inferShapes throws (like a seed list that does not parse). */
const Throws = defineNode({
  type: 'mem/Throws',
  version: 1,
  title: 'Throws',
  category: 'Test',
  inputs: {},
  outputs: { z: { type: Z } },
  params: z.object({ seeds: z.string().default('x') }),
  inferShapes: (p) => {
    throw new Error(`"${p.seeds}" is not a seed list`);
  },
  purity: 'pure',
  run: () => ({ z: tensor('float32', [1, 1]) }),
});

export const memoryPlugin = definePlugin({
  name: '@stylegraph/test-memory',
  version: '1.0.0',
  apiVersion: PLUGIN_API_VERSION,
  nodes: [Gen, Seeds, Synth, Alloc, Load, Repeat, Noise, Throws],
});

/** A graph document of memory fixture nodes: `nodes` as `id: [type, params]`, edges as `from → to`. */
export function memDoc(nodes: Record<string, [string, Record<string, unknown>?]>, edges: [string, string][] = []) {
  return {
    format: 'stylegraph.graph',
    formatVersion: 1,
    plugins: { '@stylegraph/test-memory': '^1.0.0' },
    nodes: Object.fromEntries(Object.entries(nodes).map(([id, [type, params]]) => [id, { type: `mem/${type}`, version: 1, params: params ?? {} }])),
    edges: edges.map(([from, to]) => ({ from, to })),
  };
}
