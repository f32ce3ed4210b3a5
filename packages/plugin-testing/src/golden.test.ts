import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { readNpy } from '@stylegraph/core';
import { matchGolden } from './golden.js';
import { tensor } from './tensors.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'golden-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));
afterEach(() => {
  delete process.env.UPDATE_GOLDENS;
});

const value = () => tensor('float32', [2, 2], [1, 2, 3, 4]);

describe('matchGolden', () => {
  it('writes a missing golden as .npy (creating folders), then matches it', async () => {
    const file = join(dir, 'a', 'b', 'x.npy');
    expect(await matchGolden(value(), file)).toBe('written');
    const stored = readNpy(new Uint8Array(await readFile(file)));
    expect(stored.dims).toEqual([2, 2]);
    expect(Array.from(stored.data as Float32Array)).toEqual([1, 2, 3, 4]);
    expect(await matchGolden(value(), file)).toBe('matched');
    expect(await matchGolden(value(), pathToFileURL(file))).toBe('matched');
  });

  it('fails on a different value, naming the element, unless within atol', async () => {
    const file = join(dir, 'y.npy');
    await matchGolden(value(), file);
    const changed = tensor('float32', [2, 2], [1, 2, 3.001, 4]);
    await expect(matchGolden(changed, file)).rejects.toThrow(/y\.npy: 1 of 4 elements .*worst at \[1, 0\] \(flat 2\).*UPDATE_GOLDENS=1/);
    expect(await matchGolden(changed, file, { atol: 0.01 })).toBe('matched');
    expect(Array.from(readNpy(new Uint8Array(await readFile(file))).data as Float32Array)).toEqual([1, 2, 3, 4]); // never rewritten by a failure
  });

  it('fails on another shape or dtype', async () => {
    const file = join(dir, 'z.npy');
    await matchGolden(value(), file);
    await expect(matchGolden(tensor('float32', [4], [1, 2, 3, 4]), file)).rejects.toThrow(/holds float32 \[2, 2\], the value is float32 \[4\]/);
    await expect(matchGolden(tensor('float64', [2, 2], [1, 2, 3, 4]), file)).rejects.toThrow(/the value is float64/);
  });

  it('rewrites with UPDATE_GOLDENS=1', async () => {
    const file = join(dir, 'u.npy');
    await matchGolden(value(), file);
    process.env.UPDATE_GOLDENS = '1';
    expect(await matchGolden(tensor('float32', [1], [9]), file)).toBe('written');
    delete process.env.UPDATE_GOLDENS;
    expect(await matchGolden(tensor('float32', [1], [9]), file)).toBe('matched');
    await expect(stat(`${file}.${process.pid}.tmp`)).rejects.toThrow(); // no temporary file left
  });
});
