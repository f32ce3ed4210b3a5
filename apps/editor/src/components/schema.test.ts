import { describe, expect, it } from 'vitest';
import { z } from '@stylegraph/core';
import { joinPath } from '../browser/remote-files';
import { fieldKind, matchingPaths, randomizeSeeds, type JsonSchema } from './schema';

/** A param's JSON Schema as the server describes it (`z.toJSONSchema` of the node's params). */
const param = (schema: z.ZodType): JsonSchema => (z.toJSONSchema(z.object({ p: schema }), { io: 'input', unrepresentable: 'any' }) as { properties: Record<string, JsonSchema> }).properties.p!;

describe('param forms', () => {
  it('picks an input from the param schema', () => {
    expect(fieldKind({ type: 'number', minimum: -2, maximum: 2 })).toEqual({ kind: 'number', integer: false, min: -2, max: 2, nullable: false });
    expect(fieldKind({ type: 'string', enum: ['grid', 'pairs'] })).toEqual({ kind: 'enum', options: ['grid', 'pairs'], nullable: false });
    expect(fieldKind({ anyOf: [{ type: 'number', const: 64 }, { type: 'number', const: 128 }] })).toEqual({ kind: 'enum', options: [64, 128], nullable: false });
    expect(fieldKind({ anyOf: [{ type: 'integer', minimum: 0 }, { type: 'null' }] })).toMatchObject({ kind: 'number', integer: true, nullable: true });
    expect(fieldKind({ type: 'array', items: { type: 'number' } })).toEqual({ kind: 'numberList', integer: false });
    expect(fieldKind({ type: 'array', prefixItems: [{ type: 'number' }, { type: 'number' }], items: false })).toEqual({ kind: 'numberList', integer: false });
    expect(fieldKind({ type: 'array', prefixItems: [{ type: 'number' }, { type: 'string' }], items: false })).toEqual({ kind: 'json' });
    expect(fieldKind({ type: 'boolean' })).toEqual({ kind: 'boolean' });
    expect(fieldKind({ type: 'string' })).toEqual({ kind: 'string', nullable: false });
  });

  it('takes seed, seed-list and layer widgets from the schema’s metadata, not from names', () => {
    expect(fieldKind(param(z.number().int().min(0).max(0xffffffff).default(0).meta({ widget: 'seed' })))).toEqual({ kind: 'seed' });
    expect(fieldKind(param(z.string().default('0-7').describe('Seeds').meta({ widget: 'seeds' })))).toEqual({ kind: 'seeds' });
    expect(fieldKind(param(z.string().min(1).default('0-6').meta({ widget: 'layers', layers: 'ws' })))).toEqual({ kind: 'layers', space: 'ws' });
    expect(fieldKind(param(z.string().min(1).nullable().default(null).describe('x').meta({ widget: 'layers', layers: 'noise' })))).toEqual({ kind: 'layers', space: 'noise' });
    expect(fieldKind(param(z.string().meta({ widget: 'layers', layers: 'ws' }).optional()))).toEqual({ kind: 'layers', space: 'ws' });
    // Without metadata the names that used to decide mean nothing.
    expect(fieldKind({ type: 'integer', minimum: 0, maximum: 4294967295 })).toMatchObject({ kind: 'number' });
    expect(fieldKind(param(z.string().default('0-7')))).toEqual({ kind: 'string', nullable: false });
    // A widget that does not fit the type, or a layer picker without a space, falls back to the type.
    expect(fieldKind(param(z.string().meta({ widget: 'seed' })))).toEqual({ kind: 'string', nullable: false });
    expect(fieldKind(param(z.string().meta({ widget: 'layers' })))).toEqual({ kind: 'string', nullable: false });
  });

  it('offers files for params that name files, filtered by their pattern', () => {
    expect(fieldKind(param(z.string().regex(/\.npy$/)), { file: true })).toEqual({ kind: 'file', pattern: '\\.npy$' });
    expect(fieldKind(param(z.string().min(1)), { file: true })).toEqual({ kind: 'file' });
    expect(fieldKind(param(z.number()), { file: true })).toMatchObject({ kind: 'number' });
    const paths = ['../models/faces64', 'dirs/a.npy', 'b.png', 'c.NPY'];
    expect(matchingPaths(paths, '\\.npy$')).toEqual(['dirs/a.npy']);
    expect(matchingPaths(paths)).toEqual(paths);
    expect(matchingPaths(paths, '(')).toEqual(paths);
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

  it('joins graph-relative paths onto the graph folder', () => {
    expect(joinPath('examples', '../models/faces64/config.json')).toBe('models/faces64/config.json');
    expect(joinPath('.', 'a/./b')).toBe('a/b');
    expect(joinPath('.', '../x')).toBe('../x');
  });
});
