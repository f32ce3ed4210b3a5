import { beforeEach, describe, expect, it } from 'vitest';
import { execute } from './executor.js';
import { MemoryCache } from './cache.js';
import type { RunEvent } from './events.js';
import { checkGraph } from '../graph/validate.js';
import { Registry } from '../plugin/registry.js';
import { memDoc, memoryPlugin, memRuns } from '../testing/memory-fixtures.js';
import { memoryFiles } from '../testing/fixture-plugin.js';

const registry = new Registry([memoryPlugin]);
const checked = (d: unknown) => {
  const r = checkGraph(d, registry);
  expect(r.diagnostics).toEqual([]);
  return r.graph!;
};
const files = memoryFiles().access;

// gen ─┬─ seeds ─ synth: the image's C and res are known only once gen has run.
const generate = (count: number, res = 16) =>
  memDoc({ gen: ['Gen', { res }], seeds: ['Seeds', { count }], synth: ['Synth'] }, [
    ['gen.gen', 'seeds.gen'],
    ['gen.gen', 'synth.gen'],
    ['seeds.z', 'synth.z'],
  ]);

beforeEach(() => memRuns.clear());

describe('execute with a memory budget', () => {
  it('refuses before running anything when the statically planned outputs exceed it', async () => {
    const g = checked(memDoc({ small: ['Alloc', { count: 1 }], big: ['Alloc', { count: 1000, size: 64 }] }));
    const events: RunEvent[] = [];
    const s = await execute(g, { files, memoryBudget: 2 ** 20, memoryBudgetHint: 'raise it with --max-memory', onEvent: (e) => events.push(e) });
    expect(s.status).toBe('failed');
    expect(memRuns.size).toBe(0);
    expect(s.nodes.big).toMatchObject({ status: 'failed', error: { code: 'MEMORY_BUDGET' } });
    expect(s.nodes.big!.error!.message).toBe(
      'node "big" (mem/Alloc) would output image [1000, 3, 64, 64] float32 = 46.9 MiB; planned outputs total 46.9 MiB, over the memory budget of 1.00 MiB (raise it with --max-memory)',
    );
    expect(s.nodes.small).toMatchObject({ status: 'skipped', reason: expect.stringContaining('memory budget (see node "big")') });
    expect(events.filter((e) => e.type === 'node-start')).toEqual([]);
    expect(s.counts).toMatchObject({ ran: 0, failed: 1, skipped: 1 });
  });

  it('refuses only once a generator-like node has bound its sizes, before the big node starts', async () => {
    // 100 images of 3 × 64 × 64 float32 = 4.69 MiB; nothing about them is known before gen runs.
    const g = checked(generate(100, 64));
    const s = await execute(g, { files, memoryBudget: 2 ** 20 });
    expect(s.status).toBe('failed');
    expect(memRuns.get('gen')).toBe(1);
    expect(memRuns.get('seeds')).toBeUndefined();
    expect(memRuns.get('synth')).toBeUndefined();
    expect(s.nodes.gen!.status).toBe('done');
    expect(s.nodes.synth).toMatchObject({ status: 'failed', error: { code: 'MEMORY_BUDGET', message: expect.stringContaining('node "synth" (mem/Synth) would output image [100, 3, 64, 64] float32 = 4.69 MiB') } });
    expect(s.nodes.seeds!.status).toBe('skipped');

    // The same checked graph, a smaller generator: this run's sizes are its own.
    const small = checked(generate(100, 16));
    expect((await execute(small, { files, memoryBudget: 2 ** 20 })).status).toBe('ok');
    expect((await execute(g, { files, memoryBudget: 2 ** 20 })).nodes.synth!.status).toBe('failed');
  });

  it('refuses a size derived from one learned at run time (N = B · times) before that node runs', async () => {
    const g = checked(memDoc({ load: ['Load', { count: 1000 }], rep: ['Repeat', { times: 100 }] }, [['load.z', 'rep.z']]));
    const s = await execute(g, { files, memoryBudget: 2 ** 20 });
    expect(memRuns.get('load')).toBe(1);
    expect(memRuns.get('rep')).toBeUndefined();
    expect(s.nodes.rep).toMatchObject({ status: 'failed', error: { code: 'MEMORY_BUDGET', message: expect.stringContaining('z [100000, 8] float32 = 3.05 MiB') } });
  });

  it('runs what fits, and counts values taken from the cache too', async () => {
    const g = checked(generate(100, 16)); // 307 KiB of images
    expect((await execute(g, { files, memoryBudget: 2 ** 20 })).status).toBe('ok');
    const cache = new MemoryCache();
    expect((await execute(g, { files, cache, memoryBudget: 2 ** 20 })).status).toBe('ok');
    const again = await execute(g, { files, cache, memoryBudget: 2 ** 18 });
    expect(again.nodes.synth).toMatchObject({ status: 'failed', error: { code: 'MEMORY_BUDGET' } });
  });

  it('has no limit without a budget', async () => {
    const s = await execute(checked(generate(100, 64)), { files });
    expect(s.status).toBe('ok');
    expect(memRuns.get('synth')).toBe(1);
  });

  it('rejects a budget that is not a number of bytes', async () => {
    await expect(execute(checked(generate(1)), { files, memoryBudget: Number.NaN })).rejects.toThrow(RangeError);
  });
});
