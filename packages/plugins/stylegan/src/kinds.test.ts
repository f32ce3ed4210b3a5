/**
 * Every kind this plugin declares survives its codec: tensors bit for bit, noise settings as
 * data, and a generator as a handle that another process re-opens from the same file.
 */
import { spawnSync } from 'node:child_process';
import { cp, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { frameValue, tensor, unframeValue, type FileAccess, type PortKind, type Tensor } from '@stylegraph/core';
import { C, Generator, Noise, WPlus, Z } from './kinds.js';
import { openGenerator } from './open-generator.js';
import type { NoiseSpec } from './nodes/noise.js';

const fixtures = fileURLToPath(new URL('../../../ops-gpu/fixtures/', import.meta.url));
const repo = fileURLToPath(new URL('../../../../', import.meta.url));
const filesAt = (root: string): FileAccess => ({
  read: async (p) => new Uint8Array(await readFile(join(root, p))),
  exists: (p) => stat(join(root, p)).then(() => true, () => false),
  write: async () => {
    throw new Error('no writes');
  },
});

async function roundTrip<T>(kind: PortKind<T>, v: T, files?: FileAccess): Promise<{ back: T; framed: Uint8Array }> {
  const framed = frameValue(kind.name, await kind.codec.encode(v));
  const { kind: name, encoded } = unframeValue(framed);
  expect(name).toBe(kind.name);
  return { back: await kind.codec.decode(encoded, files ? { files } : {}), framed };
}

const bytes = (t: Tensor) => new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength);
const temp: string[] = [];
afterAll(() => Promise.all(temp.map((d) => rm(d, { recursive: true, force: true }))));

describe('stylegan kinds', () => {
  it('Z, C and W+ round-trip bit for bit, and re-encode to the same bytes', async () => {
    const data = new Float32Array([0.1, -0, NaN, Infinity, -1e-38, 3.4e38]);
    for (const [kind, dims] of [[Z, [2, 3]], [C, [3, 2]], [WPlus, [1, 2, 3]]] as const) {
      const t = tensor('float32', dims, data.slice());
      const { back, framed } = await roundTrip(kind, t);
      expect(back.dims).toEqual(dims);
      expect(bytes(back)).toEqual(bytes(t));
      expect(frameValue(kind.name, await kind.codec.encode(back))).toEqual(framed);
      expect(kind.check(back)).toBeUndefined();
    }
  });

  it('noise settings round-trip as data', async () => {
    const n: NoiseSpec = { mode: 'random', seed: 4294967295, scale: [1, 0, 0.5, Infinity] };
    expect((await roundTrip(Noise, n)).back).toEqual(n);
    expect(Noise.check({ mode: 'loud' })).toBe('expected a noise specification');
  });

  it('explicit noise maps (a projection’s) round-trip bit for bit; corrupt ones are refused', async () => {
    const a = tensor('float32', [2, 1, 4, 4], Float32Array.from({ length: 32 }, (_, i) => Math.sin(i) * 1e3));
    const b = tensor('float32', [2, 1, 8, 8], Float32Array.from({ length: 128 }, (_, i) => -i / 7));
    const n: NoiseSpec = { mode: 'maps', seed: 3, scale: [1, 0.5], maps: { 'b4.conv1': a, 'b8.conv0': b } };
    const { back } = await roundTrip(Noise, n);
    expect(back.mode).toBe('maps');
    expect(back.scale).toEqual([1, 0.5]);
    expect(back.maps!['b4.conv1']!.data).toEqual(a.data);
    expect(back.maps!['b8.conv0']!.dims).toEqual([2, 1, 8, 8]);
    expect(back.maps!['b8.conv0']!.data).toEqual(b.data);
    expect(Noise.check({ mode: 'maps', seed: 0, scale: [] })).toBe('noise of mode "maps" needs its maps');
    const enc = await Noise.codec.encode(n);
    await expect((async () => Noise.codec.decode({ header: enc.header, bytes: enc.bytes.subarray(0, 100) }, {}))()).rejects.toThrow(/runs past the data/);
    await expect((async () => Noise.codec.decode({ header: enc.header, bytes: new Uint8Array(enc.bytes.length + 4) }, {}))()).rejects.toThrow(/left over/);
  });

  it('a generator crosses to a fresh process as a handle and is re-opened there from its file', async () => {
    const files = filesAt(fixtures);
    for (const path of ['small', 'pkl/a32.pkl']) {
      const g = await openGenerator(files, { path });
      const encoded = await Generator.codec.encode(g);
      // A handle, not the weights.
      expect(encoded.bytes.byteLength).toBe(0);
      expect(encoded.header).toEqual({ id: g.id, source: { path } });
      const dir = await mkdtemp(join(tmpdir(), 'sg-handle-'));
      temp.push(dir);
      await writeFile(join(dir, 'gen.bin'), frameValue(Generator.name, encoded));
      const script = `
        import { readFile, stat } from 'node:fs/promises';
        import { unframeValue } from '@stylegraph/core';
        import { kinds } from '@stylegraph/plugin-stylegan';
        const root = ${JSON.stringify(fixtures)};
        const files = { read: async (p) => new Uint8Array(await readFile(root + p)), exists: (p) => stat(root + p).then(() => true, () => false), write: async () => { throw new Error('no'); } };
        const { encoded } = unframeValue(new Uint8Array(await readFile(${JSON.stringify(join(dir, 'gen.bin'))})));
        const g = await kinds.Generator.codec.decode(encoded, { files });
        const w = g.model.weights.generator.get('mapping.w_avg');
        console.log(JSON.stringify({ id: g.id, dims: g.dims, pid: process.pid, wAvg: Array.from(w.data.slice(0, 4)) }));`;
      const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { cwd: repo, encoding: 'utf8' });
      expect(r.stderr).toBe('');
      const other = JSON.parse(r.stdout.trim()) as { id: string; dims: unknown; pid: number; wAvg: number[] };
      expect(other.pid).not.toBe(process.pid);
      expect(other.id).toBe(g.id);
      expect(other.dims).toEqual(g.dims);
      expect(other.wAvg).toEqual(Array.from(g.model.weights.generator.get('mapping.w_avg')!.data.slice(0, 4)));
    }
  });

  it('refuses to re-open a handle whose file changed, or one that was never loaded from a file', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'sg-handle-'));
    temp.push(dir);
    await cp(join(fixtures, 'small'), join(dir, 'small'), { recursive: true });
    const files = filesAt(dir);
    const g = await openGenerator(files, { path: 'small' });
    const encoded = await Generator.codec.encode(g);
    const weights = join(dir, 'small', 'generator.safetensors');
    const w = await readFile(weights);
    w[w.length - 1]! ^= 1;
    await writeFile(weights, w);
    await expect(Promise.resolve(Generator.codec.decode(encoded, { files }))).rejects.toThrow(/the file changed/);
    await expect(Promise.resolve(Generator.codec.decode(encoded, {}))).rejects.toThrow(/no file access/);
    const { source: _s, ...unsourced } = g;
    expect(() => Generator.codec.encode(unsourced)).toThrow(/not loaded from a file/);
  });
});

describe('generator identity', () => {
  it('a state dict read with another conv_clamp is another generator; the same clamp is the same one', async () => {
    const files = filesAt(fixtures);
    const path = 'pkl/a32.state-dict.pt';
    const plain = await openGenerator(files, { path });
    const c256 = await openGenerator(files, { path, convClamp: 256 });
    const none = await openGenerator(files, { path, convClamp: null });
    expect(new Set([plain.id, c256.id, none.id]).size).toBe(3);
    expect((await openGenerator(files, { path, convClamp: 256 })).id).toBe(c256.id);
    expect(c256.model.contentHash).toBe(c256.id);
    // The handle keeps the clamp, so a fresh process re-opens the same network.
    const encoded = await Generator.codec.encode(c256);
    expect(encoded.header).toEqual({ id: c256.id, source: { path, convClamp: 256 } });
    expect((await Generator.codec.decode(encoded, { files })).id).toBe(c256.id);
  });
});
