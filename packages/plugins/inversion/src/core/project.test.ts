/**
 * The projection loop's own rules on a small random generator (16 px), fast: W shares one w
 * across the layers; W→W+ runs ⌈n/2⌉ steps in W then ⌊n/2⌋ in W+; an init in W starts at the
 * mean of its rows; targets in a batch are optimized independently; the outputs are the best
 * step's; the stop rules say why they stopped; bad starts are refused.
 */
import { describe, expect, it } from 'vitest';
import { RandomState, tensor, type Tensor } from '@stylegraph/core';
import { noiseLayers, randomWeights, standardConfig, StyleGAN2, type StyleGANModel } from '@stylegraph/ops-gpu';
import { createNodeCompute } from '@stylegraph/ops-gpu/node';
import { project, type ProjectOptions } from './project.js';
import { NVIDIA_SCHEDULE } from './schedule.js';

const config = standardConfig({ resolution: 16, zDim: 8, wDim: 8, mappingLayers: 2, channelBase: 64, channelMax: 16, convClamp: 256, discriminator: false });
const model: StyleGANModel = { generator: config.generator, weights: randomWeights(config, 3), contentHash: 'project-test-16px' };
const compute = createNodeCompute({ backend: 'cpu' });
const { numWs, wDim } = config.generator;
const stats = { avg: new Float32Array(wDim), std: 1 };
const layers = noiseLayers(config.generator);

async function targets(n: number): Promise<Tensor<'float32'>> {
  const sg = new StyleGAN2(model, compute);
  const ws = tensor('float32', [n, numWs, wDim], Float32Array.from(new RandomState(4).randn(n * numWs * wDim), (v) => v * 0.5));
  return (await sg.synthesis(ws, { noise: 'random', noiseSeed: 1 })).img;
}
const maps = (n: number, seed: number) => Object.fromEntries(layers.map((l) => [l.name, Float32Array.from(new RandomState(seed).randn(n * l.res * l.res))]));
const base = (o: Partial<ProjectOptions>): ProjectOptions => ({ space: 'W+', steps: 12, schedule: { ...NVIDIA_SCHEDULE, noiseFactor: 0 }, weights: { pixel: 1, multiscale: 0.5, perceptual: 0, noiseReg: 1e3 }, stats, seed: 0, ...o });
const row = (ws: Float32Array, b: number, i: number) => Array.from(ws.subarray((b * numWs + i) * wDim, (b * numWs + i + 1) * wDim));

describe('the projection loop', () => {
  it('W shares one w across every layer; W→W+ splits the steps and frees the rows', async () => {
    const t = await targets(1);
    const w = await project(model, compute, t, base({ space: 'W', schedule: NVIDIA_SCHEDULE }));
    for (let i = 1; i < numWs; i++) expect(row(w.ws, 0, i)).toEqual(row(w.ws, 0, 0));
    const seen: Float32Array[] = [];
    const mixed = await project(model, compute, t, base({ space: 'W→W+', steps: 11, onStep: (s) => void seen.push(s.ws.slice()) }));
    expect(mixed.steps).toBe(11);
    const differ = (ws: Float32Array) => row(ws, 0, 1).some((v, d) => v !== row(ws, 0, 0)[d]);
    expect(seen.slice(0, 6).some(differ)).toBe(false); // ⌈11/2⌉ = 6 steps in W
    expect(differ(seen.at(-1)!)).toBe(true);
    expect(mixed.curve.map((c) => c.step)).toEqual([...Array(11).keys()]);
  });

  it('an init starts W+ at itself and W at the mean of its rows', async () => {
    const t = await targets(1);
    const init = Float32Array.from({ length: numWs * wDim }, (_, j) => Math.floor(j / wDim) - 2);
    let first: Float32Array | undefined;
    await project(model, compute, t, base({ space: 'W+', steps: 2, init, onStep: (s) => void (first ??= s.ws.slice()) }));
    expect(Array.from(first!)).toEqual(Array.from(init));
    first = undefined;
    await project(model, compute, t, base({ space: 'W', steps: 2, init, onStep: (s) => void (first ??= s.ws.slice()) }));
    const mean = (numWs - 1) / 2 - 2;
    for (const v of first!) expect(v).toBeCloseTo(mean, 6);
    await expect(project(model, compute, t, base({ init: new Float32Array(3) }))).rejects.toThrow(/init: expected \[1, \d+, 8\]/);
    await expect(project(model, compute, t, base({ initNoise: { [layers[0]!.name]: new Float32Array(1) } }))).rejects.toThrow(/initNoise/);
  });

  it('targets in a batch are optimized as if alone', async () => {
    const t = await targets(2);
    const both = await project(model, compute, t, base({ initNoise: maps(2, 8) }));
    const one = tensor('float32', [1, ...t.dims.slice(1)], t.data.slice(t.data.length / 2));
    const m2 = maps(2, 8);
    const second = Object.fromEntries(layers.map((l) => [l.name, m2[l.name]!.slice(l.res * l.res)]));
    const alone = await project(model, compute, one, base({ initNoise: second }));
    expect(Math.abs(both.psnr[1]! - alone.psnr[0]!)).toBeLessThan(1e-3);
    expect(both.bestStep[1]).toBe(alone.bestStep[0]);
  });

  it('returns the best step per target, and says why it stopped', async () => {
    const t = await targets(1);
    const r = await project(model, compute, t, base({ steps: 10, schedule: { ...NVIDIA_SCHEDULE, lr: 5, noiseFactor: 0 } }));
    const best = Math.max(...r.curve.map((c) => c.psnr));
    expect(r.psnr[0]).toBeCloseTo(best, 6);
    expect(r.curve[r.bestStep[0]!]!.psnr).toBeCloseTo(best, 6);
    expect(r.stopped).toBe('steps');
    const byPsnr = await project(model, compute, t, base({ stopPsnr: 0 }));
    expect([byPsnr.stopped, byPsnr.steps]).toEqual(['target', 1]);
    const byDistance = await project(model, compute, t, base({ stopDistance: 1e12 }));
    expect([byDistance.stopped, byDistance.steps]).toEqual(['target', 1]);
    let n = 0;
    const cancelled = await project(model, compute, t, base({ shouldStop: () => ++n > 3 }));
    expect([cancelled.stopped, cancelled.steps]).toEqual(['cancelled', 3]);
  });
});
