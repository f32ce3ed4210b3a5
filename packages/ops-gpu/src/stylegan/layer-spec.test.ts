import { describe, expect, it } from 'vitest';
import { layerLayout } from './layout.js';
import { formatLayerSpec, layerChoices, parseLayerSpec, pxRangeText, LayerSpecError } from './layer-spec.js';

const l64 = layerLayout({ resolution: 64 });
const ws = layerChoices(l64, 'ws');
const noise = layerChoices(l64, 'noise');

const failure = (f: () => unknown): { code: string; message: string } => {
  try {
    f();
  } catch (e) {
    if (e instanceof LayerSpecError) return { code: e.code, message: e.message };
    throw e;
  }
  throw new Error('did not throw');
};

describe('parseLayerSpec', () => {
  it('reads ranges and single indices, sorted and without repeats', () => {
    expect(parseLayerSpec('0-3,7', ws)).toEqual([0, 1, 2, 3, 7]);
    expect(parseLayerSpec(' 5 , 2-3, 3 ', ws)).toEqual([2, 3, 5]);
    expect(parseLayerSpec('9', ws)).toEqual([9]);
    expect(parseLayerSpec('', ws)).toEqual([]);
  });

  it('resolves group names in the layout’s space', () => {
    expect(parseLayerSpec('coarse', ws)).toEqual([0, 1, 2, 3]);
    expect(parseLayerSpec('middle', ws)).toEqual([4, 5, 6, 7]);
    expect(parseLayerSpec('fine', ws)).toEqual([8, 9]);
    expect(parseLayerSpec('coarse', noise)).toEqual([0, 1, 2]);
    expect(parseLayerSpec('fine,0', noise)).toEqual([0, 7, 8]);
    expect(parseLayerSpec('coarse,fine', ws)).toEqual([0, 1, 2, 3, 8, 9]);
  });

  it('names the bad part', () => {
    expect(failure(() => parseLayerSpec('0-10', ws))).toEqual({ code: 'LAYERS_OUT_OF_RANGE', message: 'layers 0-10 go beyond this generator’s 10 ws (0…9)' });
    expect(failure(() => parseLayerSpec('9', noise))).toEqual({ code: 'LAYERS_OUT_OF_RANGE', message: 'layers 9 go beyond this generator’s 9 conv layers (0…8)' });
    expect(failure(() => parseLayerSpec('3-1', ws))).toEqual({ code: 'LAYERS_INVALID', message: '"3-1" is not a layer range (use e.g. "0-3", "coarse", "middle", "fine")' });
    for (const bad of ['x', '-1', '1-', '1.5', 'Coarse', '0 - 3']) expect(failure(() => parseLayerSpec(bad, ws)).code).toBe('LAYERS_INVALID');
  });

  it('refuses an empty group unless allowed', () => {
    const small = layerChoices(layerLayout({ resolution: 16 }), 'ws');
    expect(failure(() => parseLayerSpec('fine', small))).toEqual({ code: 'LAYERS_OUT_OF_RANGE', message: 'this generator’s 6 ws have no fine layers (fine = 64 px and up)' });
    expect(parseLayerSpec('fine', small, { allowEmptyGroups: true })).toEqual([]);
  });

  it('reads a space only the layout has', () => {
    expect(failure(() => layerChoices(l64, 'torgb'))).toEqual({ code: 'LAYERS_INVALID', message: 'this generator has no "torgb" layers (it has ws, noise)' });
    expect(failure(() => layerChoices(l64, 'toString')).code).toBe('LAYERS_INVALID');
    expect(parseLayerSpec('0-2', { count: 3, unit: 'ws', groups: [] })).toEqual([0, 1, 2]);
  });

  it('writes indices back as ranges', () => {
    expect(formatLayerSpec([5, 0, 1, 2, 7, 8])).toBe('0-2,5,7-8');
    expect(formatLayerSpec(new Set([3]))).toBe('3');
    expect(formatLayerSpec([])).toBe('');
    for (const spec of ['0-3,7', '1,3,5', '0-9']) expect(formatLayerSpec(parseLayerSpec(spec, ws))).toBe(spec);
  });

  it('says what a group stands for', () => {
    expect(l64.groups.map((g) => pxRangeText(g.px))).toEqual(['up to 8 px', '16–32 px', '64 px and up']);
    expect(pxRangeText({ min: 8, max: 8 })).toBe('8 px');
  });
});
