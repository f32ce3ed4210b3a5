/**
 * A batch job from the editor, in headless Chromium against `stylegraph serve --queue` with one
 * `stylegraph worker` on a real Redis: open a graph, plan it, submit it, follow it to the end,
 * and find the shards' files where a single run would have written them.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { startLocalRedis, type LocalRedis } from '@stylegraph/runner';
import { launch } from './browser.js';
import { repoRoot, serve, type Served } from './serve.js';

const name = `batch-e2e-${process.pid}`;
/** Two folders deep, like examples/…, so the graph's ../../models path holds. */
const graphPath = `out/${name}-graphs/${name}.graph.json`;

describe('batch jobs from the editor', () => {
  let redis: LocalRedis;
  let server: Served;
  let worker: ChildProcess;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    redis = await startLocalRedis();
    const example = JSON.parse(await readFile(join(repoRoot, 'examples/dataset.graph.json'), 'utf8'));
    example.nodes.seeds.params.seeds = '100-139';
    example.nodes.model.params.path = '../../models/faces64';
    await mkdir(join(repoRoot, `out/${name}-graphs`), { recursive: true });
    await writeFile(join(repoRoot, graphPath), JSON.stringify(example, null, 2));
    worker = spawn(process.execPath, [join(repoRoot, 'apps/runner/bin/stylegraph.js'), 'worker', '--queue', redis.url, '--backend', 'cpu'], { stdio: 'ignore' });
    server = await serve(['--queue', redis.url]);
    browser = await launch();
    page = await browser.newPage({ viewport: { width: 1440, height: 880 } });
    await page.goto(server.url);
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    worker?.kill('SIGKILL');
    await redis?.stop();
    await rm(join(repoRoot, `out/${name}-graphs`), { recursive: true, force: true });
    await rm(join(repoRoot, 'out', name), { recursive: true, force: true });
  });

  it('plans, submits and follows a job; the files land in out/<graph name>/', async () => {
    await page.getByTestId('open').click();
    await page.getByTestId(`open-${graphPath}`).click();
    await page.getByTestId('node-seeds').waitFor();
    await page.getByTestId('batch').click();
    // The graph declares its axis; the size is changed here.
    expect(await page.getByTestId('batch-shard').inputValue()).toBe('seeds.seeds');
    await page.getByTestId('batch-size').fill('16');
    await page.getByTestId('batch-plan').getByText(`40 items of seeds.seeds in 3 shards of ≤ 16 → out/${name}/`).waitFor();
    // An axis that is not one is refused with the reason, before anything is queued.
    await page.getByTestId('batch-shard').fill('truncation.psi');
    await page.getByTestId('batch-plan').getByText(/neither a seed list nor a list/).waitFor();
    expect(await page.getByTestId('batch-submit').isDisabled()).toBe(true);
    await page.getByTestId('batch-shard').fill('seeds.seeds');
    await page.getByTestId('batch-plan').getByText(/in 3 shards/).waitFor();
    await page.getByTestId('batch-submit').click();
    await page.locator('[data-testid="batch-progress"][data-finished="yes"]').waitFor({ timeout: 60_000 });
    expect(await page.getByTestId('batch-progress').textContent()).toMatch(/3\/3 shards/);
    const files = (await readdir(join(repoRoot, 'out', name))).sort();
    expect(files).toEqual(Array.from({ length: 40 }, (_, i) => `seed-${String(i).padStart(5, '0')}.png`));
  }, 120_000);
});
