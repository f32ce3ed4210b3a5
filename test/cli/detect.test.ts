import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { encodePng } from '@stylegraph/plugin-io';
import { stylegraph } from './run-cli.js';

/** n 64 px PNGs: smooth colour fields; `artefact` adds a trace on the even-pixel lattice, as nearest-neighbour upsampling leaves. */
async function folder(dir: string, n: number, artefact: boolean, seed: number) {
  mkdirSync(dir, { recursive: true });
  let s = seed;
  const rand = () => ((s = (s * 1103515245 + 12345) % 2147483648) / 2147483648);
  for (let k = 0; k < n; k++) {
    const px = new Uint8Array(64 * 64 * 4);
    const [fx, fy, ph] = [1 + 3 * rand(), 1 + 3 * rand(), 6 * rand()];
    for (let y = 0; y < 64; y++) {
      for (let x = 0; x < 64; x++) {
        for (let c = 0; c < 3; c++) {
          let v = 0.5 * Math.sin((fx * x + fy * y) / 10 + ph + c) + 0.05 * (rand() - 0.5);
          if (artefact && x % 2 === 0 && y % 2 === 0) v += 0.15 * (rand() - 0.5) + 0.04;
          px[(y * 64 + x) * 4 + c] = Math.max(0, Math.min(255, Math.round((v + 1) * 127.5)));
        }
        px[(y * 64 + x) * 4 + 3] = 255;
      }
    }
    writeFileSync(join(dir, `${String(k).padStart(4, '0')}.png`), await encodePng(px, 64, 64, 4));
  }
  writeFileSync(join(dir, 'notes.txt'), 'not an image');
}

describe('detection from the CLI', () => {
  it('train-detector trains on two folders and writes a model + card that detect/Synthetic reads', async () => {
    const root = mkdtempSync(join(tmpdir(), 'stylegraph-detect-'));
    await folder(join(root, 'real'), 110, false, 1);
    await folder(join(root, 'generated'), 110, true, 2);
    const out = join(root, 'out');
    const r = stylegraph(['run', 'examples/train-detector.graph.json', '--set', `real.folder=${join(root, 'real')}`, '--set', `generated.folder=${join(root, 'generated')}`, '--set', 'train.augment=false', '--out', out]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const report = JSON.parse(readFileSync(join(out, 'training.json'), 'utf8'));
    expect(report.ap).toBeGreaterThan(0.95);
    expect(report.trainReal).toBe(88);
    const card = JSON.parse(readFileSync(join(out, 'spectral-detector.card.json'), 'utf8'));
    expect(card.name).toBe('my-spectral');
    expect(card.thresholds).toHaveLength(3);
    expect(existsSync(join(out, 'spectral-detector.onnx'))).toBe(true);
    // A folder that does not exist: exit 1, naming it.
    const bad = stylegraph(['run', 'examples/train-detector.graph.json', '--set', `real.folder=${join(root, 'nope')}`, '--set', `generated.folder=${join(root, 'generated')}`, '--out', join(root, 'out2')]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/cannot read .*nope/);
  });

  it('detect-benchmark: the CI-sized check passes its floors', () => {
    const out = mkdtempSync(join(tmpdir(), 'stylegraph-detect-bench-'));
    const r = stylegraph(['run', 'examples/detect-benchmark.graph.json', '--out', out]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const report = JSON.parse(readFileSync(join(out, 'detect-benchmark.json'), 'utf8'));
    expect(report['residual.generated.images']).toBe(32);
  });
});
