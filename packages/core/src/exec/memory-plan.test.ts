import { describe, expect, it } from 'vitest';
import { bindOutputSizes, describeOutput, formatBytes, planMemory, type RunSizes } from './memory-plan.js';
import { checkGraph } from '../graph/validate.js';
import { Registry } from '../plugin/registry.js';
import { memDoc, memoryPlugin } from '../testing/memory-fixtures.js';

const registry = new Registry([memoryPlugin]);
const checked = (d: unknown) => {
  const r = checkGraph(d, registry);
  expect(r.diagnostics).toEqual([]);
  return r.graph!;
};

describe('planMemory', () => {
  it('sizes outputs the params fix: dtype from the kind, bytes = elements × element size', () => {
    const g = checked(memDoc({ a: ['Alloc', { count: 10, size: 8 }], n: ['Noise', { shape: [4, 5, 6] }] }));
    const plan = planMemory(g);
    expect(plan.outputs).toEqual([
      { node: 'a', type: 'mem/Alloc', port: 'image', kind: 'Image', dtype: 'float32', dims: [10, 3, 8, 8], elements: 1920, bytes: 7680 },
      { node: 'a', type: 'mem/Alloc', port: 'bits', kind: 'test/Bits', dtype: 'uint8', dims: [10, 8], elements: 80, bytes: 80 },
      // A tensor of any rank and dtype, sized by its element count at 4 bytes each.
      { node: 'n', type: 'mem/Noise', port: 't', kind: 'Tensor', dtype: 'any dtype', elements: 120, bytes: 480 },
    ]);
    expect(plan.knownBytes).toBe(7680 + 80 + 480);
    expect(plan.unknownOutputs).toBe(0);
    expect(planMemory(g, { nodes: ['n'] }).knownBytes).toBe(480);
    expect(describeOutput(plan.outputs[0]!)).toBe('image [10, 3, 8, 8] float32 = 7.50 KiB');
  });

  it('leaves a generator’s sizes unknown until the run binds them, without touching the shared unifier', () => {
    const g = checked(
      memDoc({ gen: ['Gen'], seeds: ['Seeds', { count: 100 }], synth: ['Synth'] }, [
        ['gen.gen', 'seeds.gen'],
        ['gen.gen', 'synth.gen'],
        ['seeds.z', 'synth.z'],
      ]),
    );
    const before = planMemory(g);
    expect(before.knownBytes).toBe(0);
    expect(before.unknownOutputs).toBe(2);
    expect(before.outputs.find((p) => p.node === 'synth')!.dims).toEqual([100, undefined, undefined, undefined]);

    const sizes: RunSizes = new Map();
    bindOutputSizes(g, 'gen', { gen: { kind: 'generator', id: 'g', dims: { zDim: 8, cDim: 0, wDim: 8, numWs: 4, C: 3, res: 32 } } }, sizes);
    const after = planMemory(g, { sizes });
    expect(after.outputs.map((p) => [p.node, p.dims, p.bytes])).toEqual([
      ['seeds', [100, 8], 3200],
      ['synth', [100, 3, 32, 32], 1_228_800],
    ]);
    // Another run's sizes are its own; the checked graph still knows nothing of them.
    expect(planMemory(g).knownBytes).toBe(0);
    const img = g.shapes.shapes.get('synth')!.get('image')!;
    expect(g.shapes.unifier.valueOf(img[3]!)).toBeUndefined();
  });

  it('re-derives sizes from inputs learned at run time (N = B · times)', () => {
    const g = checked(memDoc({ load: ['Load', { count: 5 }], rep: ['Repeat', { times: 3 }] }, [['load.z', 'rep.z']]));
    expect(planMemory(g).unknownOutputs).toBe(2);
    const sizes: RunSizes = new Map();
    bindOutputSizes(g, 'load', { z: { dtype: 'float32', dims: [5, 8], data: new Float32Array(40) } }, sizes);
    expect(planMemory(g, { sizes }).outputs.map((p) => p.dims)).toEqual([
      [5, 8],
      [15, 8],
    ]);
  });

  it('formats bytes in binary units', () => {
    expect(formatBytes(512)).toBe('512 B');
    expect(formatBytes(1536)).toBe('1.50 KiB');
    expect(formatBytes(100000 * 3 * 64 * 64 * 4)).toBe('4.58 GiB');
    expect(formatBytes(3 * 2 ** 30)).toBe('3.00 GiB');
    expect(formatBytes(200 * 2 ** 20)).toBe('200 MiB');
  });
});

describe('checkGraph and sizes', () => {
  it('turns an inferShapes that throws into PARAM_INVALID on that node', () => {
    const r = checkGraph(memDoc({ t: ['Throws', { seeds: '1-' }], a: ['Alloc'] }), registry);
    expect(r.ok).toBe(false);
    expect(r.diagnostics).toEqual([expect.objectContaining({ severity: 'error', code: 'PARAM_INVALID', node: 't', message: expect.stringContaining('"1-" is not a seed list') })]);
  });

  it('refuses a statically known output larger than a tensor can hold (TENSOR_TOO_LARGE)', () => {
    const r = checkGraph(memDoc({ a: ['Alloc', { count: 100_000, size: 256 }] }), registry);
    expect(r.ok).toBe(false);
    expect(r.diagnostics).toEqual([
      expect.objectContaining({ code: 'TENSOR_TOO_LARGE', node: 'a', port: 'image', message: expect.stringContaining('image [100000, 3, 256, 256] float32 = 73.2 GiB') }),
    ]);
    // Just under the limit is fine.
    expect(checkGraph(memDoc({ a: ['Alloc', { count: 21_845, size: 256 }] }), registry).ok).toBe(true);
  });
});
