#!/usr/bin/env node
// The `stylegraph` command. The CLI itself lives in ../dist (built by `npm run build`).
import { existsSync } from 'node:fs';

const cli = new URL('../dist/cli.js', import.meta.url);
if (!existsSync(cli)) {
  console.error('stylegraph: the CLI is not built yet; run `npm run setup` (or `npm run build`) in the repository first');
  process.exit(2);
}
const { main } = await import(cli.href);
const controller = new AbortController();
process.once('SIGINT', () => controller.abort(new Error('interrupted')));
const code = await main(process.argv.slice(2), {
  out: (s) => process.stdout.write(`${s}\n`),
  err: (s) => process.stderr.write(`${s}\n`),
  isTTY: Boolean(process.stderr.isTTY),
  write: (s) => process.stderr.write(s),
  signal: controller.signal,
});
process.exitCode = code;
