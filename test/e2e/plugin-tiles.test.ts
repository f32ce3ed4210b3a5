/**
 * A third-party plugin in the editor, in headless Chromium against `stylegraph serve` on a
 * workspace that has stylegraph-plugin-tiles installed: its nodes are in the palette, handles
 * are drawn in its kind's colour, its seed param gets the seed widget, and the graph runs in
 * the page with the plugin's own code (imported from the server), writing what the plugin
 * computes.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { launch, runInEditor } from './browser.js';
import { serve, type Served } from './serve.js';
import { MASK_COLOR, expectedMask, maskingErrors, tilesOutputs, tilesWorkspace, type TilesWorkspace } from '../support/tiles.js';

const handle = (page: Page, node: string, port: string, side: 'source' | 'target') => page.locator(`.react-flow__handle.${side}[data-nodeid="${node}"][data-handleid="${port}"]`);
const background = (page: Page, node: string, port: string, side: 'source' | 'target') => handle(page, node, port, side).evaluate((el) => getComputedStyle(el).backgroundColor);

describe('editor: a third-party plugin, shown and run in the browser', () => {
  let ws: TilesWorkspace;
  let server: Served;
  let browser: Browser;
  let page: Page;
  const errors: string[] = [];

  beforeAll(async () => {
    ws = await tilesWorkspace();
    browser = await launch();
    // Trusted, so the page may import its code and run it in the browser.
    server = await serve(['--trust', 'stylegraph-plugin-tiles'], ws.dir);
    page = await browser.newPage({ viewport: { width: 1440, height: 880 } });
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(server.url);
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    await ws?.remove();
  });

  it('shows the plugin’s nodes with handles in its kind’s colour', async () => {
    await page.getByTestId('palette-tiles/RandomTiles').waitFor();
    await page.getByTestId('palette-tiles/ApplyMask').waitFor();
    await page.getByTestId('open').click();
    await page.getByTestId('open-tiles.graph.json').click();
    await page.getByTestId('node-apply').waitFor();
    expect(await background(page, 'mask', 'mask', 'source')).toBe(MASK_COLOR.rgb);
    expect(await background(page, 'apply', 'mask', 'target')).toBe(MASK_COLOR.rgb);
    // Other kinds keep their own colour (core's Image).
    expect(await background(page, 'apply', 'image', 'target')).toBe('rgb(103, 194, 58)');
  });

  it('runs the graph in the page with the plugin’s code, with the seed its widget picked', async () => {
    await page.getByTestId('node-mask').locator('.sg-node-head').click();
    const seed = page.getByTestId('param-mask-seed');
    expect(await seed.inputValue()).toBe('7');
    await page.getByTestId('randomize-mask-seed').click();
    const picked = Number(await seed.inputValue());
    expect(picked).not.toBe(7);
    // In-browser runs are offered once the page has imported the plugin.
    await page.locator('[data-testid="backend"] option[value="browser-wasm"]:not([disabled])').waitFor({ state: 'attached' });
    await page.getByTestId('backend').selectOption('browser-wasm');
    const { phase, message } = await runInEditor(page, 120_000);
    expect(phase, message).toBe('ok');
    expect(message).toMatch(/in the browser on wasm/);
    expect(await page.getByTestId('preview-apply').first().getAttribute('src')).toMatch(/^data:image\/png;base64,/);

    const { faces, mask, masked } = await tilesOutputs(`${ws.dir}/out/tiles`);
    expect(Buffer.from(mask.data as Uint8Array).equals(Buffer.from(expectedMask({ seed: picked, batch: 2, height: 64, width: 64, tile: 16 })))).toBe(true);
    expect(maskingErrors(faces, mask, masked, 0.25)).toEqual([]);
    expect(errors).toEqual([]);
  });
});
