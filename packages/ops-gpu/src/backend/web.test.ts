import { tensor } from '@stylegraph/core';
import { describe, expect, it } from 'vitest';
import { buildGradient } from '../grad/build.js';
import { GraphBuilder } from '../onnx/builder.js';
import { Rng } from '../onnx/testing/rng.js';
import { createWebCompute } from '../compute/web.js';
import { nodeBackend } from './node.js';
import { webBackend } from './web.js';

// The browser entry's wasm backend also runs under Node, so it is checked against cpu here.
describe('onnxruntime-web backends', () => {
  it('wasm runs a conv gradient model and agrees with the Node cpu backend', async () => {
    const g = new GraphBuilder();
    const x = g.input('x', 'float32', ['B', 2, 6, 6]);
    const w = g.initializer('w', tensor('float32', [3, 2, 3, 3], new Rng(5).floats(54)));
    const y = g.leakyRelu(g.conv(x, w, undefined, { pads: [1, 1, 1, 1], strides: [2, 2] }), 0.2);
    const m = buildGradient(g, g.reduceSum(g.mul(y, y), undefined, false), ['x']).toModel();
    const feeds = { x: tensor('float32', [2, 2, 6, 6], new Rng(6).floats(144)) };
    const wasmBackend = webBackend('wasm');
    expect(await wasmBackend.available()).toBe(true);
    const [wasm, cpu] = [await wasmBackend.createSession(m), await nodeBackend('cpu').createSession(m)];
    const [a, b] = [await wasm.run(feeds), await cpu.run(feeds)];
    await wasm.release();
    await cpu.release();
    const p = a['grad:x']?.data as Float32Array;
    const q = b['grad:x']?.data as Float32Array;
    expect(p.length).toBe(144);
    expect(Math.max(...p.map((v, i) => Math.abs(v - (q[i] as number))))).toBeLessThan(1e-4);
  });

  it('reports webgpu as unavailable where there is no navigator.gpu, so auto picks wasm', async () => {
    if ((globalThis as { navigator?: { gpu?: unknown } }).navigator?.gpu) return;
    const compute = createWebCompute({ allowSoftwareAdapter: true });
    expect(compute.backendNames()).toEqual(['webgpu', 'wasm']);
    expect(await compute.getBackend('webgpu').available()).toMatch(/no WebGPU/);
    expect(await compute.cacheIdentity()).toBe('wasm/float32');
  });
});
