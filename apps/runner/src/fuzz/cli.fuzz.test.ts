/**
 * Fuzz: the CLI's entry (`main`, as the binary calls it) on mutated graph files and random
 * `--set` overrides. Property: it returns 0, 1 or 2 and never throws; what it prints has no
 * stack trace; `run` writes only inside its `--out` folder.
 */
import { mkdtemp, readdir, readFile, realpath, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { main } from '../cli.js';
import { hostileValue, mutated, mutation } from '../testing/mutate.js';

const example = fileURLToPath(new URL('../../../../examples/seed-statistics.graph.json', import.meta.url));

async function cli(argv: string[]): Promise<{ code: number; text: string }> {
  const lines: string[] = [];
  const code = await main(argv, { out: (s) => lines.push(s), err: (s) => lines.push(s), isTTY: false });
  return { code, text: lines.join('\n') };
}

const setArb = fc.oneof(
  fc.tuple(fc.constantFrom('z', 'std', 'save', 'stdNearOne', 'nope', '__proto__', 'constructor'), fc.constantFrom('seed', 'shape', 'stat', 'path', 'than', 'op', 'x', '__proto__'), hostileValue).map(([n, p, v]) => `${n}.${p}=${typeof v === 'string' ? v : JSON.stringify(v)}`),
  fc.string({ maxLength: 30 }),
);

describe('fuzz: the CLI entry', () => {
  let dir: string;
  let doc: unknown;
  beforeAll(async () => {
    dir = await realpath(await mkdtemp(join(tmpdir(), 'sg-fuzz-cli-')));
    doc = JSON.parse(await readFile(example, 'utf8'));
  });

  it('checks mutated graphs and random --set values with exit 0 or 2 and no stack (800 cases)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(mutation, { maxLength: 3 }), fc.array(setArb, { maxLength: 3 }), async (ms, sets) => {
        const path = join(dir, 'g.graph.json');
        await writeFile(path, JSON.stringify(mutated(doc, ms)));
        const r = await cli(['check', path, ...sets.flatMap((s) => ['--set', s])]);
        expect([0, 2]).toContain(r.code);
        expect(r.text).not.toMatch(/\n\s+at |internal error/);
      }),
      { seed: 16_301, numRuns: 800 },
    );
  });

  it('runs mutated graphs with exit 0, 1 or 2, writing only inside --out (300 cases)', async () => {
    const out = join(dir, 'out');
    await fc.assert(
      fc.asyncProperty(fc.array(mutation, { minLength: 1, maxLength: 2 }), async (ms) => {
        const path = join(dir, 'r.graph.json');
        await writeFile(path, JSON.stringify(mutated(doc, ms)));
        const r = await cli(['run', path, '--out', out, '--max-memory', '256M']);
        expect([0, 1, 2]).toContain(r.code);
        expect(r.text).not.toMatch(/\n\s+at |internal error/);
      }),
      { seed: 16_302, numRuns: 300 },
    );
    for (const f of await readdir(dir)) expect(['g.graph.json', 'r.graph.json', 'out']).toContain(f);
  });
});
