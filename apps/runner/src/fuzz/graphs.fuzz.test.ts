/**
 * Fuzz: mutated example graphs and hostile JSON through `checkGraph` with the built-in plugins.
 * Property: it never throws; every diagnostic has a known code and a one-line message; a graph
 * it accepts serializes to a document it accepts again.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DIAGNOSTIC_CODES, Registry, checkGraph, serializeGraph, type CheckResult } from '@stylegraph/core';
import { BUILTIN_PLUGINS } from '../host/plugins.js';
import { hostileValue, mutated, mutation } from '../testing/mutate.js';

const examplesDir = fileURLToPath(new URL('../../../../examples/', import.meta.url));
const examples = readdirSync(examplesDir)
  .filter((f) => f.endsWith('.graph.json'))
  .sort()
  .map((f) => JSON.parse(readFileSync(examplesDir + f, 'utf8')) as unknown);
const registry = new Registry(BUILTIN_PLUGINS);

/** Every diagnostic well-formed; returns the result for further checks. */
function wellFormed(input: unknown): CheckResult {
  const r = checkGraph(input, registry);
  for (const d of r.diagnostics) {
    expect(Object.hasOwn(DIAGNOSTIC_CODES, d.code), d.code).toBe(true);
    expect(typeof d.message).toBe('string');
    expect(d.message, d.message).not.toMatch(/\n/);
  }
  expect(r.ok).toBe(r.graph !== undefined);
  return r;
}

describe('fuzz: checkGraph', () => {
  it('takes mutated example graphs without throwing (2 500 cases)', () => {
    fc.assert(
      fc.property(fc.nat({ max: examples.length - 1 }), fc.array(mutation, { minLength: 1, maxLength: 4 }), (i, ms) => {
        const r = wellFormed(mutated(examples[i], ms));
        if (r.graph) expect(checkGraph(serializeGraph(r.graph.document), registry).ok).toBe(true);
      }),
      { seed: 16_001, numRuns: 2500 },
    );
  });

  it('takes arbitrary JSON values and texts without throwing (1 000 cases)', () => {
    fc.assert(
      fc.property(fc.oneof(hostileValue, fc.string({ maxLength: 200 }), fc.jsonValue().map((v) => JSON.stringify(v))), (v) => {
        wellFormed(v);
      }),
      { seed: 16_002, numRuns: 1000 },
    );
  });
});
