import { tensor, type Tensor } from '@stylegraph/core';
import { describe, expect, it } from 'vitest';
import { buildGradient } from '../grad/build.js';
import { GraphBuilder } from '../onnx/builder.js';
import { Rng } from '../onnx/testing/rng.js';
import { nodeBackend } from './node.js';

// Opt-in: needs a Vulkan driver. With Debian's chromium package installed, run with
// STYLEGRAPH_TEST_WEBGPU=1 LD_LIBRARY_PATH=/usr/lib/chromium VK_ICD_FILENAMES=/usr/lib/chromium/vk_swiftshader_icd.json
const enabled = process.env['STYLEGRAPH_TEST_WEBGPU'] === '1';

/** up ×2 (transposed conv) → lrelu → clamp → loss, and its gradient with respect to x. */
function gradModel(): Uint8Array {
  const r = new Rng(11);
  const g = new GraphBuilder();
  const x = g.input('x', 'float32', ['B', 4, 8, 8]);
  const w = g.initializer('w', tensor('float32', [4, 3, 3, 3], r.floats(108)));
  const y = g.output('y', g.clip(g.leakyRelu(g.convTranspose(x, w, undefined, { strides: [2, 2] }), 0.2), { min: -2, max: 2 }));
  return buildGradient(g, g.reduceMean(g.mul(y, y), undefined, false), ['x'], { keepOutputs: true }).toModel();
}

const close = (a: Tensor | undefined, b: Tensor | undefined) => {
  const p = a?.data as Float32Array;
  const q = b?.data as Float32Array;
  expect(p.length).toBe(q.length);
  const worst = p.reduce((m, v, i) => Math.max(m, Math.abs(v - (q[i] as number))), 0);
  const scale = q.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
  expect(worst).toBeLessThan(1e-4 * Math.max(1, scale));
};

describe.runIf(enabled)('webgpu backend (onnxruntime-node, Dawn)', () => {
  const nodeBackends = { cpu: nodeBackend('cpu'), webgpu: nodeBackend('webgpu') };
  it('is available', async () => {
    expect(await nodeBackends.webgpu.available()).toBe(true);
  });

  it('matches cpu on a forward + gradient model', async () => {
    const m = gradModel();
    const feeds = { x: tensor('float32', [2, 4, 8, 8], new Rng(12).floats(512)) };
    const gpu = await nodeBackends.webgpu.createSession(m);
    const cpu = await nodeBackends.cpu.createSession(m);
    const [a, b] = [await gpu.run(feeds), await cpu.run(feeds)];
    for (const k of ['y', 'loss', 'grad:x']) close(a[k], b[k]);
    await gpu.release();
    await cpu.release();
  });

  it('keeps outputs in GPU buffers and feeds them to the next session', async () => {
    const g1 = new GraphBuilder();
    g1.output('y', g1.mul(g1.input('x', 'float32', [4]), 3));
    const g2 = new GraphBuilder();
    g2.output('z', g2.add(g2.input('y', 'float32', [4]), 1));
    const s1 = await nodeBackends.webgpu.createSession(g1.toModel(), { keepOutputsOnDevice: true });
    const s2 = await nodeBackends.webgpu.createSession(g2.toModel(), { keepOutputsOnDevice: true });
    const y = (await s1.runOnDevice({ x: tensor('float32', [4], Float32Array.of(1, 2, 3, 4)) }))['y'];
    expect(y?.location).toBe('gpu-buffer');
    const z = (await s2.runOnDevice({ y: y as NonNullable<typeof y> }))['z'];
    expect(z?.location).toBe('gpu-buffer');
    expect([...((await z?.download())?.data as Float32Array)]).toEqual([4, 7, 10, 13]);
    // A GPU buffer fed to a cpu session is brought to the host first.
    const cpu = await nodeBackends.cpu.createSession(g2.toModel());
    expect([...((await cpu.run({ y: y as NonNullable<typeof y> }))['z']?.data as Float32Array)]).toEqual([4, 7, 10, 13]);
    await cpu.release();
    // run() on a device-keeping session still returns host tensors.
    expect([...((await s1.run({ x: tensor('float32', [4], Float32Array.of(1, 1, 1, 1)) }))['y']?.data as Float32Array)]).toEqual([3, 3, 3, 3]);
    y?.dispose();
    z?.dispose();
    await s1.release();
    await s2.release();
  });
});
