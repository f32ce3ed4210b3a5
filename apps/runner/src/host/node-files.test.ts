import { mkdtempSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { NodeFiles } from './node-files.js';

const tmp = () => mkdtempSync(join(tmpdir(), 'stylegraph-files-'));

describe('NodeFiles', () => {
  it('reads relative to the graph folder and hashes files and folders by content', async () => {
    const root = tmp();
    mkdirSync(join(root, 'model'));
    writeFileSync(join(root, 'model', 'a.bin'), 'abc');
    const files = new NodeFiles({ readRoot: root, outDir: join(root, 'out') });
    expect(new TextDecoder().decode(await files.read('model/a.bin'))).toBe('abc');
    expect(await files.exists('model/a.bin')).toBe(true);
    expect(await files.exists('model/nope')).toBe(false);
    await expect(files.read('nope.bin')).rejects.toThrow('cannot read nope.bin: no such file');
    const h1 = await files.hash('model');
    writeFileSync(join(root, 'model', 'a.bin'), 'abd');
    expect(await files.hash('model')).not.toBe(h1);
    expect(await files.hash('model/a.bin')).toMatch(/^[0-9a-f]{64}$/);
  });

  it('writes atomically inside the output folder only', async () => {
    const root = tmp();
    const out = join(root, 'out');
    const files = new NodeFiles({ readRoot: root, outDir: out });
    await files.write('sub/x.txt', new TextEncoder().encode('hello'));
    expect(readFileSync(join(out, 'sub', 'x.txt'), 'utf8')).toBe('hello');
    expect(readdirSync(join(out, 'sub'))).toEqual(['x.txt']);
    await expect(files.write('../escape.txt', new Uint8Array(1))).rejects.toThrow(/outside the output folder/);
    await expect(files.write('/etc/passwd', new Uint8Array(1))).rejects.toThrow(/outside the output folder/);
    expect(readdirSync(root)).toEqual(['out']);
    expect(files.written).toHaveLength(1);
  });
});
