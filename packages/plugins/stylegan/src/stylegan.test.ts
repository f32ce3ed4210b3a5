import { readFile, stat } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { RandomState, Registry, checkGraph, execute, randn, tensor, writeNpy, type FileAccess, type Tensor } from '@stylegraph/core';
import { StyleGAN2, loadModel, truncate, type LoadedModel } from '@stylegraph/ops-gpu';
import { createNodeCompute, folderSource } from '@stylegraph/ops-gpu/node';
import { styleganPlugin, mixLayers } from './index.js';

const root = fileURLToPath(new URL('../../../ops-gpu/fixtures/', import.meta.url));
const files: FileAccess = {
  read: async (p) => new Uint8Array(await readFile(root + p)),
  exists: (p) => stat(root + p).then(() => true, () => false),
  write: async () => {
    throw new Error('no writes');
  },
};
const registry = new Registry([styleganPlugin]);
const compute = createNodeCompute({ backend: 'cpu' });
let model: LoadedModel;

async function run(nodes: Record<string, unknown>, edges: [string, string][], targets: string[]) {
  const doc = { format: 'stylegraph.graph', formatVersion: 1, plugins: { '@stylegraph/plugin-stylegan': '^0.1.0' }, nodes, edges: edges.map(([from, to]) => ({ from, to })) };
  const checked = checkGraph(doc, registry);
  expect(checked.diagnostics).toEqual([]);
  const s = await execute(checked.graph!, { files, services: { compute }, targets });
  for (const [id, r] of Object.entries(s.nodes)) expect(r.error, id).toBeUndefined();
  return s.outputs;
}

const pipeline = (extra: Record<string, unknown> = {}) => ({
  g: { type: 'stylegan/LoadGenerator', version: 1, params: { path: 'cfg512' } },
  z: { type: 'stylegan/SeedLatents', version: 1, params: { seeds: '0,6600' } },
  m: { type: 'stylegan/Mapping', version: 1 },
  t: { type: 'stylegan/Truncation', version: 1, params: { psi: 0.5 } },
  s: { type: 'stylegan/Synthesis', version: 1, params: { batchSize: 1 } },
  ...extra,
});
const wires: [string, string][] = [
  ['g.generator', 'z.generator'],
  ['g.generator', 'm.generator'],
  ['z.z', 'm.z'],
  ['g.generator', 't.generator'],
  ['m.w', 't.w'],
  ['g.generator', 's.generator'],
  ['t.w', 's.w'],
];

beforeAll(async () => {
  model = await loadModel(folderSource(`${root}cfg512`));
});

describe('@stylegraph/plugin-stylegan', () => {
  it('seeds → mapping → truncation → synthesis equals the networks called directly', async () => {
    const out = await run(pipeline(), wires, ['z', 't', 's']);
    const z = out['z.z'] as Tensor<'float32'>;
    expect(Array.from(z.data.subarray(512))).toEqual(Array.from(Float32Array.from(randn(6600, 512))));
    const sg = new StyleGAN2(model, compute);
    const w = truncate(await sg.mapping(z), sg.wAvg, 0.5);
    expect(Array.from((out['t.w'] as Tensor<'float32'>).data)).toEqual(Array.from(w.data));
    const { img } = await sg.synthesis(w, { noise: 'const' });
    expect((out['s.image'] as Tensor).dims).toEqual([2, 3, 16, 16]);
    expect(Array.from((out['s.image'] as Tensor<'float32'>).data)).toEqual(Array.from(img.data));
  });

  it('random noise does not depend on the batch size, and strength 0 equals mode none', async () => {
    const noisy = (batchSize: number, mode: string, strength = 1) =>
      run(
        pipeline({ s: { type: 'stylegan/Synthesis', version: 1, params: { batchSize } }, n: { type: 'stylegan/Noise', version: 1, params: { mode, seed: 3, strength } } }),
        [...wires, ['g.generator', 'n.generator'], ['n.noise', 's.noise']],
        ['s'],
      ).then((o) => Array.from((o['s.image'] as Tensor<'float32'>).data));
    const a = await noisy(1, 'random');
    expect(await noisy(2, 'random')).toEqual(a);
    expect(await noisy(2, 'random', 0)).toEqual(await noisy(2, 'none'));
    expect(await noisy(2, 'none')).not.toEqual(a);
  });

  it('style mixing takes the chosen layers from the column latent', async () => {
    expect(mixLayers('coarse', 10)).toEqual([0, 1, 2, 3]);
    expect(mixLayers('fine', 10)).toEqual([8, 9]);
    expect(mixLayers('0-2,5', 6)).toEqual([0, 1, 2, 5]);
    expect(() => mixLayers('0-9', 6)).toThrow(/beyond this generator’s 6 ws/);
    expect(mixLayers('middle', 6)).toEqual([4, 5]);
    expect(() => mixLayers('fine', 6)).toThrow(/6 ws have no fine layers/);
    const out = await run(
      pipeline({
        z2: { type: 'stylegan/SeedLatents', version: 1, params: { seeds: '1-3' } },
        m2: { type: 'stylegan/Mapping', version: 1 },
        mix: { type: 'stylegan/StyleMix', version: 1, params: { layers: '0-1' } },
      }),
      [...wires, ['g.generator', 'z2.generator'], ['g.generator', 'm2.generator'], ['z2.z', 'm2.z'], ['m.w', 'mix.rows'], ['m2.w', 'mix.cols']],
      ['m', 'm2', 'mix'],
    );
    const rows = out['m.w'] as Tensor<'float32'>;
    const cols = out['m2.w'] as Tensor<'float32'>;
    const mix = out['mix.w'] as Tensor<'float32'>;
    expect(mix.dims).toEqual([6, 6, 512]);
    const row = (t: Tensor<'float32'>, b: number, l: number) => Array.from(t.data.subarray((b * 6 + l) * 512, (b * 6 + l + 1) * 512));
    // Image (row 1, col 2): layers 0–1 from col 2, layers 2–5 from row 1.
    expect(row(mix, 1 * 3 + 2, 0)).toEqual(row(cols, 2, 0));
    expect(row(mix, 1 * 3 + 2, 1)).toEqual(row(cols, 2, 1));
    expect(row(mix, 1 * 3 + 2, 2)).toEqual(row(rows, 1, 2));
  });

  it('loads an NVIDIA pickle directly and fails clearly on a broken model', async () => {
    const out = await run({ g: { type: 'stylegan/LoadGenerator', version: 1, params: { path: 'pkl/a32.pkl' } } }, [], ['g']);
    expect((out['g.generator'] as { dims: unknown }).dims).toEqual({ zDim: 16, cDim: 0, wDim: 16, numWs: 8, C: 3, res: 32 });
    const doc = { format: 'stylegraph.graph', formatVersion: 1, plugins: { '@stylegraph/plugin-stylegan': '^0.1.0' }, nodes: { g: { type: 'stylegan/LoadGenerator', version: 1, params: { path: 'pkl/evil-eval.pkl' } } }, edges: [] };
    const s = await execute(checkGraph(doc, registry).graph!, { files, services: { compute } });
    expect(s.nodes.g).toMatchObject({ status: 'failed', error: { code: 'MODEL_INVALID', message: expect.stringContaining('refusing to load global builtins.eval') } });
  });

  it('refuses a truncation cutoff beyond numWs and a missing class', async () => {
    const doc = { format: 'stylegraph.graph', formatVersion: 1, plugins: { '@stylegraph/plugin-stylegan': '^0.1.0' }, nodes: pipeline({ t: { type: 'stylegan/Truncation', version: 1, params: { cutoff: 99 } } }), edges: wires.map(([from, to]) => ({ from, to })) };
    const s = await execute(checkGraph(doc, registry).graph!, { files, services: { compute } });
    expect(s.nodes.t).toMatchObject({ status: 'failed', error: { code: 'CUTOFF_OUT_OF_RANGE' } });
    const small = { ...pipeline(), g: { type: 'stylegan/LoadGenerator', version: 1, params: { path: 'small' } } };
    const d2 = { ...doc, nodes: small };
    const s2 = await execute(checkGraph(d2, registry).graph!, { files, services: { compute } });
    expect(s2.nodes.m).toMatchObject({ status: 'failed', error: { code: 'CLASS_MISSING' } });
  });
});

describe('latent nodes', () => {
  const node = (type: string) => styleganPlugin.nodes.find((n) => n.type === type)!;
  const call = async (type: string, inputs: object, params: object, ctx: object = {}) =>
    (await node(type).run({ inputs: inputs as never, params: params as never, ctx: ctx as never })) as Record<string, Tensor<'float32'>>;

  it('Interpolate hits every key exactly and lerps between; InterpolateZ keeps the norm of equal-norm keys', async () => {
    const keys = tensor('float32', [3, 1, 2], Float32Array.from([0, 0, 4, 8, 0, -8]));
    const { w } = await call('stylegan/Interpolate', { w: keys }, { steps: 4 });
    expect(w!.dims).toEqual([9, 1, 2]);
    expect(Array.from(w!.data.subarray(0, 2))).toEqual([0, 0]);
    expect(Array.from(w!.data.subarray(8, 10))).toEqual([4, 8]);
    expect(Array.from(w!.data.subarray(16, 18))).toEqual([0, -8]);
    expect(Array.from(w!.data.subarray(2, 4))).toEqual([1, 2]);
    const zk = tensor('float32', [2, 2], Float32Array.from([1, 0, 0, 1]));
    const { z } = await call('stylegan/InterpolateZ', { z: zk }, { steps: 2 });
    expect(Math.hypot(z!.data[2]!, z!.data[3]!)).toBeCloseTo(1, 6);
    expect(z!.data[2]).toBeCloseTo(Math.SQRT1_2, 6);
  });

  it('LatentEdit adds α·n from a .npy direction, per α and only on chosen layers', async () => {
    const dir = writeNpy(tensor('float32', [2], Float32Array.from([1, -1])));
    const ctx = { files: { read: async () => dir } };
    const w = tensor('float32', [1, 3, 2], new Float32Array(6));
    const { w: out } = await call('stylegan/LatentEdit', { w }, { direction: 'n.npy', alphas: [2, -1], layers: '1-2' }, ctx);
    expect(out!.dims).toEqual([2, 3, 2]);
    expect(Array.from(out!.data)).toEqual([0, 0, 2, -2, 2, -2, 0, 0, -1, 1, -1, 1]);
    const bad = { files: { read: async () => writeNpy(tensor('float32', [3], new Float32Array(3))) } };
    await expect(call('stylegan/LatentEdit', { w }, { direction: 'n.npy', alphas: [1] }, bad)).rejects.toThrow(/needs \[2\] or \[3, 2\]/);
  });

  it('MeanW is the mean of mapping over NumPy-exact z samples', async () => {
    const gen = (await run({ g: { type: 'stylegan/LoadGenerator', version: 1, params: { path: 'cfg512' } } }, [], ['g']))['g.generator'];
    const { w } = await call('stylegan/MeanW', { generator: gen }, { samples: 5, seed: 9 }, { services: { compute }, random: (s: number) => new RandomState(s), throwIfAborted: () => {}, progress: () => {} });
    const ws = await new StyleGAN2(model, compute).mapping(tensor('float32', [5, 512], Float32Array.from(randn(9, 5 * 512))));
    const k = 17;
    const mean = [0, 1, 2, 3, 4].reduce((acc, i) => acc + ws.data[i * 6 * 512 + k]!, 0) / 5;
    expect(w!.dims).toEqual([1, 6, 512]);
    expect(w!.data[k]).toBeCloseTo(mean, 5);
    expect(w!.data[5 * 512 + k]).toBe(w!.data[k]);
  });
});

describe('LoadW', () => {
  const fixture = fileURLToPath(new URL('../fixtures/', import.meta.url));
  const loadW = styleganPlugin.nodes.find((n) => n.type === 'stylegan/LoadW')!;
  const call = async (path: string, key = 'w', numWs = 6) => {
    const gen = { kind: 'generator', id: 'x', dims: { zDim: 512, cDim: 0, wDim: 512, numWs, C: 3, res: 16 } };
    const ctx = { files: { read: async (p: string) => new Uint8Array(await readFile(fixture + p)) } };
    return (await loadW.run({ inputs: { generator: gen } as never, params: { path, key } as never, ctx: ctx as never })) as { w: Tensor<'float32'> };
  };

  it('reads NVIDIA’s projected_w.npz and plain .npy files', async () => {
    const a = await call('projected_w.npz');
    const b = await call('w2.npy');
    expect(a.w.dims).toEqual([1, 6, 512]);
    expect(Array.from(b.w.data)).toEqual(Array.from(a.w.data));
    // np.random.RandomState(5).randn(1, 6, 512)[0, 0, 0] as float32
    expect(a.w.data[0]).toBe(Math.fround(0.44122748688504143));
    await expect(call('projected_w.npz', 'latent')).rejects.toThrow('has no array "latent" (arrays: w)');
    await expect(call('w2.npy', 'w', 8)).rejects.toThrow('w2.npy holds float32 [6, 512]; this generator needs float [B, 8, 512] or [8, 512]');
  });
});
