/**
 * Every figure example runs on the bundled model and matches its committed golden PNGs
 * (PSNR ≥ 45 dB on 8-bit RGBA). Regenerate the goldens after a deliberate change with
 * `node tools/examples/update-goldens.mjs`.
 */
import { mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodePng } from '@stylegraph/plugin-io';
import { stylegraph } from './run-cli.js';

export const FIGURE_EXAMPLES = ['generate', 'style-mixing', 'truncation-sweep', 'noise-variation', 'interpolation', 'mixing-ci', 'watermark-robustness', 'invert', 'invert-and-mix', 'stylegan3-pan-rotate'] as const;
const MIN_PSNR = 45;

/** PSNR in dB between two PNG files' RGBA bytes (999 when identical). */
async function psnr(a: Uint8Array, b: Uint8Array): Promise<number> {
  const [x, y] = await Promise.all([decodePng(a), decodePng(b)]);
  expect([x.width, x.height]).toEqual([y.width, y.height]);
  let se = 0;
  for (let i = 0; i < x.rgba.length; i++) se += (x.rgba[i]! - y.rgba[i]!) ** 2;
  return se === 0 ? 999 : 10 * Math.log10((255 * 255 * x.rgba.length) / se);
}

describe('figure examples against their golden images', () => {
  it.each(FIGURE_EXAMPLES)('%s', async (name) => {
    const out = mkdtempSync(join(tmpdir(), `stylegraph-${name}-`));
    const r = stylegraph(['run', `examples/${name}.graph.json`, '--out', out]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const goldenDir = `test/golden/examples/${name}`;
    const pngs = (dir: string) => readdirSync(dir).filter((f) => f.endsWith('.png')).sort();
    const goldens = name === 'mixing-ci' ? [] : pngs(goldenDir); // mixing-ci asserts and writes nothing
    expect(pngs(out)).toEqual(goldens);
    for (const f of goldens) {
      const db = await psnr(new Uint8Array(readFileSync(join(out, f))), new Uint8Array(readFileSync(join(goldenDir, f))));
      expect(db, `${name}/${f}: ${db.toFixed(1)} dB`).toBeGreaterThanOrEqual(MIN_PSNR);
    }
    if (name === 'interpolation') expect(readdirSync(join(out, 'frames'))).toHaveLength(33);
    if (name === 'watermark-robustness') {
      const report = JSON.parse(readFileSync(join(out, 'robustness.json'), 'utf8')) as Record<string, number>;
      expect(report['unmarked.detected']).toBe(0);
      expect(report['jpeg80.decoded.payload.0']).toBe('5eed1e55c0ffee42');
    }
  });

  it('watermark-robustness fails naming the floor when the mark is too weak to survive', () => {
    const out = mkdtempSync(join(tmpdir(), 'stylegraph-watermark-'));
    // At 60 dB the change rounds away in 8-bit pixels: every attacked copy loses the mark.
    const r = stylegraph(['run', 'examples/watermark-robustness.graph.json', '--out', out, '--set', 'embed.psnr=60']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('of 8 payloads must survive');
  });

  it('invert fails naming the floor when a reconstruction falls short of it', () => {
    const out = mkdtempSync(join(tmpdir(), 'stylegraph-invert-'));
    const r = stylegraph(['run', 'examples/invert.graph.json', '--out', out, '--set', 'projectedFloor.than=60']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('the projector must reconstruct held-out faces to 25 dB in 40 steps');
  });

  it('mixing-ci fails naming the assertion when its promise is broken', () => {
    const out = mkdtempSync(join(tmpdir(), 'stylegraph-mixing-ci-'));
    // Taking the coarse layers in the "fine" node must break "fine keeps the structure".
    const r = stylegraph(['run', 'examples/mixing-ci.graph.json', '--out', out, '--set', 'mixFine.layers=coarse']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('mixing only the fine layers must keep the coarse structure');
  });
});
