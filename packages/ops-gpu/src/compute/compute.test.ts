import { tensor, type Tensor } from '@stylegraph/core';
import { describe, expect, it } from 'vitest';
import type { Availability, Backend, DeviceTensor, Session, SessionOptions } from '../backend/types.js';
import { Compute, DEFAULT_ORT_MEMORY } from './compute.js';

/** A backend that records what it was asked; its sessions return their model's length. */
function fake(name: string, availability: Availability = true) {
  const opened: SessionOptions[] = [];
  const released: number[] = [];
  let probes = 0;
  let gate: Promise<void> = Promise.resolve();
  const backend: Backend = {
    name,
    available: async () => (probes++, availability),
    createSession: async (model, opts = {}) => {
      opened.push(opts);
      const id = opened.length;
      const run = async (): Promise<Record<string, Tensor>> => {
        await gate;
        if (released.includes(id)) throw new Error('session released');
        return { n: tensor('float32', [1], Float32Array.of(model.byteLength)) };
      };
      const session: Session = {
        backend: name,
        inputNames: [],
        outputNames: ['n'],
        run,
        runOnDevice: async () => ({}) as Record<string, DeviceTensor>,
        release: async () => void released.push(id),
      };
      return session;
    },
  };
  return {
    backend,
    opened,
    released,
    probes: () => probes,
    /** Holds every run until the returned function is called. */
    hold: () => {
      let open!: () => void;
      gate = new Promise((r) => (open = r));
      return () => open();
    },
  };
}

const bytes = (n: number, fill = 1) => new Uint8Array(n).fill(fill);

describe('Compute', () => {
  it('resolves auto lazily to the first available backend of its order, and names it in its cache identity', async () => {
    const gpu = fake('gpu', 'no driver');
    const cpu = fake('cpu');
    const compute = Compute.create({ backends: [cpu.backend, gpu.backend], auto: ['gpu', 'cpu'] });
    expect(compute.backend).toBe('auto');
    expect(gpu.probes() + cpu.probes()).toBe(0); // nothing probed until used
    expect(await compute.cacheIdentity()).toBe('cpu/float32');
    expect((await compute.resolve()).name).toBe('cpu');
    expect(await compute.withBackend('gpu').cacheIdentity()).toBe('gpu:unavailable/float32');
    await expect(compute.withBackend('gpu').resolve()).rejects.toThrow('backend "gpu" is not available: no driver');
    await expect(Compute.create({ backends: [gpu.backend] }).resolve()).rejects.toThrow('backend "auto" is not available: gpu: no driver');
  });

  it('gives every session its onnxruntime memory settings (defaults: arena on, memory pattern off)', async () => {
    const cpu = fake('cpu');
    const compute = Compute.create({ backends: [cpu.backend], memory: { extra: { 'session.disable_prepacking': '1' } } });
    await compute.session(bytes(8), { threads: 1 });
    await compute.session(bytes(8, 2), { memory: { cpuArena: false } });
    expect(DEFAULT_ORT_MEMORY).toEqual({ cpuArena: true, memPattern: false });
    expect(cpu.opened).toEqual([
      { threads: 1, memory: { cpuArena: true, memPattern: false, extra: { 'session.disable_prepacking': '1' } } },
      { memory: { cpuArena: false, memPattern: false, extra: { 'session.disable_prepacking': '1' } } },
    ]);
  });

  it('keeps sessions within a byte budget, each counted by its model’s length', async () => {
    const cpu = fake('cpu');
    const compute = Compute.create({ backends: [cpu.backend], sessionBytes: 250 });
    const a = await compute.session(bytes(100, 1));
    await compute.session(bytes(100, 2));
    expect(compute.stats()).toMatchObject({ sessions: 2, sessionBytes: 200 });
    expect(await compute.session(bytes(100, 1))).toBe(a); // same content: the cached session
    await compute.session(bytes(100, 3)); // 300 > 250: the least recently used (model 2) goes
    expect(compute.stats()).toMatchObject({ sessions: 2, sessionBytes: 200 });
    expect(cpu.released).toEqual([2]);
  });

  it('builds a recipe’s model once for every backend of its views, and keeps models within their own budget', async () => {
    const a = fake('a');
    const b = fake('b');
    const compute = Compute.create({ backends: [a.backend, b.backend], modelBytes: 150 });
    let builds = 0;
    const recipe = (key: string) => ({ key, build: () => (builds++, bytes(100)) });
    const onA = await compute.session(recipe('m1'));
    const onB = await compute.withBackend('b').session(recipe('m1'));
    expect(onB).not.toBe(onA);
    expect([onA.backend, onB.backend]).toEqual(['a', 'b']);
    expect(builds).toBe(1);
    expect(await compute.session(recipe('m1'))).toBe(onA); // session cached: nothing built
    await compute.session(recipe('m2')); // 200 > 150: m1's bytes go, its sessions stay
    expect(compute.stats()).toMatchObject({ sessions: 3, models: 1, modelBytes: 100 });
    await compute.withBackend('b').session(recipe('m2'));
    expect(builds).toBe(2);
    const none = Compute.create({ backends: [a.backend, b.backend], modelBytes: 0 });
    await none.session(recipe('m3'));
    await none.withBackend('b').session(recipe('m3'));
    expect(builds).toBe(4); // nothing kept: built for each backend
    expect(none.stats()).toMatchObject({ sessions: 2, models: 0 });
  });

  it('shares nothing between two computes', async () => {
    const one = fake('cpu');
    const two = fake('cpu');
    const first = Compute.create({ backends: [one.backend] });
    const second = Compute.create({ backends: [two.backend] });
    const model = bytes(10);
    const s1 = await first.session(model);
    const s2 = await second.session(model);
    expect(s2).not.toBe(s1);
    expect([one.opened.length, two.opened.length]).toEqual([1, 1]);
    await first.clear();
    expect(one.released).toEqual([1]);
    expect(two.released).toEqual([]);
    expect(second.stats().sessions).toBe(1);
    expect(await second.session(model)).toBe(s2);
    expect(first.getBackend('cpu')).not.toBe(second.getBackend('cpu'));
  });

  it('releases an evicted session only after the runs in flight on it end', async () => {
    const cpu = fake('cpu');
    const compute = Compute.create({ backends: [cpu.backend], sessionBytes: 10 });
    const s = await compute.session(bytes(10, 1));
    const open = cpu.hold();
    const running = s.run({});
    await compute.session(bytes(10, 2)); // evicts s while its run waits
    expect(cpu.released).toEqual([]);
    open();
    expect((await running).n?.data[0]).toBe(10);
    await s.release();
    expect(cpu.released).toEqual([1]);
  });
});
