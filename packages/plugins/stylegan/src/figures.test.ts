/** The nodes behind the papers' figures: pairs mixing, truncation sweeps, repeats and noise layer selection. */
import { describe, expect, it } from 'vitest';
import { fileURLToPath } from 'node:url';
import { randn, tensor, type Tensor } from '@stylegraph/core';
import { layerLayout, loadModel } from '@stylegraph/ops-gpu';
import { folderSource } from '@stylegraph/ops-gpu/node';
import { generatorValue, noiseLayerSet, psiValues, styleganPlugin } from './index.js';

const node = (type: string) => styleganPlugin.nodes.find((n) => n.type === type)!;
const call = async (type: string, inputs: object, params: object, ctx: object = {}) =>
  (await node(type).run({ inputs: inputs as never, params: params as never, ctx: ctx as never })) as Record<string, Tensor<'float32'>>;
/** B latents of numWs = 3, wDim = 1 whose values are 10·b + layer. */
const ws = (B: number) => tensor('float32', [B, 3, 1], Float32Array.from({ length: B * 3 }, (_, i) => 10 * Math.floor(i / 3) + (i % 3)));

describe('figure nodes', () => {
  it('StyleMix pairs mode mixes row i with column i, or every row with one column, and chains', async () => {
    const { w } = await call('stylegan/StyleMix', { rows: ws(2), cols: ws(2) }, { layers: '0', mode: 'pairs' });
    expect(Array.from(w!.data)).toEqual([0, 1, 2, 10, 11, 12]);
    const cols = tensor('float32', [1, 3, 1], Float32Array.from([-1, -2, -3]));
    const { w: one } = await call('stylegan/StyleMix', { rows: ws(2), cols }, { layers: '2', mode: 'pairs' });
    expect(Array.from(one!.data)).toEqual([0, 1, -3, 10, 11, -3]);
    const { w: chained } = await call('stylegan/StyleMix', { rows: one, cols }, { layers: '0', mode: 'pairs' });
    expect(Array.from(chained!.data)).toEqual([-1, 1, -3, -1, 11, -3]);
    await expect(call('stylegan/StyleMix', { rows: ws(2), cols: ws(3) }, { layers: '0', mode: 'pairs' })).rejects.toThrow(/2 rows, 3 columns/);
    const { w: grid } = await call('stylegan/StyleMix', { rows: ws(2), cols: ws(3) }, { layers: '0', mode: 'grid' });
    expect(grid!.dims).toEqual([6, 3, 1]);
  });

  it('TruncationSweep gives each latent a row of ψ from → to, each equal to Truncation at that ψ', async () => {
    expect(psiValues(-1, 1, 5)).toEqual([-1, -0.5, 0, 0.5, 1]);
    expect(psiValues(0.7, 1, 1)).toEqual([0.7]);
    const model = await loadModel(folderSource(fileURLToPath(new URL('../../../ops-gpu/fixtures/cfg512', import.meta.url))));
    const generator = generatorValue(model);
    const numWs = model.config.generator.numWs;
    const w = tensor('float32', [2, numWs, 512], Float32Array.from(randn(5, 2 * numWs * 512)));
    const ctx = {}; // truncation needs no compute
    const { w: sweep } = await call('stylegan/TruncationSweep', { generator, w }, { from: -1, to: 1, steps: 3, cutoff: 2 }, ctx);
    expect(sweep!.dims).toEqual([6, numWs, 512]);
    const size = numWs * 512;
    for (const [row, b, psi] of [[0, 0, -1], [1, 0, 0], [2, 0, 1], [3, 1, -1], [5, 1, 1]] as const) {
      const one = tensor('float32', [1, numWs, 512], w.data.slice(b * size, (b + 1) * size));
      const { w: ref } = await call('stylegan/Truncation', { generator, w: one }, { psi, cutoff: 2 }, ctx);
      expect(Array.from(sweep!.data.subarray(row * size, (row + 1) * size))).toEqual(Array.from(ref!.data));
    }
    await expect(call('stylegan/TruncationSweep', { generator, w }, { from: -1, to: 1, steps: 3, cutoff: 99 }, ctx)).rejects.toThrow(/cutoff 99/);
  });

  it('RepeatW repeats each latent count times in a row', async () => {
    const { w } = await call('stylegan/RepeatW', { w: ws(2) }, { count: 2 });
    expect(Array.from(w!.data)).toEqual([0, 1, 2, 0, 1, 2, 10, 11, 12, 10, 11, 12]);
  });

  it('Noise layers select conv layers by index or resolution preset', () => {
    // A 64 px generator's conv layers: 4, 8, 8, 16, 16, 32, 32, 64, 64 px.
    const res = layerLayout({ resolution: 64 });
    expect([...noiseLayerSet('coarse', res)]).toEqual([0, 1, 2]);
    expect([...noiseLayerSet('middle', res)]).toEqual([3, 4, 5, 6]);
    expect([...noiseLayerSet('fine', res)]).toEqual([7, 8]);
    expect([...noiseLayerSet('0-1,8', res)]).toEqual([0, 1, 8]);
    expect(() => noiseLayerSet('0-9', res)).toThrow(/beyond this generator’s 9 conv layers/);
    expect(() => noiseLayerSet('x', res)).toThrow(/not a layer range/);
    expect([...noiseLayerSet('fine', layerLayout({ resolution: 32 }))]).toEqual([]);
  });
});
