/**
 * The projector against its independent PyTorch peer (tools/inversion/projector.py, float64
 * autograd; fixture in src/testing): one step's loss, distances and gradients w.r.t. W+ and
 * every noise map, and a six-step Adam + schedule + renormalization trajectory. Tolerances:
 * 1e-4 relative to the largest value (float32 graph vs float64 reference).
 */
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { tensor, type Tensor } from '@stylegraph/core';
import { loadModel, readSafetensors, type LoadedModel } from '@stylegraph/ops-gpu';
import { createNodeCompute, folderSource } from '@stylegraph/ops-gpu/node';
import { buildProjectionGraph } from './loss-graph.js';
import { project } from './project.js';
import { NVIDIA_SCHEDULE } from './schedule.js';

const root = (p: string) => fileURLToPath(new URL(`../../../../../${p}`, import.meta.url));
const WEIGHTS = { pixel: 1, multiscale: 0.5, perceptual: 0, noiseReg: 1e5 };

function relErr(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let err = 0;
  let scale = 1e-12;
  for (let i = 0; i < b.length; i++) {
    err = Math.max(err, Math.abs(a[i]! - b[i]!));
    scale = Math.max(scale, Math.abs(b[i]!));
  }
  return err / scale;
}

describe('projector against the PyTorch peer', () => {
  let model: LoadedModel;
  let fx: Map<string, Tensor<'float32'>>;
  const at = (k: string) => {
    const t = fx.get(k);
    if (!t) throw new Error(`fixture has no ${k}`);
    return t;
  };
  const layers = () => [...fx.keys()].filter((k) => k.startsWith('noise.')).map((k) => k.slice('noise.'.length));

  beforeAll(async () => {
    model = await loadModel(folderSource(root('models/faces64')));
    const bytes = new Uint8Array(await readFile(root('packages/plugins/inversion/src/testing/projector-fixture.safetensors')));
    fx = readSafetensors(bytes).tensors as Map<string, Tensor<'float32'>>;
  });

  it('one step: loss, distances and gradients w.r.t. W+ and each noise map', async () => {
    const compute = createNodeCompute({ backend: 'cpu' });
    const s = await compute.session(buildProjectionGraph(model.generator, model.weights.generator, WEIGHTS).toModel());
    const feeds: Record<string, Tensor> = { ws: at('ws'), target: at('target'), noise_scale: tensor('float32', [layers().length], new Float32Array(layers().length).fill(1)) };
    for (const l of layers()) feeds[`noise.${l}`] = at(`noise.${l}`);
    const out = await s.run(feeds);
    expect(relErr(out.loss!.data as Float32Array, at('loss').data)).toBeLessThan(1e-4);
    expect(relErr(out.distance!.data as Float32Array, at('distance').data)).toBeLessThan(1e-4);
    expect(relErr(out.pixel!.data as Float32Array, at('pixel').data)).toBeLessThan(1e-4);
    expect(relErr(out['grad:ws']!.data as Float32Array, at('grad_ws').data)).toBeLessThan(1e-4);
    for (const l of layers()) expect(relErr(out[`grad:noise.${l}`]!.data as Float32Array, at(`grad_noise.${l}`).data), l).toBeLessThan(1e-4);
  });

  it('six steps of Adam with the schedule (20 steps, w noise off) follow the same path', async () => {
    const compute = createNodeCompute({ backend: 'cpu' });
    const ws = at('ws');
    const B = ws.dims[0]!;
    const seen: Float32Array[] = [];
    await project(model, compute, at('target'), {
      space: 'W+',
      steps: 20,
      schedule: { ...NVIDIA_SCHEDULE, noiseFactor: 0 },
      weights: WEIGHTS,
      stats: { avg: new Float32Array(model.generator.wDim), std: 1 },
      seed: 0,
      init: ws.data,
      initNoise: Object.fromEntries(layers().map((l) => [l, at(`noise.${l}`).data])),
      onStep: (s) => void seen.push(s.ws.slice()),
      shouldStop: () => seen.length > 6,
    });
    expect(seen.length).toBeGreaterThanOrEqual(7);
    for (let i = 0; i < 7; i++) expect(relErr(seen[i]!, at(`trace.${i}.w`).data), `step ${i}`).toBeLessThan(1e-4);
    expect(B).toBe(2);
  });
});
