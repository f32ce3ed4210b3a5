import { tensor, type Tensor } from '@stylegraph/core';
import { afterAll, describe, expect, it } from 'vitest';
import { GraphBuilder } from '../onnx/builder.js';
import { Rng } from '../onnx/testing/rng.js';
import { createNodeCompute } from '../compute/node.js';
import { nodeBackend } from './node.js';
import { BackendUnavailableError } from './types.js';

/** y = relu(conv3×3(x)) on x [B, 3, 8, 8]; z = y · 2. */
function model(): Uint8Array {
  const g = new GraphBuilder();
  const x = g.input('x', 'float32', ['B', 3, 8, 8]);
  const w = g.initializer('w', tensor('float32', [4, 3, 3, 3], new Rng(3).floats(108)));
  const y = g.output('y', g.relu(g.conv(x, w, undefined, { pads: [1, 1, 1, 1] })));
  g.output('z', g.mul(y, 2));
  return g.toModel();
}

/** u = y + 1 on y [B, 4, 8, 8]. */
function nextModel(): Uint8Array {
  const g = new GraphBuilder();
  g.output('u', g.add(g.input('y', 'float32', ['B', 4, 8, 8]), 1));
  return g.toModel();
}

const x = tensor('float32', [2, 3, 8, 8], new Rng(4).floats(384));
const cpu = nodeBackend('cpu');

describe('cpu backend', () => {
  it('runs a model and returns the requested outputs as host tensors', async () => {
    const s = await cpu.createSession(model());
    expect(s.inputNames).toEqual(['x']);
    expect(s.outputNames).toEqual(['y', 'z']);
    const all = await s.run({ x });
    const onlyZ = await s.run({ x }, ['z']);
    expect(Object.keys(onlyZ)).toEqual(['z']);
    expect(onlyZ['z']?.dims).toEqual([2, 4, 8, 8]);
    const y = all['y']?.data as Float32Array;
    expect([...(onlyZ['z']?.data as Float32Array)]).toEqual([...y].map((v) => 2 * v));
    await expect(s.run({})).rejects.toThrow('missing inputs x');
    await expect(s.run({ x }, ['w'])).rejects.toThrow('unknown outputs w');
    await s.release();
  });

  it('passes device tensors from one session to the next', async () => {
    const a = await cpu.createSession(model());
    const b = await cpu.createSession(nextModel());
    const dev = await a.runOnDevice({ x }, ['y']);
    const y = dev['y'];
    expect(y?.kind).toBe('device-tensor');
    expect(y?.location).toBe('cpu');
    const out = await b.run({ y: y as NonNullable<typeof y> });
    const host = (await y?.download()) as Tensor;
    expect([...(out['u']?.data as Float32Array)]).toEqual([...(host.data as Float32Array)].map((v) => Math.fround(v + 1)));
    await a.release();
    await b.release();
  });
});

describe('node compute and auto', () => {
  const compute = createNodeCompute();
  afterAll(() => compute.clear());

  it('has cpu, webgpu, cuda and tensorrt; auto picks cuda when it works, else cpu', async () => {
    expect(compute.backendNames()).toEqual(['cpu', 'webgpu', 'cuda', 'tensorrt']);
    expect(compute.autoOrder).toEqual(['cuda', 'cpu']);
    const cudaOk = (await compute.getBackend('cuda').available()) === true;
    expect((await compute.resolve()).name).toBe(cudaOk ? 'cuda' : 'cpu');
    expect(await compute.cacheIdentity()).toBe(cudaOk ? 'cuda/float32' : 'cpu/float32');
    expect(() => compute.getBackend('tpu')).toThrow(/this compute has no backend of that name \(it has: cpu, webgpu, cuda, tensorrt\)/);
    await expect(compute.withBackend('tpu').resolve()).rejects.toBeInstanceOf(BackendUnavailableError);
  });

  it('explains a missing CUDA provider with the install step', async () => {
    const cuda = compute.getBackend('cuda');
    const reason = await cuda.available();
    if (reason === true) return; // a host with working CUDA has nothing to explain
    await expect(cuda.createSession(model())).rejects.toBeInstanceOf(BackendUnavailableError);
    await expect(cuda.createSession(model())).rejects.toThrow(/^backend "cuda" is not available: /);
    expect(reason).toMatch(/ONNXRUNTIME_NODE_INSTALL=cuda12 npm rebuild onnxruntime-node|CUDA provider failed to start/);
    await expect(compute.withBackend('cuda').resolve()).rejects.toThrow(/^backend "cuda" is not available: /);
    expect(await compute.withBackend('cuda').cacheIdentity()).toBe('cuda:unavailable/float32');
  });
});

describe('compute sessions', () => {
  const compute = createNodeCompute({ backend: 'cpu', sessionBytes: 2 * model().byteLength + nextModel().byteLength - 1 });
  afterAll(() => compute.clear());

  it('shares one session per (model, backend, options) and releases evicted ones', async () => {
    const m = model();
    const s1 = await compute.session(m);
    expect(await compute.session(Uint8Array.from(m))).toBe(s1); // same bytes, new array
    const s2 = await compute.session(m, { threads: 1 });
    expect(s2).not.toBe(s1);
    expect(compute.stats()).toMatchObject({ sessions: 2, sessionBytes: 2 * m.byteLength });
    await compute.session(nextModel()); // over the byte budget: evicts s1 (least recently used)
    expect(compute.stats().sessions).toBe(2);
    const s3 = await compute.session(m); // a fresh session; evicts s2
    expect(s3).not.toBe(s1);
    await s3.release(); // releasing a shared session evicts it
    expect(compute.stats().sessions).toBe(1);
    await expect(s3.run({ x })).rejects.toThrow();
    expect(Object.keys(await (await compute.session(m)).run({ x }))).toEqual(['y', 'z']);
  });
});
