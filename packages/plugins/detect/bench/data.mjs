// Benchmark data: held-out renders (the real images) and samples of the bundled model and of
// generators the detectors never saw, made by `stylegraph run` from fixed seed ranges that no
// training or calibration read (tools/detect/train_detectors.py lists what it read), cached as
// .npy under runs/bench-detect/. Every set is quantized to 8 bits, as images are in the wild.
import { existsSync, readFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { readNpy } from '@stylegraph/core';
import { toRgb8 } from '@stylegraph/plugin-detect';

export const REPO = new URL('../../../../', import.meta.url).pathname;
const DATA = join(REPO, 'runs/bench-detect');

/** name → how to make it: [graph, first seed, extra --set args]. Models relative to tools/train/. */
export const SETS = {
  real: { what: 'faces/RenderFaces renders, seeds 62000+', graph: 'tools/train/dataset.graph.json', seed: 'faces.seeds', from: 62000, sets: [] },
  faces64: { what: 'models/faces64, ψ = 1, seeds 212000+', graph: 'tools/train/samples.graph.json', seed: 'seeds.seeds', from: 212000, sets: ['truncation.psi=1'] },
  'faces64 ψ0.7': { what: 'models/faces64, ψ = 0.7, seeds 303500+', graph: 'tools/train/samples.graph.json', seed: 'seeds.seeds', from: 303500, max: 1500, sets: ['truncation.psi=0.7'] },
  'faces64-continued': { what: 'the bundled run continued 110 → 118 kimg (unseen)', graph: 'tools/train/samples.graph.json', seed: 'seeds.seeds', from: 400000, sets: ['truncation.psi=1', 'model.path=../../models/detectors/heldout/faces64-continued'] },
  'small-nonoise': { what: 'a second generator: channels ≤ 64, 1 mapping layer, no noise, 30 kimg (unseen)', graph: 'tools/train/samples.graph.json', seed: 'seeds.seeds', from: 400000, sets: ['truncation.psi=1', 'model.path=../../models/detectors/heldout/small-nonoise'] },
};

/** Images of set `name` as 8-bit RGB [H, W, 3] byte arrays of 64 × 64 (n of them). */
export function loadSet(name, n, log) {
  const s = SETS[name];
  const count = Math.min(n, s.max ?? n);
  const dir = join(DATA, `${name.replace(/[^a-z0-9-]/gi, '_')}-${count}`);
  const file = join(dir, 'images.npy');
  if (!existsSync(file)) {
    log(`making ${name}: ${count} images (${s.what})`);
    const args = [join(REPO, 'apps/runner/bin/stylegraph.js'), 'run', join(REPO, s.graph), '--backend', 'cpu', '--out', dir, '--set', `${s.seed}=${s.from}-${s.from + count - 1}`];
    for (const x of s.sets) args.push('--set', x);
    const r = spawnSync(process.execPath, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    if (r.status !== 0) throw new Error(`stylegraph run for ${name} failed (exit ${r.status}): ${r.stderr.trim().split('\n').slice(-1)[0]}`);
  }
  const t = readNpy(new Uint8Array(readFileSync(file)));
  const [N, , H, W] = t.dims;
  const per = 3 * H * W;
  const images = Array.from({ length: N }, (_, b) => ({ rgb: toRgb8({ data: t.data.subarray(b * per, (b + 1) * per), H, W }), width: W, height: H }));
  return { images, what: s.what };
}
