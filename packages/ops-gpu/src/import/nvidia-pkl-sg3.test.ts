/**
 * NVIDIA StyleGAN3 network pickles: the NVIDIA-structured fixtures (tools/pkl/make_sg3_pkl_fixtures.py,
 * with numpy attributes, fp16 layers and a StyleGAN2 discriminator) import to the fidelity
 * fixtures' weights and config and generate their reference images; hand-built trees show
 * which source each hyperparameter comes from and that a recorded attribute the
 * hyperparameters do not give is refused.
 */
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { Tensor } from '@stylegraph/core';
import { readSafetensors, writeSafetensors } from '../model/safetensors.js';
import { expectedGeneratorTensors } from '../model/state-dict.js';
import type { Sg3GeneratorConfig } from '../model/config.js';
import { createNodeCompute } from '../compute/node.js';
import { StyleGAN2 } from '../stylegan/generator.js';
import { readCheckpoint } from './checkpoint.js';
import { CheckpointError, readNvidiaPickle } from './nvidia-pkl.js';
import { at, networkPickle, treeOf, type Attr } from '../testing/network-pickle.js';

const fixtures = fileURLToPath(new URL('../../fixtures/', import.meta.url));
const bytesOf = async (path: string) => new Uint8Array(await readFile(`${fixtures}${path}`));
const tensorsOf = async (path: string) => readSafetensors(await bytesOf(path)).tensors as Map<string, Tensor<'float32'>>;
/** `v` with every fractional number matched to 12 decimals (NumPy's and V8's pow may differ in the last bit). */
const approx = (v: unknown): unknown =>
  typeof v === 'number' && !Number.isInteger(v) ? expect.closeTo(v, 12)
  : Array.isArray(v) ? v.map(approx)
  : v && typeof v === 'object' ? Object.fromEntries(Object.entries(v).map(([k, x]) => [k, approx(x)]))
  : v;
const configOf = async (name: string) => JSON.parse(await readFile(`${fixtures}${name}/config.json`, 'utf8')) as { generator: Sg3GeneratorConfig };

describe.each(['sg3t', 'sg3r'])('NVIDIA StyleGAN3 pickle %s', (name) => {
  it('imports the weights bit for bit and the config as NVIDIA derives it', async () => {
    const model = await readCheckpoint(await bytesOf(`pkl/${name}.pkl`), `${name}.pkl`);
    expect(model.config.generator).toEqual(approx((await configOf(name)).generator));
    const want = await tensorsOf(`${name}/generator.safetensors`);
    expect([...model.weights.generator.keys()].sort()).toEqual([...want.keys()].sort());
    for (const [k, t] of want) expect(Array.from(model.weights.generator.get(k)!.data), k).toEqual(Array.from(t.data));
  });

  it('generates the reference images, with and without an input transform', async () => {
    const model = await readNvidiaPickle(await bytesOf(`pkl/${name}.pkl`), `${name}.pkl`);
    const cases = await tensorsOf(`${name}/cases.safetensors`);
    const sg = new StyleGAN2(model, createNodeCompute({ backend: 'cpu' }));
    const maxErr = (a: Tensor, b: Tensor) => {
      let m = 0;
      for (let i = 0; i < b.data.length; i++) m = Math.max(m, Math.abs(Number(a.data[i]) - Number(b.data[i])));
      return m;
    };
    expect(maxErr((await sg.synthesis(cases.get('ws')!)).img, cases.get('img')!)).toBeLessThanOrEqual(1e-4);
    expect(maxErr((await sg.synthesis(cases.get('ws')!, { transform: cases.get('transform')! })).img, cases.get('img_tf')!)).toBeLessThanOrEqual(1e-4);
  });
});

describe('the discriminator of a StyleGAN3 snapshot (StyleGAN2\'s)', () => {
  it('imports with its config', async () => {
    const model = await readNvidiaPickle(await bytesOf('pkl/sg3r.pkl'), 'sg3r.pkl');
    expect(model.config.discriminator).toEqual(JSON.parse(await readFile(`${fixtures}pkl/sg3r.discriminator.json`, 'utf8')));
    const want = await tensorsOf('pkl/sg3r.discriminator.safetensors');
    expect([...model.weights.discriminator!.keys()].sort()).toEqual([...want.keys()].sort());
    for (const [k, t] of want) expect(Array.from(model.weights.discriminator!.get(k)!.data), k).toEqual(Array.from(t.data));
  });
});

describe('StyleGAN3 hyperparameters from hand-built trees', async () => {
  const sg3t = (await configOf('sg3t')).generator;
  const flat = { channel_base: 128, channel_max: 8, num_layers: 6, conv_clamp: 256 };
  const tree = (kwargs: { [k: string]: Attr }, g: Sg3GeneratorConfig = sg3t) => {
    const t = treeOf('training.networks_stylegan3.Generator', expectedGeneratorTensors(g));
    t.kwargs = { z_dim: g.zDim, c_dim: g.cDim, w_dim: g.wDim, img_resolution: g.resolution, img_channels: g.imgChannels, ...kwargs };
    return t;
  };
  const read = (t: ReturnType<typeof tree>) => readNvidiaPickle(networkPickle({ G_ema: t }), 'net.pkl');

  it('takes them from the flat init kwargs, NVIDIA\'s defaults filling the rest', async () => {
    expect((await read(tree(flat))).config.generator).toEqual(approx(sg3t));
  });

  it('prefers what the synthesis network recorded over the generator\'s kwargs', async () => {
    const t = tree({ ...flat, num_layers: 14 });
    at(t, 'synthesis').attrs.num_layers = 6;
    expect((await read(t)).config.generator.numWs).toBe(8);
  });

  it('reads use_radial_filters as StyleGAN3-R', async () => {
    const r = (await configOf('sg3r')).generator;
    const t = tree({ channel_base: 256, channel_max: 8, num_layers: 6, conv_kernel: 1, use_radial_filters: true }, r);
    expect((await read(t)).config.generator).toEqual(approx(r));
  });

  it('refuses a layer whose recorded geometry the hyperparameters do not give, naming it', async () => {
    const t = tree(flat);
    const layer = sg3t.layers[2]!;
    at(t, `synthesis.${layer.name}`).attrs.in_cutoff = layer.inCutoff * 1.01;
    await expect(read(t)).rejects.toThrow(new RegExp(`^synthesis\\.${layer.name}\\.in_cutoff is ${layer.inCutoff * 1.01}, but the network's recorded hyperparameters give 3\\.36358566101485`));
    await expect(read(t)).rejects.toBeInstanceOf(CheckpointError);
    const u = tree(flat);
    at(u, `synthesis.${layer.name}`).attrs.padding = [1, 2, 3, 4];
    await expect(read(u)).rejects.toThrow(/padding is \[1, 2, 3, 4\]/);
  });

  it('refuses hyperparameters that give other layers than the file holds', async () => {
    await expect(read(tree({ ...flat, margin_size: 8 }))).rejects.toThrow(/^synthesis has layers L0_36_8, .* but its recorded hyperparameters give L0_32_8, L1_32_8, L2_48_8/);
    await expect(read(tree({ ...flat, num_layers: 6, num_critical: 6 }))).rejects.toThrow(/StyleGAN3 hyperparameters are not usable: .*numCritical/);
  });

  it('refuses a StyleGAN3 state dict without the pickle\'s hyperparameters', async () => {
    const weights = await tensorsOf('sg3t/generator.safetensors');
    await expect(readCheckpoint(writeSafetensors(weights), 'g.safetensors')).rejects.toThrow(/StyleGAN3 state dict does not record the network's hyperparameters/);
  });
});
