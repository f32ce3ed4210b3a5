/**
 * Fuzzing the stored-zip reader (seeded, bounded): random bytes, byte-level mutations of valid
 * archives, and extreme integers written over the end-of-central-directory, central-directory
 * and local-header fields. Property: entries that are views into the input (so the result never
 * holds more than the file), or a ZipError naming the file — never another error. Plus regressions.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { applyBytes, byteMutations, concat } from '../../../../test/support/byte-mutations.js';
import { ZipError, readStoredZip } from './zip.js';

const enc = new TextEncoder();

/** A stored zip archive, as torch.save and np.savez write them; `comment` goes after the EOCD. */
function storedZip(entries: [string, Uint8Array][], comment = new Uint8Array(0)): Uint8Array {
  const parts: Uint8Array[] = [];
  const central: Uint8Array[] = [];
  let offset = 0;
  for (const [name, data] of entries) {
    const n = enc.encode(name);
    const local = new Uint8Array(30 + n.length);
    const lv = new DataView(local.buffer);
    lv.setUint32(0, 0x04034b50, true);
    lv.setUint32(18, data.length, true);
    lv.setUint32(22, data.length, true);
    lv.setUint16(26, n.length, true);
    local.set(n, 30);
    const dir = new Uint8Array(46 + n.length);
    const dv = new DataView(dir.buffer);
    dv.setUint32(0, 0x02014b50, true);
    dv.setUint32(20, data.length, true);
    dv.setUint32(24, data.length, true);
    dv.setUint16(28, n.length, true);
    dv.setUint32(42, offset, true);
    dir.set(n, 46);
    parts.push(local, data);
    central.push(dir);
    offset += local.length + data.length;
  }
  const eocd = new Uint8Array(22);
  const ev = new DataView(eocd.buffer);
  ev.setUint32(0, 0x06054b50, true);
  ev.setUint16(8, entries.length, true);
  ev.setUint16(10, entries.length, true);
  ev.setUint32(12, central.reduce((s, c) => s + c.length, 0), true);
  ev.setUint32(16, offset, true);
  ev.setUint16(20, comment.length, true);
  return concat([...parts, ...central, eocd, comment]);
}

const bytesOf = (n: number, seed: number) => Uint8Array.from({ length: n }, (_, i) => (i * seed + 7) % 256);
const BASES = [
  storedZip([
    ['archive/data.pkl', bytesOf(40, 3)],
    ['archive/data/0', bytesOf(64, 5)],
    ['archive/version', enc.encode('3\n')],
  ]),
  storedZip([['w.npy', bytesOf(128, 11)]], enc.encode('a comment')),
  storedZip([]),
  storedZip([['a', new Uint8Array(0)], ['b/', new Uint8Array(0)], ['ü', bytesOf(3, 1)]]),
];

/** Offsets of the integer fields worth overwriting in an archive the test built. */
function fieldOffsets(b: Uint8Array): number[] {
  const v = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const out: number[] = [];
  for (let i = 0; i + 4 <= b.length; i++) {
    const sig = v.getUint32(i, true);
    if (sig === 0x06054b50) out.push(i + 8, i + 10, i + 12, i + 16, i + 20);
    if (sig === 0x02014b50) out.push(i + 8, i + 10, i + 20, i + 24, i + 28, i + 30, i + 32, i + 42);
    if (sig === 0x04034b50) out.push(i + 18, i + 22, i + 26, i + 28);
  }
  return out;
}

const FILE = 'fuzz.zip';

function readsOrRefuses(bytes: Uint8Array): void {
  try {
    const entries = readStoredZip(bytes, FILE);
    expect(entries.size).toBeLessThanOrEqual(65_535);
    for (const [, data] of entries) {
      // A view into the input, within it.
      expect(data.buffer).toBe(bytes.buffer);
      expect(data.byteOffset).toBeGreaterThanOrEqual(bytes.byteOffset);
      expect(data.byteOffset + data.length).toBeLessThanOrEqual(bytes.byteOffset + bytes.length);
    }
  } catch (e) {
    if (!(e instanceof ZipError)) throw e;
    expect(e.message.startsWith(`${FILE}: `)).toBe(true);
    expect(e.message.length).toBeLessThan(400);
  }
}

const EXTREMES = [0, 1, 8, 0x7f, 0xff, 0x7fff, 0xffff, 0x7fffffff, 0x80000000, 0xfffffffe, 0xffffffff];
const byteMutation = byteMutations({ extremes: EXTREMES, le: true });

describe('stored-zip reader fuzz', () => {
  it('random bytes, and random bytes before an end-of-central-directory record (300 + 300 cases)', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 300 }), (b) => readsOrRefuses(b)), { seed: 201, numRuns: 300 });
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), fc.uint8Array({ minLength: 18, maxLength: 18 }), (b, tail) => readsOrRefuses(concat([b, [0x50, 0x4b, 0x05, 0x06], tail]))),
      { seed: 202, numRuns: 300 },
    );
  });

  it('byte-level mutations of valid archives (700 cases)', () => {
    for (const b of BASES) expect(() => readStoredZip(b, FILE)).not.toThrow();
    fc.assert(
      fc.property(fc.nat({ max: BASES.length - 1 }), fc.array(byteMutation, { minLength: 1, maxLength: 4 }), (k, ms) => readsOrRefuses(ms.reduce(applyBytes, BASES[k]!))),
      { seed: 203, numRuns: 700 },
    );
  });

  it('extreme integers over the directory and header fields: counts, sizes, name lengths, offsets (700 cases)', () => {
    fc.assert(
      fc.property(
        fc.nat({ max: BASES.length - 1 }),
        fc.array(fc.record({ field: fc.nat(), value: fc.oneof(fc.constantFrom(...EXTREMES), fc.nat({ max: 400 })), width: fc.constantFrom(2, 4) }), { minLength: 1, maxLength: 3 }),
        (k, writes) => {
          const b = BASES[k]!.slice();
          const fields = fieldOffsets(b);
          const v = new DataView(b.buffer);
          for (const w of writes) {
            const at = fields[w.field % fields.length]!;
            if (w.width === 2) v.setUint16(at, w.value & 0xffff, true);
            else if (at + 4 <= b.length) v.setUint32(at, w.value >>> 0, true);
          }
          readsOrRefuses(b);
        },
      ),
      { seed: 204, numRuns: 700 },
    );
  });
});

describe('stored-zip reader regressions', () => {
  const refusal = (b: Uint8Array) => {
    try {
      readStoredZip(b, 'a.zip');
    } catch (e) {
      expect(e).toBeInstanceOf(ZipError);
      return (e as Error).message;
    }
    throw new Error('read');
  };

  it('refuses duplicate names, size mismatches, encrypted and zip64 entries; quotes and cuts hostile names', () => {
    expect(refusal(storedZip([['a', bytesOf(2, 1)], ['a', bytesOf(3, 1)]]))).toBe('a.zip: zip entry a appears twice');
    /** Where the (first) central-directory record starts. */
    const central = (b: Uint8Array) => b.findIndex((_, i) => b[i] === 0x50 && b[i + 1] === 0x4b && b[i + 2] === 1 && b[i + 3] === 2);
    const mismatch = storedZip([['a', bytesOf(4, 1)]]);
    new DataView(mismatch.buffer).setUint32(central(mismatch) + 24, 5, true);
    expect(refusal(mismatch)).toBe('a.zip: zip entry a is stored with 4 bytes but claims 5 uncompressed (corrupt archive)');
    const encrypted = storedZip([['a', bytesOf(4, 1)]]);
    new DataView(encrypted.buffer).setUint16(central(encrypted) + 8, 1, true);
    expect(refusal(encrypted)).toBe('a.zip: zip entry a is encrypted');
    const count64 = storedZip([['a', bytesOf(4, 1)]]);
    new DataView(count64.buffer).setUint16(count64.length - 22 + 10, 0xffff, true);
    expect(refusal(count64)).toMatch(/zip64 archives/);
    const evil = `\u001b[2J${'x'.repeat(5000)}`;
    const compressed = storedZip([[evil, bytesOf(4, 1)]]);
    new DataView(compressed.buffer).setUint16(central(compressed) + 10, 8, true);
    const message = refusal(compressed);
    expect(message).not.toContain('\u001b');
    expect(message.length).toBeLessThan(400);
  });
});
