import { mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readNpy } from '@stylegraph/core';
import { stylegraph } from './run-cli.js';

const examples = readdirSync('examples').filter((f) => f.endsWith('.graph.json'));

describe('examples', () => {
  it.each(examples)('%s passes stylegraph check', (file) => {
    const r = stylegraph(['check', `examples/${file}`]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
  });

  it('faces-dataset writes images and labels NumPy can load', () => {
    const out = mkdtempSync(join(tmpdir(), 'stylegraph-faces-'));
    const r = stylegraph(['run', 'examples/faces-dataset.graph.json', '--out', out, '--set', 'faces.seeds=0-3']);
    expect(r.code).toBe(0);
    expect(readNpy(new Uint8Array(readFileSync(join(out, 'images.npy')))).dims).toEqual([4, 3, 64, 64]);
    expect(readNpy(new Uint8Array(readFileSync(join(out, 'labels.npy')))).dims).toEqual([4, 30]);
  });
});
