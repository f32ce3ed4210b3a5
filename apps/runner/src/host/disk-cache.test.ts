import { mkdtempSync, readFileSync, readdirSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CORE_KINDS, CodecError, definePortKind, tensor, type CacheContext, type CacheEntry, type FileAccess, type PortKind, type Tensor } from '@stylegraph/core';
import { DiskCache } from './disk-cache.js';
import { evictionPlan, scanCache, STALE_TEMP_MS } from './disk-cache-usage.js';

const tmp = () => mkdtempSync(join(tmpdir(), 'stylegraph-disk-cache-'));
const files: FileAccess = {
  read: () => Promise.reject(new Error('no files')),
  exists: async () => false,
  write: () => Promise.reject(new Error('no files')),
};
const ctxOf = (kinds: Record<string, PortKind>): CacheContext => ({ kinds, files });
const K = (n: number) => n.toString(16).padStart(64, '0');
const entry = (outputs: Record<string, unknown>, extra: Partial<CacheEntry> = {}): CacheEntry => ({ files: [['model.bin', 'ab'.repeat(32)]], key: 'k'.repeat(64), outputs, ...extra });
const bytesOf = (t: Tensor) => new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength);
const ls = (dir: string, sub: string) => readdirSync(join(dir, sub)).sort();
const diskBytes = (dir: string) => ['entries', 'blobs'].flatMap((s) => readdirSync(join(dir, s)).map((f) => statSync(join(dir, s, f)).size)).reduce((a, b) => a + b, 0);

const tensorCtx = ctxOf({ t: CORE_KINDS.Tensor });
const image = (seed: number, n = 64) => tensor('float32', [1, 1, 1, n], Float32Array.from({ length: n }, (_, i) => Math.sin(seed * 1000 + i)));

describe('DiskCache round trip', () => {
  it('gives back tensors of every dtype bit-identical, from a fresh instance on the same folder', async () => {
    const dir = tmp();
    const f32 = new Float32Array([1.5, -0, NaN, Infinity, -Infinity, 1e-45]);
    new Uint32Array(f32.buffer)[2] = 0x7fc0_1234; // a NaN with a payload
    const values: Tensor[] = [
      tensor('float32', [2, 3], f32),
      tensor('float64', [3], new Float64Array([Math.PI, -0, Number.MIN_VALUE])),
      tensor('int32', [2, 2], new Int32Array([-(2 ** 31), 2 ** 31 - 1, 0, -1])),
      tensor('int64', [2], new BigInt64Array([-(2n ** 63n), 2n ** 63n - 1n])),
      tensor('uint8', [1, 4], new Uint8Array([0, 1, 254, 255])),
      tensor('bool', [3], new Uint8Array([1, 0, 1])),
      tensor('float32', [0, 5]),
    ];
    for (const [i, t] of values.entries()) await new DiskCache(dir).set(K(i), entry({ t }), tensorCtx);
    for (const [i, t] of values.entries()) {
      const got = await new DiskCache(dir).get(K(i), tensorCtx);
      const back = got!.outputs.t as Tensor;
      expect([back.dtype, back.dims]).toEqual([t.dtype, t.dims]);
      expect(bytesOf(back)).toEqual(bytesOf(t));
      expect(got!.files).toEqual([['model.bin', 'ab'.repeat(32)]]);
      expect(got!.key).toBe('k'.repeat(64));
    }
  });

  it('gives back reports, numbers JSON cannot hold included, with the services used', async () => {
    const dir = tmp();
    const report = { fid: 12.25, nan: NaN, inf: -Infinity, zero: -0, name: 'faces64', ok: true };
    const kinds = ctxOf({ report: CORE_KINDS.Report, count: CORE_KINDS.integer });
    await new DiskCache(dir).set(K(1), entry({ report, count: 7 }, { services: [['compute', 'cpu']] }), kinds);
    const got = await new DiskCache(dir).get(K(1), kinds);
    expect(got!.outputs).toEqual({ report, count: 7 });
    expect(Object.is((got!.outputs.report as typeof report).zero, -0)).toBe(true);
    expect(got!.services).toEqual([['compute', 'cpu']]);
  });

  it('misses on a pre-key it has not stored and stores identical outputs once', async () => {
    const dir = tmp();
    const cache = new DiskCache(dir);
    expect(await cache.get(K(9), tensorCtx)).toBeUndefined();
    await cache.set(K(1), entry({ t: image(1) }), tensorCtx);
    await cache.set(K(2), entry({ t: image(1) }), tensorCtx);
    expect(ls(dir, 'entries')).toEqual([`${K(1)}.json`, `${K(2)}.json`]);
    expect(ls(dir, 'blobs')).toHaveLength(1);
  });

  it('stores a pre-key that is not a hash under its digest', async () => {
    const dir = tmp();
    await new DiskCache(dir).set('not/a hash', entry({ t: image(1) }), tensorCtx);
    expect(ls(dir, 'entries')[0]).toMatch(/^[0-9a-f]{64}\.json$/);
    expect((await new DiskCache(dir).get('not/a hash', tensorCtx))?.outputs.t).toEqual(image(1));
  });

  it('does not store a value its codec cannot encode, without an error', async () => {
    const dir = tmp();
    const Handle = definePortKind<object>({
      name: 'test/Handle',
      description: 'a handle that cannot be written',
      dims: [],
      check: () => undefined,
      codec: {
        encode: () => {
          throw new CodecError('made in memory');
        },
        decode: () => ({}),
      },
    });
    const cache = new DiskCache(dir);
    await expect(cache.set(K(1), entry({ h: {}, t: image(1) }), ctxOf({ h: Handle, t: CORE_KINDS.Tensor }))).resolves.toBeUndefined();
    expect(await cache.get(K(1), ctxOf({ h: Handle, t: CORE_KINDS.Tensor }))).toBeUndefined();
    expect(readdirSync(dir)).toEqual([]);
  });

  it('does not store an entry larger than its bound', async () => {
    const dir = tmp();
    const cache = new DiskCache(dir, { maxBytes: 1000 });
    await cache.set(K(1), entry({ t: image(1, 1000) }), tensorCtx);
    expect(readdirSync(dir)).toEqual([]);
    await cache.set(K(2), entry({ t: image(1, 10) }), tensorCtx);
    expect(await cache.get(K(2), tensorCtx)).toBeDefined();
  });
});

describe('DiskCache bounds and ports', () => {
  it('refuses a bound that is not a number of bytes; 0 stores nothing', async () => {
    for (const bad of [-1, NaN]) expect(() => new DiskCache(tmp(), { maxBytes: bad })).toThrow(`DiskCache: maxBytes ${bad} is not a number of bytes`);
    const dir = tmp();
    await new DiskCache(dir, { maxBytes: 0 }).set(K(1), entry({ t: image(1) }), tensorCtx);
    expect(readdirSync(dir)).toEqual([]);
  });

  it('stores an entry exactly as large as its bound, and the folder then holds exactly that', async () => {
    const probe = tmp();
    await new DiskCache(probe).set(K(1), entry({ t: image(1) }), tensorCtx);
    const size = diskBytes(probe);
    const dir = tmp();
    const cache = new DiskCache(dir, { maxBytes: size });
    await cache.set(K(1), entry({ t: image(1) }), tensorCtx);
    expect(diskBytes(dir)).toBe(size);
    expect(await cache.get(K(1), tensorCtx)).toBeDefined();
    // One byte less and it is not kept.
    const tight = tmp();
    await new DiskCache(tight, { maxBytes: size - 1 }).set(K(1), entry({ t: image(1) }), tensorCtx);
    expect(readdirSync(tight)).toEqual([]);
  });

  it('misses, and removes the entry, when the node now has other ports than were stored', async () => {
    const dir = tmp();
    const cache = new DiskCache(dir);
    await cache.set(K(1), entry({ t: image(1), u: image(2) }), ctxOf({ t: CORE_KINDS.Tensor, u: CORE_KINDS.Tensor }));
    expect(await cache.get(K(1), ctxOf({ t: CORE_KINDS.Tensor }))).toBeUndefined();
    expect(ls(dir, 'entries')).toEqual([]);
    await cache.set(K(2), entry({ t: image(1) }), tensorCtx);
    expect(await cache.get(K(2), ctxOf({ t: CORE_KINDS.Tensor, u: CORE_KINDS.Tensor }))).toBeUndefined();
    await cache.set(K(3), entry({ t: image(1) }), tensorCtx);
    expect(await cache.get(K(3), ctxOf({ v: CORE_KINDS.Tensor }))).toBeUndefined();
  });

  it('renews an entry on a hit and leaves the files it read and its key as stored', async () => {
    const dir = tmp();
    const cache = new DiskCache(dir);
    await cache.set(K(1), entry({ t: image(1) }), tensorCtx);
    const path = join(dir, 'entries', `${K(1)}.json`);
    utimesSync(path, new Date(1000), new Date(1000));
    const hit = await cache.get(K(1), tensorCtx);
    expect(statSync(path).mtimeMs).toBeGreaterThan(Date.now() - 60_000);
    expect(hit).toMatchObject({ files: [['model.bin', 'ab'.repeat(32)]], key: 'k'.repeat(64) });
    expect(hit).not.toHaveProperty('services');
  });
});

describe('DiskCache damage', () => {
  const stored = async () => {
    const dir = tmp();
    await new DiskCache(dir).set(K(1), entry({ t: image(1) }), tensorCtx);
    const entryPath = join(dir, 'entries', `${K(1)}.json`);
    const blobPath = join(dir, 'blobs', ls(dir, 'blobs')[0]!);
    return { dir, entryPath, blobPath };
  };

  it('misses on a truncated entry file and removes it; a store repairs it', async () => {
    const { dir, entryPath } = await stored();
    const text = readFileSync(entryPath, 'utf8');
    writeFileSync(entryPath, text.slice(0, text.length / 2));
    const cache = new DiskCache(dir);
    expect(await cache.get(K(1), tensorCtx)).toBeUndefined();
    expect(ls(dir, 'entries')).toEqual([]);
    await cache.set(K(1), entry({ t: image(1) }), tensorCtx);
    expect((await cache.get(K(1), tensorCtx))?.outputs.t).toEqual(image(1));
  });

  it('misses on a blob whose bytes do not hash to its name (same size), removes entry and blob; a store repairs it', async () => {
    const { dir, blobPath } = await stored();
    const bytes = readFileSync(blobPath);
    bytes[bytes.length - 1]! ^= 1;
    writeFileSync(blobPath, bytes);
    const cache = new DiskCache(dir);
    expect(await cache.get(K(1), tensorCtx)).toBeUndefined();
    expect([ls(dir, 'entries'), ls(dir, 'blobs')]).toEqual([[], []]);
    await cache.set(K(1), entry({ t: image(1) }), tensorCtx);
    expect((await cache.get(K(1), tensorCtx))?.outputs.t).toEqual(image(1));
  });

  it('misses on a truncated or missing blob', async () => {
    const a = await stored();
    writeFileSync(a.blobPath, readFileSync(a.blobPath).subarray(0, 20));
    expect(await new DiskCache(a.dir).get(K(1), tensorCtx)).toBeUndefined();
    const b = await stored();
    writeFileSync(b.blobPath, '');
    expect(await new DiskCache(b.dir).get(K(1), tensorCtx)).toBeUndefined();
    expect(ls(b.dir, 'entries')).toEqual([]);
  });

  it('misses when the node’s kinds differ from the stored ones or its codec cannot decode the value', async () => {
    const { dir } = await stored();
    expect(await new DiskCache(dir).get(K(1), ctxOf({ t: CORE_KINDS.Image }))).toBeUndefined();
    const again = await stored();
    const Picky = definePortKind<Tensor>({ name: 'Tensor', description: 'x', dims: null, tensor: true, codec: { encode: () => ({ header: null, bytes: new Uint8Array() }), decode: () => Promise.reject(new CodecError('no')) } });
    expect(await new DiskCache(again.dir).get(K(1), ctxOf({ t: Picky }))).toBeUndefined();
    expect(ls(again.dir, 'entries')).toEqual([]);
  });

  it('never reads a temporary file left by an interrupted write as an entry, and removes it once stale', async () => {
    const dir = tmp();
    const cache = new DiskCache(dir, { maxBytes: 3000 });
    await cache.set(K(1), entry({ t: image(1) }), tensorCtx);
    const full = readFileSync(join(dir, 'entries', `${K(1)}.json`), 'utf8');
    const temp = join(dir, 'entries', `.${K(2)}.json.0123456789ab.tmp`);
    writeFileSync(temp, full.slice(0, 40));
    const old = new Date(Date.now() - STALE_TEMP_MS - 1000);
    utimesSync(temp, old, old);
    expect(await cache.get(K(2), tensorCtx)).toBeUndefined();
    for (let i = 3; i < 12; i++) await cache.set(K(i), entry({ t: image(i) }), tensorCtx);
    expect(ls(dir, 'entries').some((f) => f.endsWith('.tmp'))).toBe(false);
  });
});

describe('DiskCache size bound', () => {
  it('stays within maxBytes, removing the least recently used entries first (a hit renews an entry)', async () => {
    const dir = tmp();
    const one = async () => {
      const probe = tmp();
      await new DiskCache(probe).set(K(0), entry({ t: image(0) }), tensorCtx);
      return diskBytes(probe);
    };
    const size = await one();
    const cache = new DiskCache(dir, { maxBytes: size * 3 });
    for (let i = 0; i < 3; i++) await cache.set(K(i), entry({ t: image(i) }), tensorCtx);
    const t = Date.now() / 1000;
    for (let i = 0; i < 3; i++) utimesSync(join(dir, 'entries', `${K(i)}.json`), t - 300 + i * 100, t - 300 + i * 100);
    expect(await cache.get(K(0), tensorCtx)).toBeDefined(); // 0 is now the most recently used
    await cache.set(K(3), entry({ t: image(3) }), tensorCtx);
    expect(ls(dir, 'entries')).toEqual([K(0), K(2), K(3)].map((k) => `${k}.json`));
    expect(ls(dir, 'blobs')).toHaveLength(3);
    for (let i = 4; i < 20; i++) {
      await cache.set(K(i), entry({ t: image(i) }), tensorCtx);
      expect(diskBytes(dir)).toBeLessThanOrEqual(size * 3);
    }
    expect(ls(dir, 'entries')).toEqual([K(17), K(18), K(19)].map((k) => `${k}.json`));
  });

  it('removes unreferenced blobs first, then entries by last use, and a blob only with the last entry referring to it', async () => {
    const dir = tmp();
    const cache = new DiskCache(dir);
    await cache.set(K(1), entry({ t: image(1) }), tensorCtx);
    await cache.set(K(2), entry({ t: image(1) }), tensorCtx);
    await cache.set(K(3), entry({ t: image(3) }), tensorCtx);
    const orphan = `blobs/${'f'.repeat(64)}`;
    writeFileSync(join(dir, orphan), new Uint8Array(500));
    const t = Date.now() / 1000;
    for (const [i, age] of [[1, 300], [2, 200], [3, 100]] as const) utimesSync(join(dir, 'entries', `${K(i)}.json`), t - age, t - age);
    const shared = `blobs/${JSON.parse(readFileSync(join(dir, 'entries', `${K(1)}.json`), 'utf8')).outputs.t.blob}`;
    const usage = await scanCache(dir);
    const entryBytes = usage.entries[0]!.bytes;
    expect(evictionPlan(usage, usage.total).remove).toEqual([]);
    expect(evictionPlan(usage, usage.total - 1).remove).toEqual([orphan]);
    expect(evictionPlan(usage, usage.total - 501).remove).toEqual([orphan, `entries/${K(1)}.json`]);
    const plan = evictionPlan(usage, usage.total - 501 - entryBytes);
    expect(plan.remove).toEqual([orphan, `entries/${K(1)}.json`, `entries/${K(2)}.json`, shared]);
    expect(plan.total).toBe(usage.total - 500 - 2 * entryBytes - usage.blobs.get(shared.slice(6))!);
  });
});

describe('DiskCache write failures', () => {
  it('says once that the folder cannot be written, and the run goes on uncached', async () => {
    // A file where the folder should be: nothing can be created below it.
    const dir = join(tmp(), 'not-a-folder');
    writeFileSync(dir, 'x');
    const told: string[] = [];
    const cache = new DiskCache(dir, { onWriteError: (m) => told.push(m) });
    const ctx = ctxOf({ out: CORE_KINDS.number as PortKind });
    await cache.set(K(1), entry({ out: 1 }), ctx);
    await cache.set(K(2), entry({ out: 2 }), ctx);
    expect(told).toHaveLength(1);
    expect(told[0]).toMatch(/^cannot write to the cache folder .*not-a-folder: .*; outputs are not cached$/);
    expect(await cache.get(K(1), ctx)).toBeUndefined();
  });
});
