import { tensor, type Tensor } from '@stylegraph/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GraphBuilder } from '../onnx/builder.js';
import { Rng } from '../onnx/testing/rng.js';
import { nodeBackends, registerNodeBackends } from './node.js';
import { backendNames, getBackend, resolveBackend } from './registry.js';
import { SessionCache } from './session-cache.js';
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

beforeAll(() => registerNodeBackends());

describe('cpu backend', () => {
  it('runs a model and returns the requested outputs as host tensors', async () => {
    const s = await nodeBackends.cpu.createSession(model());
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
    const a = await nodeBackends.cpu.createSession(model());
    const b = await nodeBackends.cpu.createSession(nextModel());
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

describe('registry and auto', () => {
  it('registers cpu, webgpu, cuda and tensorrt; auto picks cuda when it works, else cpu', async () => {
    expect(backendNames()).toEqual(expect.arrayContaining(['cpu', 'webgpu', 'cuda', 'tensorrt']));
    const cudaOk = (await nodeBackends.cuda.available()) === true;
    expect((await resolveBackend('auto')).name).toBe(cudaOk ? 'cuda' : 'cpu');
    expect(() => getBackend('tpu')).toThrow(/no backend of that name is registered \(registered: .*cpu/);
  });

  it('explains a missing CUDA provider with the install step', async () => {
    const reason = await nodeBackends.cuda.available();
    if (reason === true) return; // a host with working CUDA has nothing to explain
    await expect(nodeBackends.cuda.createSession(model())).rejects.toBeInstanceOf(BackendUnavailableError);
    await expect(nodeBackends.cuda.createSession(model())).rejects.toThrow(/^backend "cuda" is not available: /);
    expect(reason).toMatch(/ONNXRUNTIME_NODE_INSTALL=cuda12 npm rebuild onnxruntime-node|CUDA provider failed to start/);
  });
});

describe('session cache', () => {
  const cache = new SessionCache(2);
  afterAll(() => cache.clear());

  it('shares one session per (model, backend, options) and releases evicted ones', async () => {
    const m = model();
    const s1 = await cache.open('cpu', m);
    expect(await cache.open('cpu', Uint8Array.from(m))).toBe(s1); // same bytes, new array
    const s2 = await cache.open('cpu', m, { threads: 1 });
    expect(s2).not.toBe(s1);
    await cache.open('cpu', nextModel()); // evicts s1 (least recently used)
    expect(cache.size).toBe(2);
    const s3 = await cache.open('cpu', m); // a fresh session; evicts s2
    expect(s3).not.toBe(s1);
    await s3.release(); // releasing a shared session evicts it
    expect(cache.size).toBe(1);
    await expect(s3.run({ x })).rejects.toThrow();
    expect(Object.keys(await (await cache.open('auto', m)).run({ x }))).toEqual(['y', 'z']);
  });
});
