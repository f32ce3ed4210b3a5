/**
 * A plugin written outside the packages, as a third party would (stylegraph-plugin-tiles: its
 * own port kind, a seed widget, a node that reports intermediate images), through the CLI:
 * loaded with `--plugin` or installed where the graph is, checked, run and listed.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GraphDocument } from '@stylegraph/core';
import { stylegraph } from './run-cli.js';
import { MASK_COLOR, TILES_ENTRY, TILES_GRAPH, TILES_PACKAGE, expectedMask, maskingErrors, tilesGraph, tilesOutputs, tilesWorkspace, type TilesWorkspace } from '../support/tiles.js';

const tmp = () => mkdtempSync(join(tmpdir(), 'sg-tiles-cli-'));

/** Checks a run's three .npy files: the masks are the seeded tiles, covered pixels are the fill, the rest the faces. */
async function expectTilesRun(out: string): Promise<void> {
  const { faces, mask, masked } = await tilesOutputs(out);
  expect(faces.dims).toEqual([2, 3, 64, 64]);
  expect(mask).toMatchObject({ dtype: 'uint8', dims: [2, 64, 64] });
  expect(Buffer.from(mask.data as Uint8Array).equals(Buffer.from(expectedMask({ seed: 7, batch: 2, height: 64, width: 64, tile: 16 })))).toBe(true);
  // Both covered and uncovered tiles, so both halves of the check below mean something.
  const covered = (mask.data as Uint8Array).reduce((n, v) => n + v, 0);
  expect(covered).toBeGreaterThan(0);
  expect(covered).toBeLessThan(mask.data.length);
  expect(maskingErrors(faces, mask, masked, 0.25)).toEqual([]);
}

describe('a third-party plugin through the CLI', () => {
  let dir: string;
  let ws: TilesWorkspace;
  let graph: GraphDocument;
  beforeAll(async () => {
    dir = tmp();
    ws = await tilesWorkspace();
    graph = await tilesGraph();
  });
  afterAll(() => ws.remove());

  const variant = (name: string, edit: (g: GraphDocument) => void) => {
    const g = structuredClone(graph);
    edit(g);
    const path = join(dir, `${name}.graph.json`);
    writeFileSync(path, JSON.stringify(g));
    return path;
  };

  it('check accepts the graph with the plugin from --plugin', () => {
    const r = stylegraph(['check', TILES_GRAPH, '--plugin', TILES_ENTRY]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('ok (0 errors, 0 warnings)');
  });

  it('check refuses a Mask wired into an Image input', () => {
    const path = variant('kind', (g) => void (g.edges[0] = { from: 'mask.mask', to: 'apply.image' }));
    const r = stylegraph(['check', path, '--plugin', TILES_ENTRY]);
    expect(r.code).toBe(2);
    const [line, summary] = r.stderr.trim().split('\n');
    expect(line).toBe(`${path}: error TYPE_MISMATCH node "apply" port "image": mask.mask is Mask [B, H, W] but input "image" of tiles/ApplyMask takes Image [B, C, H, W]`);
    expect(summary).toContain('invalid (1 error, 0 warnings)');
  });

  it('check refuses masks whose height is not the images’', () => {
    const path = variant('shape', (g) => void (g.nodes.mask!.params!.height = 32));
    const r = stylegraph(['check', path, '--plugin', TILES_ENTRY, '--json']);
    expect(r.code).toBe(2);
    const report = JSON.parse(r.stdout) as { diagnostics: { code: string; node: string; port: string; message: string }[] };
    expect(report.diagnostics).toHaveLength(1);
    expect(report.diagnostics[0]).toMatchObject({ code: 'SHAPE_MISMATCH', node: 'apply', port: 'mask' });
    expect(report.diagnostics[0]!.message).toMatch(/disagrees on H: 32 \(from the params of node "mask"\) ≠ 64 \(from the params of node "faces"\)/);
  });

  it('run covers the tiles with the fill value and leaves every other pixel as it was', async () => {
    const out = tmp();
    const r = stylegraph(['run', TILES_GRAPH, '--plugin', TILES_ENTRY, '--out', out, '--json']);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ status: 'ok', counts: { ran: 6, failed: 0 } });
    await expectTilesRun(out);
  });

  it('run loads the plugin installed where the graph is, by the package name the graph requires', async () => {
    const out = tmp();
    const r = stylegraph(['run', ws.graph, '--out', out], ws.dir);
    expect(r.code, r.stderr).toBe(0);
    await expectTilesRun(out);
    // Without it installed there, the same graph names the missing package.
    const elsewhere = variant('elsewhere', () => undefined);
    const missing = stylegraph(['check', elsewhere]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(new RegExp(`error PLUGIN_MISSING .*${TILES_PACKAGE}`));
  });

  it('nodes --json lists the plugin, its kind with colour and dims, and its nodes', () => {
    const r = stylegraph(['nodes', '--json', '--plugin', TILES_ENTRY]);
    expect(r.code, r.stderr).toBe(0);
    const listed = JSON.parse(r.stdout) as { plugins: { name: string }[]; kinds: { name: string }[]; nodes: { type: string; plugin: { name: string }; inputs: Record<string, unknown>; params: { properties: Record<string, unknown> } }[] };
    expect(listed.plugins).toContainEqual({ name: TILES_PACKAGE, version: '1.0.0', apiVersion: 2, namespace: 'tiles' });
    expect(listed.kinds.find((k) => k.name === 'tiles/Mask')).toEqual({
      name: 'tiles/Mask',
      title: 'Mask',
      description: 'masks, uint8 [B, H, W]: 1 where a pixel is covered, 0 elsewhere',
      dims: ['B', 'H', 'W'],
      tensor: true,
      dtype: 'uint8',
      color: MASK_COLOR.hex,
      plugin: TILES_PACKAGE,
    });
    const apply = listed.nodes.find((n) => n.type === 'tiles/ApplyMask');
    expect(apply?.plugin.name).toBe(TILES_PACKAGE);
    expect(apply?.inputs.mask).toMatchObject({ type: 'tiles/Mask', kindTitle: 'Mask', color: MASK_COLOR.hex, display: 'Mask [B, H, W]' });
    expect(listed.nodes.find((n) => n.type === 'tiles/RandomTiles')?.params.properties.seed).toMatchObject({ type: 'integer', widget: 'seed', minimum: 0, maximum: 4294967295 });
  });
});
