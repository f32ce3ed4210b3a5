/**
 * The editor's in-browser run: the same graph run in Chromium with onnxruntime-web on WebGPU
 * (SwiftShader here) gives the image the server's onnxruntime-node (cpu) gives, within a
 * tolerance, and writes it to the same place through the server.
 */
import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { decodePng } from '@stylegraph/plugin-io';
import { launch, runInEditor } from './browser.js';
import { repoRoot, serve, type Served } from './serve.js';

const GRAPH = {
  open: 'example-examples/style-mixing.graph.json',
  node: 'gridCoarse',
  image: 'style-mixing-coarse.png',
  /** Same folder depth as the original, so its relative model path still resolves. */
  savedAs: `out/webgpu-e2e-${process.pid}.graph.json`,
};
const outDir = join(repoRoot, 'out', GRAPH.savedAs.split('/').pop()!.replace('.graph.json', ''));

async function run(page: Page, backend: string): Promise<string> {
  await page.getByTestId('backend').selectOption(backend);
  const { phase, message } = await runInEditor(page, 240_000);
  expect(phase, message).toBe('ok');
  return message;
}

const pixels = async () => decodePng(new Uint8Array(await readFile(join(outDir, GRAPH.image))));

describe('editor: run in the browser on WebGPU', () => {
  let server: Served;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    browser = await launch(['--enable-unsafe-webgpu']);
    server = await serve();
    page = await browser.newPage({ viewport: { width: 1440, height: 880 } });
    await page.goto(server.url);
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    await rm(join(repoRoot, GRAPH.savedAs), { force: true });
    await rm(outDir, { recursive: true, force: true });
  });

  it('gives the server’s image within tolerance', { timeout: 300_000 }, async () => {
    await page.getByTestId('examples').click();
    await page.getByTestId(GRAPH.open).click();
    await page.getByTestId(`node-${GRAPH.node}`).waitFor();
    // Fewer seeds keep the software-emulated GPU's share of the suite short.
    for (const [node, seeds] of [['rowSeeds', '85,100'], ['colSeeds', '55,821']] as const) {
      await page.getByTestId(`node-${node}`).locator('.sg-node-head').click();
      const input = page.getByTestId(`param-${node}-seeds`);
      await input.fill(seeds);
      await input.press('Enter');
    }
    page.once('dialog', (d) => void d.accept(GRAPH.savedAs));
    await page.getByTestId('save-as').click();
    await page.getByText(`saved ${GRAPH.savedAs}`).waitFor();

    await run(page, 'cpu');
    const server = await pixels();
    await rm(join(outDir, GRAPH.image));

    const message = await run(page, 'browser-webgpu');
    expect(message).toMatch(/in the browser on webgpu/);
    expect(await page.getByTestId(`preview-${GRAPH.node}`).first().getAttribute('src')).toMatch(/^data:image\/png;base64,/);
    const web = await pixels();
    expect([web.width, web.height]).toEqual([server.width, server.height]);
    let maxDiff = 0;
    let sq = 0;
    for (let i = 0; i < web.rgba.length; i++) {
      const d = web.rgba[i]! - server.rgba[i]!;
      maxDiff = Math.max(maxDiff, Math.abs(d));
      sq += d * d;
    }
    const psnr = 10 * Math.log10((255 * 255) / Math.max(sq / web.rgba.length, 1e-12));
    // 8-bit rounding of float results that agree to ~1e-3 may differ by one step.
    expect(maxDiff).toBeLessThanOrEqual(2);
    expect(psnr).toBeGreaterThan(45);
  });
});
