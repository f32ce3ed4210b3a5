import { mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readPngText } from '@stylegraph/plugin-io';
import { stylegraph } from './run-cli.js';

const graph = 'test/fixtures/generate-random.graph.json';

describe('stylegraph run with StyleGAN and image nodes', () => {
  it('writes PNGs that embed the graph, and re-running a PNG reproduces it byte for byte', () => {
    const out = mkdtempSync(join(tmpdir(), 'stylegraph-gen-'));
    const r = stylegraph(['run', graph, '--out', out]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(readdirSync(out).sort()).toEqual(['grid.png', 'seed-00.png', 'seed-01.png', 'seed-02.png', 'seed-03.png']);
    const png = new Uint8Array(readFileSync(join(out, 'grid.png')));
    const embedded = JSON.parse(readPngText(png).get('stylegraph')!);
    expect(embedded.node).toBe('save');
    expect(embedded.params).toEqual({ path: 'grid.png', embedGraph: true });
    expect(embedded.graph.nodes.seeds.params.seeds).toBe('0-3');

    const again = mkdtempSync(join(tmpdir(), 'stylegraph-gen-'));
    const rerun = stylegraph(['run', join(out, 'grid.png'), '--root', 'test/fixtures', '--out', again]);
    expect(rerun.code).toBe(0);
    expect(readFileSync(join(again, 'grid.png')).equals(readFileSync(join(out, 'grid.png')))).toBe(true);
    // A different seed gives different pixels.
    const other = mkdtempSync(join(tmpdir(), 'stylegraph-gen-'));
    expect(stylegraph(['run', graph, '--out', other, '--set', 'seeds.seeds=10-13']).code).toBe(0);
    expect(readFileSync(join(other, 'grid.png')).equals(readFileSync(join(out, 'grid.png')))).toBe(false);
  });

  it('refuses a PNG without an embedded graph', () => {
    const r = stylegraph(['check', 'packages/ops-gpu/fixtures/pkl/not-a-pickle.pkl.png']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('no such file');
  });
});

describe('a CI graph of assertions', () => {
  it('passes: batch size never changes pixels, and the grid matches its golden PNG', () => {
    const out = mkdtempSync(join(tmpdir(), 'stylegraph-ci-'));
    const r = stylegraph(['run', 'test/fixtures/determinism-ci.graph.json', '--out', out, '--json']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).outputs).toEqual({ 'identical.passed': true, 'goldenPsnr.passed': true });
  });

  it('fails with exit 1 naming the assertion when the output drifts from the golden image', () => {
    const out = mkdtempSync(join(tmpdir(), 'stylegraph-ci-'));
    const r = stylegraph(['run', 'test/fixtures/determinism-ci.graph.json', '--out', out, '--set', 'trunc.psi=0.2']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('node "goldenPsnr" (std/Assert) failed: ASSERTION_FAILED: the grid drifted from the golden image: expected golden.psnr >= 45');
    expect(r.stderr).not.toContain('"identical"');
  });
});
