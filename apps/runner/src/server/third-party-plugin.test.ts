/**
 * `stylegraph serve` on a workspace with a third-party plugin installed (stylegraph-plugin-tiles,
 * test/fixtures/plugin-tiles/): discovered at start, described with its kind's colour, its
 * browser code offered to the editor, and its graph run through the API with the intermediate
 * images `ctx.show` reports streamed in order before the outputs.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTRPCClient, httpBatchLink } from '@trpc/client';
import { decodePng } from '@stylegraph/plugin-io';
import { MASK_COLOR, TILES_ENTRY, TILES_PACKAGE, maskingErrors, tilesOutputs, tilesWorkspace, type TilesWorkspace } from '../../../../test/support/tiles.js';
import { defaultEditorDir, startServer, type RunningServer } from './http-server.js';
import { editorImportMap, rewriteSpecifiers } from './module-specifiers.js';
import type { AppRouter } from './router.js';
import type { ServerRunEvent } from './runs.js';

const client = (s: RunningServer) => createTRPCClient<AppRouter>({ links: [httpBatchLink({ url: `${s.origin}/trpc`, methodOverride: 'POST' })] });

/** A run's server-sent events until "finished". */
async function events(s: RunningServer, runId: string): Promise<ServerRunEvent[]> {
  const text = await (await fetch(`${s.origin}/trpc/run.events?input=${encodeURIComponent(JSON.stringify({ runId }))}`)).text();
  return text
    .split('\n\n')
    .filter((block) => /^id: \d+/m.test(block))
    .map((block) => JSON.parse(block.split('\n').find((l) => l.startsWith('data: '))!.slice(6)) as ServerRunEvent);
}

const pixels = async (png: string) => (await decodePng(new Uint8Array(Buffer.from(png.slice(png.indexOf(',') + 1), 'base64')))).rgba;

describe('stylegraph serve with a third-party plugin installed in the workspace', () => {
  let ws: TilesWorkspace;
  let s: RunningServer;
  beforeAll(async () => {
    ws = await tilesWorkspace();
    // Trusted: the page may import its code (an isolated plugin's nodes run on the server only).
    s = await startServer({ workspace: ws.dir, port: 0, trust: ['stylegraph-plugin-tiles'] });
  });
  afterAll(async () => {
    await s?.close();
    await ws?.remove();
  });

  it('describes the plugin, its kind with its colour, and where the page imports its code from', async () => {
    const types = await client(s).graph.nodeTypes.query();
    expect(types.portKinds['tiles/Mask']).toEqual({ name: 'tiles/Mask', title: 'Mask', description: expect.any(String), dims: ['B', 'H', 'W'], tensor: true, dtype: 'uint8', color: MASK_COLOR.hex, plugin: TILES_PACKAGE });
    const apply = types.nodes.find((n) => n.type === 'tiles/ApplyMask');
    expect(apply?.inputs.mask).toMatchObject({ type: 'tiles/Mask', color: MASK_COLOR.hex });
    expect(apply?.plugin).toEqual({ name: TILES_PACKAGE, version: '1.0.0' });
    const plugin = types.plugins.find((p) => p.name === TILES_PACKAGE);
    expect(plugin).toEqual({ name: TILES_PACKAGE, version: '1.0.0', browser: `/plugins/${TILES_PACKAGE}/index.js`, runs: 'trusted' });
    // Built-ins are part of the editor already: no URL for them.
    expect(types.plugins.find((p) => p.name === '@stylegraph/plugin-std')).toEqual({ name: '@stylegraph/plugin-std', version: '0.1.0' });
    const res = await fetch(`${s.origin}${plugin!.browser}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    // The module as it is, but for its core import, pointed at the editor's own copy.
    const source = await readFile(TILES_ENTRY, 'utf8');
    const map = await editorImportMap(defaultEditorDir());
    const served = await res.text();
    expect(served).toBe(await rewriteSpecifiers(source, map));
    if (map['@stylegraph/core']) expect(served).not.toContain("from '@stylegraph/core'");
    for (const path of [`/plugins/${TILES_PACKAGE}/package.json`, `/plugins/${TILES_PACKAGE}/..%2F..%2Fshape-plugin.mjs`, '/plugins/@stylegraph/plugin-std/dist/index.js', '/plugins/other/index.js']) {
      expect((await fetch(`${s.origin}${path}`)).status, path).toBe(404);
    }
    expect((await fetch(`${s.origin}${plugin!.browser}`, { method: 'POST' })).status).toBe(405);
  });

  it('runs its graph, streaming each intermediate image before the output, and writes the covered faces', async () => {
    const c = client(s);
    const path = 'tiles.graph.json';
    const { graph } = await c.files.open.query({ path });
    const started = await c.run.start.mutate({ graph, path, backend: 'cpu' });
    expect(started.ok).toBe(true);
    const all = await events(s, (started as { runId: string }).runId);
    expect(all.at(-1)).toMatchObject({ type: 'finished', status: 'ok', counts: { ran: 6 } });

    const apply = all.filter((e) => 'node' in e && e.node === 'apply' && e.type !== 'node-progress');
    const image = { tensor: { dtype: 'float32', dims: [2, 3, 64, 64] } };
    // One `values` event per band (`ctx.show('preview', …)`), then the output, then done; the previews in the same order.
    expect(apply.filter((e) => e.type !== 'preview')).toEqual([
      { type: 'node-start', node: 'apply' },
      ...Array.from({ length: 4 }, (_, band) => ({ type: 'values', node: 'apply', values: { preview: image }, step: band + 1 })),
      { type: 'values', node: 'apply', values: { image } },
      { type: 'node-done', node: 'apply', ms: expect.any(Number), cached: false },
    ]);
    const previews = apply.flatMap((e) => (e.type === 'preview' ? e.previews : []));
    // Intermediate images whose preview had not started when a newer one came are replaced by it
    // (how many are drawn depends on timing); the first and the last always are, then the output.
    const ports = previews.map((p) => p.port);
    expect(ports.at(-1)).toBe('image');
    expect(ports.slice(0, -1).every((p) => p === 'preview')).toBe(true);
    expect(ports.length).toBeGreaterThanOrEqual(3);
    // Each band covers more: the previews come closer to the output's until the last equals it.
    const final = await pixels(previews.at(-1)!.png);
    const differing = await Promise.all(previews.slice(0, -1).map(async (p) => (await pixels(p.png)).reduce((n, v, i) => n + Number(v !== final[i]), 0)));
    expect(differing[0]).toBeGreaterThan(0);
    expect(differing.at(-1)).toBe(0);
    for (let i = 1; i < differing.length; i++) expect(differing[i]).toBeLessThanOrEqual(differing[i - 1]!);

    const result = await c.run.result.query({ runId: (started as { runId: string }).runId });
    expect(result.written).toEqual(expect.arrayContaining(['out/tiles/faces.npy', 'out/tiles/mask.npy', 'out/tiles/masked.npy']));
    const { faces, mask, masked } = await tilesOutputs(join(ws.dir, 'out/tiles'));
    expect(maskingErrors(faces, mask, masked, 0.25)).toEqual([]);
  });
});
