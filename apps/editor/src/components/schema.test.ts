import { describe, expect, it } from 'vitest';
import { joinPath } from '../browser/remote-files';
import { fieldKind, layerSet, layerText, randomizeSeeds } from './schema';

describe('param forms', () => {
  it('picks an input from the param schema', () => {
    expect(fieldKind('psi', { type: 'number', minimum: -2, maximum: 2 })).toEqual({ kind: 'number', integer: false, min: -2, max: 2, nullable: false });
    expect(fieldKind('seed', { type: 'integer', minimum: 0, maximum: 4294967295 })).toEqual({ kind: 'seed' });
    expect(fieldKind('seeds', { type: 'string' })).toEqual({ kind: 'seeds' });
    expect(fieldKind('layers', { type: 'string' })).toEqual({ kind: 'layers' });
    expect(fieldKind('mode', { type: 'string', enum: ['grid', 'pairs'] })).toEqual({ kind: 'enum', options: ['grid', 'pairs'], nullable: false });
    expect(fieldKind('size', { anyOf: [{ type: 'number', const: 64 }, { type: 'number', const: 128 }] })).toEqual({ kind: 'enum', options: [64, 128], nullable: false });
    expect(fieldKind('cutoff', { anyOf: [{ type: 'integer', minimum: 0 }, { type: 'null' }] })).toMatchObject({ kind: 'number', integer: true, nullable: true });
    expect(fieldKind('alphas', { type: 'array', items: { type: 'number' } })).toEqual({ kind: 'numberList', integer: false });
    expect(fieldKind('x', { type: 'boolean' })).toEqual({ kind: 'boolean' });
  });

  it('randomizes a seed list keeping its count', () => {
    const span = (text: string) => {
      const [a, b] = text.split('-').map(Number);
      return b! - a! + 1;
    };
    expect(span(randomizeSeeds('0-7'))).toBe(8);
    expect(span(randomizeSeeds('85,100,75,458,1500'))).toBe(5);
    expect(randomizeSeeds('42')).toMatch(/^\d+$/);
  });

  it('reads and writes layer ranges', () => {
    expect([...layerSet('0-2, 5')]).toEqual([0, 1, 2, 5]);
    expect(layerText(new Set([5, 0, 1, 2, 7, 8]))).toBe('0-2,5,7-8');
    expect(layerSet('coarse').size).toBe(0);
  });

  it('joins graph-relative paths onto the graph folder', () => {
    expect(joinPath('examples', '../models/faces64/config.json')).toBe('models/faces64/config.json');
    expect(joinPath('.', 'a/./b')).toBe('a/b');
    expect(joinPath('.', '../x')).toBe('../x');
  });
});
