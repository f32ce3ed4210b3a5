import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { graphJsonSchema } from './document.js';
import { serializeGraph } from './serialize.js';
import { parseGraph } from './parse.js';
import { doc } from '../testing/fixture-plugin.js';

describe('graph document', () => {
  it('the committed JSON Schema is the one generated from the zod schema (npm run schema)', () => {
    const committed = JSON.parse(readFileSync(new URL('../../schema/graph-v1.schema.json', import.meta.url), 'utf8'));
    expect(committed).toEqual(graphJsonSchema());
  });

  it('serializes canonically: fixed field order, params sorted, stable bytes', () => {
    const a = doc({ n: { ui: { y: 2, x: 1 }, params: { b: 1, a: { d: 1, c: 2 } }, version: 1, type: 'test/Num' } }, [], { title: 'T' });
    const text = serializeGraph(parseGraph(a).graph!);
    expect(text.endsWith('\n')).toBe(true);
    expect(Object.keys(JSON.parse(text))).toEqual(['format', 'formatVersion', 'title', 'plugins', 'nodes', 'edges']);
    expect(text.indexOf('"a"')).toBeLessThan(text.indexOf('"b"'));
    expect(text.indexOf('"type"')).toBeLessThan(text.indexOf('"version"'));
    // Re-reading and re-serializing gives the same bytes.
    expect(serializeGraph(parseGraph(text).graph!)).toBe(text);
  });
});
