/**
 * Headless Chromium for the editor tests: Debian's `chromium` driven by playwright-core (no
 * browser download). Without it the suite fails and says what to install.
 */
import { existsSync } from 'node:fs';
import { chromium, type Browser, type Page } from 'playwright-core';

export const CHROMIUM = process.env.STYLEGRAPH_CHROMIUM ?? '/usr/bin/chromium';

export const CHROMIUM_ARGS = ['--headless=new', '--no-sandbox', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];

export async function launch(extraArgs: readonly string[] = [], executable = CHROMIUM): Promise<Browser> {
  if (!existsSync(executable)) {
    throw new Error(`The editor's end-to-end tests need Chromium at ${executable}, and it is not there. Install Debian's package: apt-get update && apt-get install -y chromium (or set STYLEGRAPH_CHROMIUM to a Chromium binary).`);
  }
  return chromium.launch({ executablePath: executable, args: [...CHROMIUM_ARGS, ...extraArgs] });
}

/** Clicks the editor's Run button and waits for that run to end; returns its phase and message. */
export async function runInEditor(page: Page, timeout: number): Promise<{ phase: string; message: string }> {
  const phase = page.getByTestId('run-phase');
  const before = await phase.getAttribute('data-run-id');
  await page.getByTestId('run').click();
  await page.waitForFunction(
    (prev) => {
      const el = document.querySelector('[data-testid="run-phase"]');
      return !!el && el.getAttribute('data-run-id') !== prev && ['ok', 'failed', 'cancelled', 'invalid', 'error'].includes(el.textContent ?? '');
    },
    before,
    { timeout },
  );
  return { phase: (await phase.textContent()) ?? '', message: (await page.getByTestId('run-message').textContent()) ?? '' };
}
