import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { encodePng } from '@stylegraph/plugin-io';
import { toyImages } from '../../packages/plugins/detect/src/testing/toy.js';
import { stylegraph } from './run-cli.js';

/** n toy 64 px PNGs (see toyImages) and a file that is not an image. */
async function folder(dir: string, n: number, artefact: boolean, seed: number) {
  mkdirSync(dir, { recursive: true });
  for (const [k, rgb] of toyImages(n, artefact, seed).entries()) writeFileSync(join(dir, `${String(k).padStart(4, '0')}.png`), await encodePng(rgb, 64, 64, 3));
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
