/**
 * Headless Chromium for the editor tests: Debian's `chromium` driven by playwright-core (no
 * browser download). Without it the suite fails and says what to install.
 */
import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

export const CHROMIUM = process.env.STYLEGRAPH_CHROMIUM ?? '/usr/bin/chromium';

export const CHROMIUM_ARGS = ['--headless=new', '--no-sandbox', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];

export async function launch(extraArgs: readonly string[] = [], executable = CHROMIUM): Promise<Browser> {
  if (!existsSync(executable)) {
    throw new Error(`The editor's end-to-end tests need Chromium at ${executable}, and it is not there. Install Debian's package: apt-get update && apt-get install -y chromium (or set STYLEGRAPH_CHROMIUM to a Chromium binary).`);
  }
  return chromium.launch({ executablePath: executable, args: [...CHROMIUM_ARGS, ...extraArgs] });
}
