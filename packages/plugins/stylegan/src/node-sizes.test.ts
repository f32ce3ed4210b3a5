// Every node states the sizes its params fix (batch counts, steps, repeats), so a run can be
// planned: statically where the seeds fix them, and exactly once the generator has loaded.
import { readFile, stat } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { Registry, bindOutputSizes, checkGraph, execute, isTensor, planMemory, tensor, writeNpy, type FileAccess, type RunSizes } from '@stylegraph/core';
import { createNodeCompute } from '@stylegraph/ops-gpu/node';
import { styleganPlugin } from './index.js';

const root = fileURLToPath(new URL('../../../ops-gpu/fixtures/', import.meta.url));
const direction = writeNpy(tensor('float32', [512], new Float32Array(512).fill(0.01)));
const files: FileAccess = {
  read: async (p) => (p === 'dir.npy' ? direction : new Uint8Array(await readFile(root + p))),
  exists: (p) => stat(root + p).then(() => true, () => false),
  write: async () => {
    throw new Error('no writes');
  },
};
const registry = new Registry([styleganPlugin]);
const node = (type: string, params: Record<string, unknown> = {}) => ({ type: `stylegan/${type}`, version: 1, params });

// 3 seeds; each node's batch follows from them.
const doc = {
  format: 'stylegraph.graph',
  formatVersion: 1,
  plugins: { '@stylegraph/plugin-stylegan': '^0.1.0' },
  nodes: {
    g: node('LoadGenerator', { path: 'cfg512' }),
    z: node('SeedLatents', { seeds: '0-2' }),
    m: node('Mapping'),
    t: node('Truncation'),
    sweep: node('TruncationSweep', { steps: 2 }), // 3 · 2 = 6
    rep: node('RepeatW', { count: 2 }), // 3 · 2 = 6
    mean: node('MeanW', { samples: 4 }), // 1
    grid: node('StyleMix', { layers: '0-1' }), // 3 rows × 6 cols = 18
    pairs: node('StyleMix', { layers: '0-1', mode: 'pairs' }), // 6 rows with one column = 6
    lerp: node('Interpolate', { steps: 3 }), // (3 − 1) · 3 + 1 = 7
    slerp: node('InterpolateZ', { steps: 2 }), // (3 − 1) · 2 + 1 = 5
    edit: node('LatentEdit', { direction: 'dir.npy', alphas: [1, 2] }), // 7 · 2 = 14
    s: node('Synthesis', { batchSize: 7 }), // 14 images
  },
  edges: [
    ['g.generator', 'z.generator'],
    ['g.generator', 'm.generator'],
    ['z.z', 'm.z'],
    ['g.generator', 't.generator'],
    ['m.w', 't.w'],
    ['g.generator', 'sweep.generator'],
    ['t.w', 'sweep.w'],
    ['t.w', 'rep.w'],
    ['g.generator', 'mean.generator'],
    ['t.w', 'grid.rows'],
    ['sweep.w', 'grid.cols'],
    ['rep.w', 'pairs.rows'],
    ['mean.w', 'pairs.cols'],
    ['t.w', 'lerp.w'],
    ['z.z', 'slerp.z'],
    ['lerp.w', 'edit.w'],
    ['g.generator', 's.generator'],
    ['edit.w', 's.w'],
  ].map(([from, to]) => ({ from, to })),
};
const batches = { z: 3, m: 3, t: 3, sweep: 6, rep: 6, mean: 1, grid: 18, pairs: 6, lerp: 7, slerp: 5, edit: 14, s: 14 };

const compute = createNodeCompute({ backend: 'cpu' });

describe('stylegan node sizes', () => {
  it('fix every batch at check time', () => {
    const r = checkGraph(doc, registry);
    expect(r.diagnostics).toEqual([]);
    const plan = planMemory(r.graph!);
    expect(Object.fromEntries(plan.outputs.map((p) => [p.node, p.dims![0]]))).toEqual(batches);
  });

  it('plan exactly what the nodes output once the generator is known', async () => {
    const g = checkGraph(doc, registry).graph!;
    const outputs = new Map<string, Readonly<Record<string, unknown>>>();
    const s = await execute(g, { files, services: { compute }, targets: Object.keys(batches), onOutputs: (id, o) => outputs.set(id, o) });
    expect(s.status).toBe('ok');
    const sizes: RunSizes = new Map();
    bindOutputSizes(g, 'g', outputs.get('g')!, sizes);
    const plan = planMemory(g, { sizes });
    expect(plan.unknownOutputs).toBe(0);
    for (const p of plan.outputs) {
      const v = outputs.get(p.node)![p.port];
      if (!isTensor(v)) throw new Error(`${p.node}.${p.port} is not a tensor`);
      expect([p.dims, p.bytes], p.node).toEqual([v.dims, v.data.byteLength]);
    }
  });
});
