import { describe, expect, expectTypeOf, it } from 'vitest';
import { NodeError, PLUGIN_API_VERSION, defineNode, definePlugin, definePortKind, tensor as coreTensor, tensorCodec, z, type Tensor } from '@stylegraph/core';
import { memoryFiles } from './memory-files.js';
import { RunNodeError, runNode } from './run-node.js';
import { image, tensor } from './tensors.js';

const Mask = definePortKind<Tensor<'uint8'>>({ name: 'fx/Mask', description: 'masks [B, H, W]', dims: ['B', 'H', 'W'], dtype: 'uint8', codec: tensorCodec as never });

const Scale = defineNode({
  type: 'fx/Scale',
  version: 1,
  title: 'Scale',
  category: 'T',
  inputs: { image: { type: 'Image' } },
  outputs: { image: { type: 'Image' } },
  params: z.object({ factor: z.number().min(0).max(10).default(2) }),
  purity: 'pure',
  run: ({ inputs: { image }, params }) => ({ image: coreTensor('float32', image.dims, image.data.map((v) => v * params.factor)) }),
});

const Add = defineNode({
  type: 'fx/Add',
  version: 3,
  title: 'Add',
  category: 'T',
  inputs: { a: { type: 'Image' }, b: { type: 'Image' }, mask: { type: Mask, optional: true } },
  outputs: { sum: { type: 'Image' }, masked: { type: 'boolean' } },
  params: z.object({}),
  purity: 'pure',
  migrations: { 1: (p) => p, 2: (p) => p },
  run: ({ inputs: { a, b, mask } }) => ({ sum: coreTensor('float32', a.dims, a.data.map((v, i) => v + b.data[i]!)), masked: mask !== undefined }),
});

const Rgb = defineNode({
  type: 'fx/Rgb',
  version: 1,
  title: 'Rgb',
  category: 'T',
  inputs: { image: { type: 'Image', shape: ['B', 3, 'H', 'W'] } },
  outputs: { image: { type: 'Image', shape: ['B', 3, 'H', 'W'] } },
  params: z.object({}),
  purity: 'pure',
  run: ({ inputs: { image } }) => ({ image }),
});

/** A handle kind: a value that binds a size (like a generator's zDim) without being a tensor. */
const Gen = definePortKind<{ zDim: number }>({ name: 'fx/Gen', description: 'a generator', dims: ['zDim'], check: (v) => (typeof (v as { zDim?: unknown })?.zDim === 'number' ? undefined : 'expected a generator'), sizes: (g) => ({ zDim: g.zDim }), codec: { encode: () => ({ header: null, bytes: new Uint8Array() }), decode: () => ({ zDim: 0 }) } });
const Zs = definePortKind<Tensor<'float32'>>({ name: 'fx/Z', description: 'latents [B, zDim]', dims: ['B', 'zDim'], dtype: 'float32', codec: tensorCodec as never });

const Map_ = defineNode({
  type: 'fx/Map',
  version: 1,
  title: 'Map',
  category: 'T',
  inputs: { gen: { type: Gen }, z: { type: Zs } },
  outputs: { n: { type: 'integer' } },
  params: z.object({}),
  purity: 'pure',
  run: ({ inputs: { gen, z } }) => ({ n: gen.zDim * z.dims[0]! }),
});

const Fail = defineNode({
  type: 'fx/Fail',
  version: 1,
  title: 'Fail',
  category: 'T',
  inputs: {},
  outputs: { n: { type: 'number' } },
  params: z.object({ how: z.enum(['throw', 'bad-output', 'service', 'file']).default('throw') }),
  purity: 'effect',
  run: async ({ params, ctx }) => {
    if (params.how === 'throw') throw new NodeError('fx/BROKEN', 'broken on purpose');
    if (params.how === 'service') return { n: (ctx.services as unknown as { answer: { value: number } }).answer.value };
    if (params.how === 'file') {
      const text = new TextDecoder().decode(await ctx.files.read('in.txt'));
      await ctx.files.write('out.txt', new TextEncoder().encode(text.toUpperCase()));
      return { n: text.length };
    }
    return { n: 'seven' as unknown as number };
  },
});

const plugin = definePlugin({ name: 'stylegraph-plugin-fx', version: '1.2.3', apiVersion: PLUGIN_API_VERSION, nodes: [Scale, Add, Rgb, Map_, Fail], kinds: [Mask, Gen, Zs] });

describe('runNode', () => {
  it('runs the node on its inputs and fills in default params', async () => {
    const x = image([1, 3, 2, 2]);
    const { image: out } = await runNode(plugin, Scale, { inputs: { image: x } });
    expectTypeOf(out).toEqualTypeOf<Tensor<'float32'>>();
    expect(Array.from(out.data)).toEqual(Array.from(x.data, (v) => Math.fround(v * 2)));
    const three = await runNode(plugin, 'fx/Scale', { inputs: { image: x }, params: { factor: 3 } });
    expect(three.image.data[0]).toBeCloseTo(x.data[0]! * 3, 6);
  });

  it('parses params with the node schema: out of range is PARAM_INVALID', async () => {
    await expect(runNode(plugin, Scale, { inputs: { image: image() }, params: { factor: 11 } })).rejects.toMatchObject({ code: 'PARAM_INVALID', message: expect.stringMatching(/node "node" param "factor"/) });
    await expect(runNode(plugin, Scale, { inputs: { image: image() }, params: { factor: 'big' } })).rejects.toBeInstanceOf(RunNodeError);
  });

  it('checks inputs against their kinds and shapes before running', async () => {
    await expect(runNode(plugin, Scale, { inputs: { image: 0.5 } })).rejects.toMatchObject({ code: 'INPUT_INVALID', message: expect.stringContaining('input "image" of fx/Scale') });
    await expect(runNode(plugin, Scale, { inputs: { image: tensor('float64', [1, 3, 2, 2]) } })).rejects.toMatchObject({ code: 'INPUT_INVALID' });
    await expect(runNode(plugin, Add, { inputs: { a: image([1, 3, 4, 4]), b: image([1, 3, 8, 8]) } })).rejects.toMatchObject({ code: 'SHAPE_MISMATCH' });
    await expect(runNode(plugin, Rgb, { inputs: { image: image([1, 1, 4, 4]) } })).rejects.toMatchObject({ code: 'SHAPE_MISMATCH', message: expect.stringContaining('C: 1') });
    await expect(runNode(plugin, Rgb, { inputs: { image: tensor('float32', [3, 4, 4]) } })).rejects.toMatchObject({ code: 'INPUT_INVALID' }); // rank
    await expect(runNode(plugin, Add, { inputs: { a: image(), mask: tensor('uint8', [1, 8, 8]) } })).rejects.toMatchObject({ code: 'INPUT_MISSING' });
    await expect(runNode(plugin, Add, { inputs: { a: image(), b: image(), c: image() } })).rejects.toMatchObject({ code: 'EDGE_PORT_MISSING', message: expect.stringContaining('its inputs: a, b, mask') });
    await expect(runNode(plugin, 'fx/Nope', {})).rejects.toMatchObject({ code: 'NODE_TYPE_UNKNOWN' });
  });

  it('wires optional inputs only when given, and the plugin’s own kinds, for a node of a later version', async () => {
    const a = image([1, 3, 8, 8], 1);
    const b = image([1, 3, 8, 8], 2);
    expect((await runNode(plugin, Add, { inputs: { a, b } })).masked).toBe(false);
    expect((await runNode(plugin, Add, { inputs: { a, b, mask: undefined } })).masked).toBe(false);
    const r = await runNode(plugin, Add, { inputs: { a, b, mask: tensor('uint8', [1, 8, 8]) } });
    expect(r.masked).toBe(true);
    expect(r.sum.data[5]).toBeCloseTo(a.data[5]! + b.data[5]!, 6);
    await expect(runNode(plugin, Add, { inputs: { a, b, mask: tensor('uint8', [1, 4, 4]) } })).rejects.toMatchObject({ code: 'SHAPE_MISMATCH' });
  });

  it('binds the sizes a handle value carries, so tensors must agree with it', async () => {
    expect((await runNode(plugin, Map_, { inputs: { gen: { zDim: 4 }, z: tensor('float32', [2, 4]) } })).n).toBe(8);
    await expect(runNode(plugin, Map_, { inputs: { gen: { zDim: 4 }, z: tensor('float32', [2, 5]) } })).rejects.toMatchObject({ code: 'SHAPE_MISMATCH' });
  });

  it('reports a node’s error code, and outputs that are not of their kind', async () => {
    await expect(runNode(plugin, Fail)).rejects.toMatchObject({ code: 'fx/BROKEN', message: 'runNode: fx/Fail failed: fx/BROKEN: broken on purpose' });
    await expect(runNode(plugin, Fail, { params: { how: 'bad-output' } })).rejects.toMatchObject({ code: 'NODE_OUTPUT_INVALID' });
  });

  it('lends services and files', async () => {
    await expect(runNode(plugin, Fail, { params: { how: 'service' } })).rejects.toMatchObject({ code: 'SERVICE_MISSING' });
    expect((await runNode(plugin, Fail, { params: { how: 'service' }, services: { answer: { value: 42 } } as never })).n).toBe(42);
    const files = memoryFiles({ 'in.txt': 'hello' });
    expect((await runNode(plugin, Fail, { params: { how: 'file' }, files })).n).toBe(5);
    expect(new TextDecoder().decode(files.files.get('out.txt'))).toBe('HELLO');
    await expect(runNode(plugin, Fail, { params: { how: 'file' } })).rejects.toMatchObject({ code: 'FILE_READ' });
  });

  it('refuses a plugin the registry refuses', async () => {
    const bad = { ...plugin, apiVersion: PLUGIN_API_VERSION + 1 };
    await expect(runNode(bad, Scale, { inputs: { image: image() } })).rejects.toMatchObject({ code: 'PLUGIN_INVALID', message: expect.stringContaining('plugin API') });
  });
});
