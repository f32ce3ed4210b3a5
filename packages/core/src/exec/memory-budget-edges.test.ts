/**
 * The memory budget and planner at their edges: a budget met exactly, which node a refusal is
 * reported on and what it names, actual sizes of outputs the planner could not size, unknown
 * nodes and values handed to the planner, and byte formatting across units.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { execute } from './executor.js';
import { bindOutputSizes, describeOutput, formatBytes, planMemory, type RunSizes } from './memory-plan.js';
import { checkGraph } from '../graph/validate.js';
import { Registry } from '../plugin/registry.js';
import { defineNode, definePlugin, PLUGIN_API_VERSION } from '../plugin/define.js';
import { tensor } from '../values/tensor.js';
import { memDoc, memoryPlugin, memRuns } from '../testing/memory-fixtures.js';
import { memoryFiles } from '../testing/fixture-plugin.js';
import { Bits, Z } from '../testing/fixture-kinds.js';

/** A tensor of any shape the planner cannot size: `count` float32 values. */
const Blob = defineNode({
  type: 'edge/Blob',
  version: 1,
  title: 'Blob',
  category: 'Test',
  inputs: { z: { type: Z, optional: true } },
  outputs: { t: { type: 'Tensor' } },
  params: z.object({ count: z.number().int().default(1) }),
  purity: 'pure',
  run: ({ params, ctx }) => {
    memRuns.set(ctx.nodeId, (memRuns.get(ctx.nodeId) ?? 0) + 1);
    return { t: tensor('float32', [params.count]) };
  },
});

/** One byte: Bits [1, 1]. */
const Bit = defineNode({
  type: 'edge/Bit',
  version: 1,
  title: 'Bit',
  category: 'Test',
  inputs: { z: { type: Z, optional: true } },
  outputs: { bits: { type: Bits, shape: [1, 1] } },
  params: z.object({}),
  purity: 'pure',
  run: ({ ctx }) => {
    memRuns.set(ctx.nodeId, (memRuns.get(ctx.nodeId) ?? 0) + 1);
    return { bits: tensor('uint8', [1, 1]) };
  },
});

const edgePlugin = definePlugin({ name: '@stylegraph/test-edges', version: '1.0.0', apiVersion: PLUGIN_API_VERSION, nodes: [Blob, Bit] });
const registry = new Registry([memoryPlugin, edgePlugin]);
/** memDoc with edge/ nodes too (`edge:Blob` names one). */
const doc = (nodes: Record<string, [string, Record<string, unknown>?]>, edges: [string, string][] = []) => {
  const d = memDoc(nodes, edges);
  for (const n of Object.values(d.nodes)) n.type = n.type.replace('mem/edge:', 'edge/');
  return { ...d, plugins: { ...d.plugins, '@stylegraph/test-edges': '^1.0.0' } };
};
const checked = (d: unknown) => {
  const r = checkGraph(d, registry);
  expect(r.diagnostics).toEqual([]);
  return r.graph!;
};
const files = memoryFiles().access;

beforeEach(() => memRuns.clear());

describe('memory budget refusals', () => {
  // Alloc count 1, size 4: image 1·3·4·4 float32 = 192 B, bits 1·8 uint8 = 8 B.
  it('runs a graph whose planned outputs equal the budget, and refuses one byte less', async () => {
    const g = checked(doc({ a: ['Alloc', { count: 1, size: 4 }] }));
    expect((await execute(g, { files, memoryBudget: 200 })).status).toBe('ok');
    memRuns.clear();
    const s = await execute(g, { files, memoryBudget: 199 });
    expect(s.nodes.a).toEqual({
      status: 'failed',
      ms: 0,
      error: { code: 'MEMORY_BUDGET', message: 'node "a" (mem/Alloc) would output image [1, 3, 4, 4] float32 = 192 B; planned outputs total 200 B, over the memory budget of 199 B' },
    });
    expect(memRuns.size).toBe(0);
  });

  it('accepts a budget of 0 for a graph without tensors, and refuses negative or NaN budgets by value', async () => {
    const g = checked(doc({ gen: ['Gen'] }));
    expect((await execute(g, { files, memoryBudget: 0 })).status).toBe('ok');
    await expect(execute(g, { files, memoryBudget: -1 })).rejects.toThrow(new RangeError('execute: memoryBudget -1 is not a number of bytes'));
    await expect(execute(g, { files, memoryBudget: Number.NaN })).rejects.toThrow('execute: memoryBudget NaN is not a number of bytes');
  });

  it('reports on the first of equally large outputs, and on outputs of a single byte', async () => {
    const s = await execute(checked(doc({ a: ['Alloc', { count: 1, size: 4 }], b: ['Alloc', { count: 1, size: 4 }] })), { files, memoryBudget: 300 });
    expect(s.nodes.a!.status).toBe('failed');
    expect(s.nodes.b).toMatchObject({ status: 'skipped', reason: 'not started: the run went over its memory budget (see node "a")' });
    const bits = await execute(checked(doc({ x: ['edge:Bit'], y: ['edge:Bit'] })), { files, memoryBudget: 1 });
    expect(bits.nodes.x!.error!.message).toBe('node "x" (edge/Bit) would output bits [1, 1] uint8 = 1 B; planned outputs total 2 B, over the memory budget of 1 B');
  });

  it('counts what a node actually returned when the planner could not size it', async () => {
    // 300 000 floats = 1.14 MiB, unknown to the planner until blob has run.
    // With one node at a time, blob (first in topological order) runs before after.
    const g = checked(doc({ blob: ['edge:Blob', { count: 300_000 }], z_after: ['edge:Bit'] }));
    const s = await execute(g, { files, memoryBudget: 2 ** 20, concurrency: 1 });
    expect(memRuns.get('blob')).toBe(1);
    expect(memRuns.get('z_after')).toBeUndefined();
    expect(s.nodes.z_after).toEqual({
      status: 'failed',
      ms: 0,
      error: { code: 'MEMORY_BUDGET', message: 'node "z_after" (edge/Bit) would output bits [1, 1] uint8 = 1 B; planned outputs total 1.14 MiB, over the memory budget of 1.00 MiB' },
    });
    // A smaller blob fits.
    expect((await execute(checked(doc({ blob: ['edge:Blob', { count: 1000 }], z_after: ['edge:Bit'] })), { files, memoryBudget: 2 ** 20, concurrency: 1 })).status).toBe('ok');
  });

  it('names the largest finished output when no pending one is sized, on the first pending node', async () => {
    // load learns its batch when it runs (40 000 × 8 floats = 1.22 MiB); blob cannot be sized at all.
    const g = checked(doc({ load: ['Load', { count: 40_000 }], blob: ['edge:Blob'] }, [['load.z', 'blob.z']]));
    const s = await execute(g, { files, memoryBudget: 2 ** 20, memoryBudgetHint: 'raise it with --max-memory' });
    expect(memRuns.get('load')).toBe(1);
    expect(s.nodes.blob).toEqual({
      status: 'failed',
      ms: 0,
      error: {
        code: 'MEMORY_BUDGET',
        message: 'node "load" (mem/Load) output z [40000, 8] float32 = 1.22 MiB; planned outputs total at least 1.22 MiB, over the memory budget of 1.00 MiB (raise it with --max-memory)',
      },
    });
  });

  it('names no output when none is sized, only the total', async () => {
    const g = checked(doc({ blob: ['edge:Blob', { count: 300_000 }], z_blob: ['edge:Blob'] }));
    const s = await execute(g, { files, memoryBudget: 2 ** 20, concurrency: 1 });
    expect(s.nodes.z_blob!.error).toEqual({ code: 'MEMORY_BUDGET', message: 'planned outputs total at least 1.14 MiB, over the memory budget of 1.00 MiB' });
  });

  it('names a pending node over a larger finished one', async () => {
    const g = checked(doc({ load: ['Load', { count: 40_000 }], bit: ['edge:Bit'] }, [['load.z', 'bit.z']]));
    const s = await execute(g, { files, memoryBudget: 2 ** 20 });
    expect(s.nodes.bit!.error!.message).toBe('node "bit" (edge/Bit) would output bits [1, 1] uint8 = 1 B; planned outputs total 1.22 MiB, over the memory budget of 1.00 MiB');
  });
});

describe('memory planning edges', () => {
  it('skips ids that are not nodes, and omits the sizes it does not know', () => {
    const g = checked(doc({ gen: ['Gen'], seeds: ['Seeds', { count: 3 }], a: ['Alloc'] }, [['gen.gen', 'seeds.gen']]));
    const plan = planMemory(g, { nodes: ['nope', 'seeds', 'a'] });
    expect(plan.outputs.map((p) => p.node)).toEqual(['seeds', 'a', 'a']);
    const seeds = plan.outputs[0]!;
    expect(seeds.dims).toEqual([3, undefined]);
    expect('elements' in seeds).toBe(false);
    expect('bytes' in seeds).toBe(false);
    expect(plan.unknownOutputs).toBe(1);
  });

  it('binds only sizes: not for unknown nodes, missing or malformed values, or tensors of another rank', () => {
    const g = checked(doc({ gen: ['Gen'], seeds: ['Seeds', { count: 3 }], load: ['Load'] }, [['gen.gen', 'seeds.gen']]));
    const sizes: RunSizes = new Map();
    expect(() => bindOutputSizes(g, 'nope', { x: 1 }, sizes)).not.toThrow();
    expect(() => bindOutputSizes(g, 'gen', {}, sizes)).not.toThrow();
    expect(() => bindOutputSizes(g, 'gen', { gen: { kind: 'generator', id: 'g' } }, sizes)).not.toThrow();
    bindOutputSizes(g, 'gen', { gen: { kind: 'generator', id: 'g', dims: { zDim: 'eight', cDim: -1, wDim: 1.5, numWs: 4, C: 3, res: 16 } } }, sizes);
    expect(planMemory(g, { sizes }).outputs.find((p) => p.node === 'seeds')!.dims).toEqual([3, undefined]);
    expect(() => bindOutputSizes(g, 'load', { z: 'not a tensor' }, sizes)).not.toThrow();
    bindOutputSizes(g, 'load', { z: tensor('float32', [5, 8, 2]) }, sizes);
    expect(planMemory(g, { sizes }).outputs.find((p) => p.node === 'load')!.dims).toEqual([undefined, 8]);
    bindOutputSizes(g, 'load', { z: tensor('float32', [5, 8]) }, sizes);
    expect(planMemory(g, { sizes }).outputs.find((p) => p.node === 'load')!.dims).toEqual([5, 8]);
  });

  it('formats bytes up to PiB, with 3 significant digits', () => {
    expect(formatBytes(0)).toBe('0 B');
    expect(formatBytes(5)).toBe('5 B');
    expect(formatBytes(1023)).toBe('1023 B');
    expect(formatBytes(1024)).toBe('1.00 KiB');
    expect(formatBytes(10 * 1024)).toBe('10.0 KiB');
    expect(formatBytes(100 * 1024)).toBe('100 KiB');
    expect(formatBytes(2 ** 40)).toBe('1.00 TiB');
    expect(formatBytes(2 ** 50)).toBe('1.00 PiB');
    expect(formatBytes(2 ** 60)).toBe('1024 PiB');
  });

  it('describes outputs with unknown axes, element counts only, or no size', () => {
    const base = { node: 'n', type: 't/T', port: 'x', kind: 'Tensor' as const, dtype: 'any dtype' as const };
    expect(describeOutput({ ...base, elements: 120, bytes: 480 })).toBe('x of 120 elements any dtype = 480 B');
    expect(describeOutput(base)).toBe('x of ? elements any dtype');
    expect(describeOutput({ ...base, kind: 'Z', dtype: 'float32', dims: [100, undefined] })).toBe('x [100, ?] float32');
  });
});
