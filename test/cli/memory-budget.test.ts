// Work too large for the machine is refused up front with one clear line, never by swapping
// or by "Invalid typed array length" from deep inside a node.
import { existsSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { stylegraph } from './run-cli.js';

const tmp = () => mkdtempSync(join(tmpdir(), 'stylegraph-memory-'));

describe('stylegraph run --max-memory', () => {
  it('refuses 100 000 seeds over a 1 GiB budget once the model is loaded, before the big nodes run', () => {
    const out = tmp();
    const r = stylegraph(['run', 'examples/generate.graph.json', '--set', 'seeds.seeds=0-99999', '--max-memory', '1G', '--out', out, '--json']);
    expect(r.code).toBe(1);
    expect(r.stderr.trim().split('\n')).toEqual([
      'examples/generate.graph.json: node "grid" (io/ImageGrid) failed: MEMORY_BUDGET: node "grid" (io/ImageGrid) would output image [1, 3, 824998, 526] float32 = 4.85 GiB; planned outputs total 10.4 GiB, over the memory budget of 1.00 GiB (raise it with --max-memory)',
    ]);
    const { nodes } = JSON.parse(r.stdout);
    expect(nodes.model.status).toBe('done');
    for (const id of ['seeds', 'mapping', 'truncation', 'synthesis', 'save']) expect(nodes[id].status, id).toBe('skipped');
    expect(existsSync(out) ? readdirSync(out) : []).toEqual([]);
  });

  it('exits 2 on a size it cannot read', () => {
    const r = stylegraph(['run', 'examples/generate.graph.json', '--max-memory', '12 parsecs', '--out', tmp()]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('"12 parsecs" is not a memory size');
  });
});

describe('stylegraph check', () => {
  it('refuses RenderFaces of 100 000 seeds at 256 px as TENSOR_TOO_LARGE (exit 2) instead of crashing', () => {
    const r = stylegraph(['check', 'examples/faces-dataset.graph.json', '--set', 'faces.seeds=0-99999', '--set', 'faces.size=256']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(
      'error TENSOR_TOO_LARGE node "faces" port "image": faces/RenderFaces would output image [100000, 3, 256, 256] float32 = 73.2 GiB: 19660800000 elements, more than one tensor can hold (4294967295)',
    );
  });
});
