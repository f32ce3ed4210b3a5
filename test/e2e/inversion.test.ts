/**
 * The inversion example in the editor's in-browser mode (onnxruntime-web on WebAssembly): the
 * same graph the CLI runs — encoder, projector, floors — passes in Chromium, shows the
 * projector's preview on its node, and writes its report (with the seconds per step) through
 * the server. `STYLEGRAPH_BROWSER_STEPS` runs more steps for a timing
 * (packages/plugins/inversion's README quotes it).
 */
import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { launch, runInEditor } from './browser.js';
import { repoRoot, serve, type Served } from './serve.js';

const SAVED = `out/invert-e2e-${process.pid}.graph.json`;
const outDir = join(repoRoot, 'out', SAVED.split('/').pop()!.replace('.graph.json', ''));
const STEPS = process.env.STYLEGRAPH_BROWSER_STEPS;
const BACKEND = process.env.STYLEGRAPH_BROWSER_BACKEND ?? 'browser-wasm';

describe('editor: inversion in the browser', () => {
  let server: Served;
  let browser: Browser;
  let page: Page;
  beforeAll(async () => {
    browser = await launch(BACKEND === 'browser-webgpu' ? ['--enable-unsafe-webgpu'] : []);
    server = await serve();
    page = await browser.newPage({ viewport: { width: 1440, height: 880 } });
    await page.goto(server.url);
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    await rm(join(repoRoot, SAVED), { force: true });
    await rm(outDir, { recursive: true, force: true });
  });

  it('encodes and projects held-out faces, passing the example’s floors', { timeout: 300_000 }, async () => {
    await page.getByTestId('examples').click();
    await page.getByTestId('example-examples/invert.graph.json').click();
    await page.getByTestId('node-project').waitFor();
    if (STEPS) {
      await page.getByTestId('node-project').locator('.sg-node-head').click();
      const input = page.getByTestId('param-project-steps');
      await input.fill(STEPS);
      await input.press('Enter');
    }
    page.once('dialog', (d) => void d.accept(SAVED));
    await page.getByTestId('save-as').click();
    await page.getByText(`saved ${SAVED}`).waitFor();
    await page.getByTestId('backend').selectOption(BACKEND);
    const { phase, message } = await runInEditor(page, 280_000);
    expect(phase, message).toBe('ok');
    expect(message).toMatch(/in the browser on (wasm|webgpu)/);
    expect(await page.getByTestId('preview-project').first().getAttribute('src')).toMatch(/^data:image\/png;base64,/);
    const report = JSON.parse(await readFile(join(outDir, 'invert.json'), 'utf8')) as Record<string, number>;
    expect(report.steps).toBe(Number(STEPS ?? 40));
    console.log(`inversion in the browser (${BACKEND}): ${(report.secondsPerStep! * 1000).toFixed(1)} ms per step for ${report.targets} targets, ${report.psnr!.toFixed(2)} dB`);
  });
});
