// Re-runs the figure examples and stores their top-level PNGs as the golden images of
// test/cli/example-goldens.test.ts. Only after a deliberate change (a new model, a node fix).
//   node tools/examples/update-goldens.mjs [name…]   (after npm run build; default: all of them)
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../', import.meta.url));
const all = ['generate', 'style-mixing', 'truncation-sweep', 'noise-variation', 'interpolation', 'watermark-robustness', 'invert', 'invert-and-mix', 'stylegan3-pan-rotate'];
const names = process.argv.length > 2 ? process.argv.slice(2) : all;
for (const name of names) {
  const out = mkdtempSync(join(tmpdir(), `golden-${name}-`));
  const r = spawnSync(process.execPath, ['apps/runner/bin/stylegraph.js', 'run', `examples/${name}.graph.json`, '--out', out], { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) process.exit(r.status ?? 1);
  const dest = join(root, 'test/golden/examples', name);
  rmSync(dest, { recursive: true, force: true });
  mkdirSync(dest, { recursive: true });
  for (const f of readdirSync(out).filter((f) => f.endsWith('.png'))) {
    copyFileSync(join(out, f), join(dest, f));
    console.log(`test/golden/examples/${name}/${f}`);
  }
}
