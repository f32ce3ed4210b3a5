/**
 * The example plugins in the editor, installed from their tarballs into the workspace of
 * `stylegraph serve`: the palette marks their nodes — sepia "isolated" (with its capabilities),
 * the edge operator "data" — and the graph using both runs on the server and in the browser: there
 * sepia's code runs in a Worker, never in the page, and the edge operator is built from its
 * manifest and ONNX model (no plugin code).
 */
import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { launch, runInEditor } from './browser.js';
import { serve, type Served } from './serve.js';
import { EDGE, examplesGraph, maxDiff, pluginWorkspace, readTensor, sepiaReference, sobelReference, type PluginWorkspace } from '../support/example-plugins.js';

describe('editor: the example plugins', () => {
  let ws: PluginWorkspace;
  let server: Served;
  let browser: Browser;
  let page: Page;
  const errors: string[] = [];

  beforeAll(async () => {
    ws = await pluginWorkspace();
    const { sepia: _sepia, saveSepia: _save, ...nodes } = examplesGraph.nodes;
    const edgesOnly = {
      ...examplesGraph,
      plugins: { '@stylegraph/plugin-faces': '^0.1.0', '@stylegraph/plugin-io': '^0.1.0', [EDGE]: '^1.0.0' },
      nodes,
      edges: [
        { from: 'faces.image', to: 'edges.image' },
        { from: 'faces.image', to: 'saveFaces.tensor' },
        { from: 'edges.edges', to: 'saveEdges.tensor' },
      ],
    };
    await writeFile(join(ws.dir, 'edges.graph.json'), JSON.stringify(edgesOnly, null, 2));
    browser = await launch();
    server = await serve([], ws.dir);
    page = await browser.newPage({ viewport: { width: 1440, height: 880 } });
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(server.url);
  }, 180_000);
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    await ws?.remove();
  });

  it('marks third-party nodes in the palette with how they run', async () => {
    const sepia = page.getByTestId('badge-sepia/Sepia');
    await sepia.waitFor();
    expect(await sepia.textContent()).toBe('isolated');
    expect(await sepia.getAttribute('title')).toMatch(/stylegraph-plugin-sepia 0\.1\.0 — isolated: runs in its own process; capabilities: fs\.read none; fs\.write none; net no; childProcess no; memory 512 MB; time 60 s/);
    expect(await page.getByTestId('badge-edge/Sobel').textContent()).toBe('data');
    expect(await page.getByTestId('badge-faces/RenderFaces').count()).toBe(0);
  });

  it('runs the graph with both on the server', async () => {
    await page.getByTestId('open').click();
    await page.getByTestId('open-examples.graph.json').click();
    await page.getByTestId('node-sepia').waitFor();
    await page.getByTestId('backend').selectOption('auto');
    const { phase, message } = await runInEditor(page, 120_000);
    expect(phase, message).toBe('ok');
    const dir = join(ws.dir, 'out', 'examples');
    const [faces, sepia, edges] = await Promise.all(['faces', 'sepia', 'edges'].map((n) => readTensor(join(dir, `${n}.npy`))));
    expect(maxDiff(sepia!.data as Float32Array, sepiaReference(faces!, 0.8))).toBeLessThan(1e-6);
    expect(maxDiff(edges!.data as Float32Array, sobelReference(sepia!, 2))).toBeLessThan(1e-4);
  });

  it('runs both in the browser: sepia in a Worker, the operator from its ONNX', async () => {
    await page.locator('[data-testid="backend"] option[value="browser-wasm"]:not([disabled])').waitFor({ state: 'attached' });
    await page.getByTestId('backend').selectOption('browser-wasm');
    await rm(join(ws.dir, 'out', 'examples'), { recursive: true, force: true });
    const { phase, message } = await runInEditor(page, 120_000);
    expect(phase, message).toBe('ok');
    expect(message).toMatch(/in the browser on wasm/);
    const dir = join(ws.dir, 'out', 'examples');
    const [faces, sepia, edges] = await Promise.all(['faces', 'sepia', 'edges'].map((n) => readTensor(join(dir, `${n}.npy`))));
    expect(maxDiff(sepia!.data as Float32Array, sepiaReference(faces!, 0.8))).toBeLessThan(1e-6);
    expect(maxDiff(edges!.data as Float32Array, sobelReference(sepia!, 2))).toBeLessThan(1e-4);
    // The plugin's code ran in a Worker: the page itself never imported it.
    expect(await page.evaluate(() => performance.getEntriesByType('resource').some((r) => r.name.includes('/plugins/stylegraph-plugin-sepia/')))).toBe(false);
    expect(errors).toEqual([]);
  });

  it('runs the data-only operator alone in the page', async () => {
    await page.getByTestId('open').click();
    await page.getByTestId('open-edges.graph.json').click();
    await page.getByTestId('node-edges').waitFor();
    await page.locator('[data-testid="backend"] option[value="browser-wasm"]:not([disabled])').waitFor({ state: 'attached' });
    await page.getByTestId('backend').selectOption('browser-wasm');
    const { phase, message } = await runInEditor(page, 120_000);
    expect(phase, message).toBe('ok');
    const dir = join(ws.dir, 'out', 'edges');
    const [faces, edges] = await Promise.all(['faces', 'edges'].map((n) => readTensor(join(dir, `${n}.npy`))));
    expect(maxDiff(edges!.data as Float32Array, sobelReference(faces!, 2))).toBeLessThan(1e-4);
    expect(errors).toEqual([]);
  });
});
