// `stylegraph run --cache DIR`: outputs kept on disk across processes, so a run recomputes
// only the nodes whose inputs changed; the folder stays within `--cache-max`; damage is a miss.
import { mkdtempSync, readFileSync, readdirSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { stylegraph } from './run-cli.js';

const tmp = () => mkdtempSync(join(tmpdir(), 'stylegraph-cache-'));
const graph = 'examples/generate.graph.json';
// model, seeds, mapping, truncation, synthesis, grid are pure; save (an effect) always runs.
const PURE = ['model', 'seeds', 'mapping', 'truncation', 'synthesis', 'grid'];

interface Report {
  counts: { ran: number; cached: number; failed: number };
  nodes: Record<string, { status: string }>;
  written: string[];
}

function run(cache: string, args: readonly string[] = [], out = tmp()): Report & { out: string } {
  const r = stylegraph(['run', graph, '--set', 'seeds.seeds=0-3', '--cache', cache, '--out', out, '--json', ...args]);
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  return { ...(JSON.parse(r.stdout) as Report), out };
}
const statuses = (r: Report) => Object.fromEntries(Object.entries(r.nodes).map(([id, n]) => [id, n.status]));
const files = (dir: string) => ['entries', 'blobs'].flatMap((s) => readdirSync(join(dir, s)).map((f) => join(dir, s, f)));
const diskBytes = (dir: string) => files(dir).reduce((a, f) => a + statSync(f).size, 0);

describe('stylegraph run --cache', () => {
  it('recomputes only the nodes downstream of a changed param, in a new process each run', () => {
    const cache = tmp();
    const first = run(cache);
    expect(first.counts).toMatchObject({ ran: 7, cached: 0, failed: 0 });

    const second = run(cache);
    expect(second.counts).toMatchObject({ ran: 1, cached: 6 });
    expect(statuses(second)).toEqual({ ...Object.fromEntries(PURE.map((id) => [id, 'cached'])), save: 'done' });
    expect(readFileSync(join(second.out, 'generate.png')).equals(readFileSync(join(first.out, 'generate.png')))).toBe(true);

    const psi = run(cache, ['--set', 'truncation.psi=0.5']);
    expect(statuses(psi)).toEqual({ model: 'cached', seeds: 'cached', mapping: 'cached', truncation: 'done', synthesis: 'done', grid: 'done', save: 'done' });
    expect(psi.counts).toMatchObject({ ran: 4, cached: 3 });
    expect(readFileSync(join(psi.out, 'generate.png')).equals(readFileSync(join(first.out, 'generate.png')))).toBe(false);

    expect(run(cache, ['--set', 'truncation.psi=0.5']).counts).toMatchObject({ ran: 1, cached: 6 });
    expect(run(cache).counts).toMatchObject({ ran: 1, cached: 6 });
  });

  it('stays within --cache-max, removing the least recently used outputs first', () => {
    const probe = tmp();
    run(probe);
    const oneRun = diskBytes(probe);
    const bound = Math.floor(oneRun * 1.5);
    const cache = tmp();
    for (const [i, seeds] of ['0-3', '4-7', '8-11'].entries()) {
      const r = run(cache, ['--set', `seeds.seeds=${seeds}`, '--cache-max', String(bound)]);
      // Each hit renews the model's entry, so the previous seeds' outputs go first.
      expect(statuses(r)).toMatchObject({ model: i === 0 ? 'done' : 'cached', seeds: 'done', grid: 'done' });
      expect(diskBytes(cache)).toBeLessThanOrEqual(bound);
    }
    // The latest run is whole; the model, used by every run, was kept; the first seeds' outputs were removed.
    expect(run(cache, ['--set', 'seeds.seeds=8-11', '--cache-max', String(bound)]).counts).toMatchObject({ ran: 1, cached: 6 });
    const oldest = run(cache, ['--set', 'seeds.seeds=0-3', '--cache-max', String(bound)]);
    expect(statuses(oldest)).toMatchObject({ model: 'cached', seeds: 'done', mapping: 'done' });
    expect(diskBytes(cache)).toBeLessThanOrEqual(bound);
  });

  it('treats a damaged blob or entry as a miss: that node runs again and the cache is repaired', () => {
    const cache = tmp();
    run(cache);
    const blobs = readdirSync(join(cache, 'blobs')).map((f) => join(cache, 'blobs', f));
    const largest = blobs.sort((a, b) => statSync(b).size - statSync(a).size)[0]!;
    const bytes = readFileSync(largest);
    bytes[bytes.length - 1]! ^= 0xff;
    writeFileSync(largest, bytes);
    expect(run(cache).counts).toMatchObject({ ran: 2, cached: 5 });
    expect(run(cache).counts).toMatchObject({ ran: 1, cached: 6 });

    const entry = join(cache, 'entries', readdirSync(join(cache, 'entries'))[0]!);
    truncateSync(entry, Math.floor(statSync(entry).size / 2));
    expect(run(cache).counts).toMatchObject({ ran: 2, cached: 5 });
    expect(run(cache).counts).toMatchObject({ ran: 1, cached: 6 });
  });

  it('refuses a size it cannot read, and --cache-max without --cache (exit 2)', () => {
    const bad = stylegraph(['run', graph, '--cache', tmp(), '--cache-max', 'lots']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('"lots" is not a memory size');
    const alone = stylegraph(['run', graph, '--cache-max', '1G']);
    expect(alone.code).toBe(2);
    expect(alone.stderr).toContain('--cache-max needs --cache <dir>');
  });
});
