import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { stylegraph } from './run-cli.js';

const pkl = (name: string) => `packages/ops-gpu/fixtures/pkl/${name}`;

describe('stylegraph model import', () => {
  it('converts an NVIDIA pickle into a model folder', () => {
    const out = join(mkdtempSync(join(tmpdir(), 'stylegraph-import-')), 'b64');
    const r = stylegraph(['model', 'import', pkl('b64.pkl'), '--out', out]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('StyleGAN2 64 px');
    expect(readdirSync(out).sort()).toEqual(['MODEL.md', 'config.json', 'discriminator.safetensors', 'generator.safetensors']);
    const config = JSON.parse(readFileSync(join(out, 'config.json'), 'utf8'));
    expect(config.generator).toEqual(JSON.parse(readFileSync(pkl('b64.config.json'), 'utf8')).generator);
    // Replacing needs --force.
    expect(stylegraph(['model', 'import', pkl('a32.pkl'), '--out', out]).code).toBe(2);
    expect(stylegraph(['model', 'import', pkl('a32.pkl'), '--out', out, '--force']).code).toBe(0);
    expect(JSON.parse(readFileSync(join(out, 'config.json'), 'utf8')).generator.resolution).toBe(32);
    // --force never replaces a folder that is not a model.
    const precious = mkdtempSync(join(tmpdir(), 'stylegraph-precious-'));
    writeFileSync(join(precious, 'thesis.tex'), 'do not delete');
    const r2 = stylegraph(['model', 'import', pkl('a32.pkl'), '--out', precious, '--force']);
    expect(r2.code).toBe(2);
    expect(r2.stderr).toContain('refusing to replace it with a model');
    expect(readFileSync(join(precious, 'thesis.tex'), 'utf8')).toBe('do not delete');
  });

  it('converts StyleGAN3 and original TensorFlow pickles', () => {
    for (const [file, family, want] of [['sg3r.pkl', 'StyleGAN3-R 32 px', 'packages/ops-gpu/fixtures/sg3r/config.json'], ['tf-b64.pkl', 'StyleGAN2 64 px', pkl('b64.config.json')]] as const) {
      const out = join(mkdtempSync(join(tmpdir(), 'stylegraph-import-')), 'm');
      const r = stylegraph(['model', 'import', pkl(file), '--out', out]);
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      expect(r.stdout).toContain(family);
      const config = JSON.parse(readFileSync(join(out, 'config.json'), 'utf8'));
      expect(config.generator.architecture).toBe(JSON.parse(readFileSync(want, 'utf8')).generator.architecture);
      expect(config.generator.numWs).toBe(JSON.parse(readFileSync(want, 'utf8')).generator.numWs);
      expect(readFileSync(join(out, 'MODEL.md'), 'utf8')).toContain(file);
    }
  });

  it.each([
    ['evil-os-system.pkl', 'refusing to load global os.system'],
    ['truncated.pkl', 'truncated'],
    ['stylegan3.pkl', 'G_ema has no mapping network'],
  ])('refuses %s with one line, exit 2, and writes nothing', (file, message) => {
    const parent = mkdtempSync(join(tmpdir(), 'stylegraph-import-'));
    const r = stylegraph(['model', 'import', pkl(file), '--out', join(parent, 'm')]);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toContain(message);
    expect(readdirSync(parent)).toEqual([]);
    expect(existsSync('/tmp/stylegraph-pwned')).toBe(false);
  });
});
