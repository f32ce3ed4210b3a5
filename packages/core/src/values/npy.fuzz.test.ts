/**
 * Fuzzing the .npy reader (seeded, bounded): random bytes, byte-level mutations of valid files
 * (versions 1–3), and header-text mutations (descr, fortran_order, shape) with the header length
 * kept right. Property: a tensor whose data is exactly what its shape needs, all of it from the
 * file, or an NpyError naming the file — never another error. Plus regressions.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { applyBytes, byteMutations, concat } from '../../../../test/support/byte-mutations.js';
import { sizeOf, tensor } from './tensor.js';
import { MAX_NPY_HEADER, NpyError, readNpy, writeNpy } from './npy.js';

const enc = new TextEncoder();
const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59];

/** A .npy file with the given header text and data, in format version `major`. */
function npy(header: string, data: ArrayLike<number>, major = 1): Uint8Array {
  const h = enc.encode(header);
  const len = major === 1 ? [h.length & 0xff, h.length >> 8] : [h.length & 0xff, (h.length >> 8) & 0xff, (h.length >> 16) & 0xff, h.length >>> 24];
  return concat([MAGIC, [major, 0], len, h, data]);
}
const headerText = (descr: string, shape: string, fortran = 'False') => `{'descr': '${descr}', 'fortran_order': ${fortran}, 'shape': ${shape}, }\n`;

const BASES = [
  writeNpy(tensor('float32', [2, 3], Float32Array.from([1, 2, 3, 4, 5, 6.5]))),
  writeNpy(tensor('int64', [4], BigInt64Array.from([1n, -2n, 3n, 2n ** 62n]))),
  writeNpy(tensor('uint8', [], Uint8Array.from([7]))),
  writeNpy(tensor('bool', [0, 5], new Uint8Array(0))),
  writeNpy(tensor('float64', [1, 1, 1, 2], Float64Array.from([0.5, -1]))),
  npy(headerText('<i4', '(3,)'), new Uint8Array(12), 2),
  npy(headerText('<f4', '(1, 2)'), new Uint8Array(8), 3),
];

const FILE = 'fuzz.npy';
const ITEM: Record<string, number> = { float32: 4, float64: 8, int32: 4, int64: 8, uint8: 1, bool: 1 };

function readsOrRefuses(bytes: Uint8Array): void {
  try {
    const t = readNpy(bytes, FILE);
    const need = sizeOf(t.dims) * ITEM[t.dtype]!;
    expect(t.data.length).toBe(sizeOf(t.dims));
    expect(t.data.byteLength).toBe(need);
    expect(need).toBeLessThanOrEqual(bytes.length - 10);
  } catch (e) {
    if (!(e instanceof NpyError)) throw e;
    expect(e.message.startsWith(`${FILE}: `)).toBe(true);
    expect(e.message.length).toBeLessThan(300);
  }
}

const EXTREMES = [0, 1, 0x7f, 0x80, 0xff, 0x7fff, 0x8000, 0xffff, 10_000, 10_001, 0x7fffffff, 0x80000000, 0xffffffff];
// Little-endian integers, half of them at the version / header-length fields.
const byteMutation = byteMutations({ extremes: EXTREMES, at: fc.oneof(fc.constantFrom(6, 8), fc.nat()), le: true });

const dim = fc.oneof(fc.nat({ max: 6 }), fc.constantFrom(0, 2 ** 31, 2 ** 32, 2 ** 53, 2 ** 53 + 1, 1e20, -1), fc.nat());
const shapeText = fc.oneof(
  fc.array(dim, { maxLength: 5 }).map((ds) => (ds.length === 1 ? `(${ds[0]},)` : `(${ds.join(', ')})`)),
  fc.constantFrom('()', '(,)', '(3L, 2L)', '(0x10,)', '(1e3,)', '(2, 3,)', '( 2 ,3 )', '(-0,)', '(' + '1, '.repeat(500) + ')', '[2, 3]', '(2, (3,))'),
  fc.string({ maxLength: 20 }).map((s) => `(${s})`),
);
const descr = fc.constantFrom('<f4', '<f8', '<i4', '<i8', '|u1', '|b1', '>f4', '<f2', 'toString', '__proto__', 'constructor', '', "'");
const headerMutation = fc.record({
  descr,
  shape: shapeText,
  fortran: fc.constantFrom('False', 'True', 'false', '0'),
  major: fc.constantFrom(1, 2, 3),
  extra: fc.integer({ min: -16, max: 16 }),
  pad: fc.nat({ max: 100 }),
});

describe('.npy reader fuzz', () => {
  it('random bytes, with and without the magic (300 + 300 cases)', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 200 }), (b) => readsOrRefuses(b)), { seed: 101, numRuns: 300 });
    fc.assert(fc.property(fc.integer({ min: 0, max: 5 }), fc.uint8Array({ maxLength: 200 }), (v, b) => readsOrRefuses(concat([MAGIC, [v], b]))), { seed: 102, numRuns: 300 });
  });

  it('byte-level mutations of valid files, version and header-length fields included (1000 cases)', () => {
    for (const b of BASES) expect(() => readNpy(b, FILE)).not.toThrow();
    fc.assert(
      fc.property(fc.nat({ max: BASES.length - 1 }), fc.array(byteMutation, { minLength: 1, maxLength: 4 }), (k, ms) => readsOrRefuses(ms.reduce(applyBytes, BASES[k]!))),
      { seed: 103, numRuns: 1000 },
    );
  });

  it('header-text mutations: dtypes, shapes (huge, negative, malformed), data lengths around the right one (800 cases)', () => {
    fc.assert(
      fc.property(headerMutation, ({ descr: d, shape, fortran, major, extra, pad }) => {
        const header = headerText(d, shape, fortran) + ' '.repeat(pad);
        // Data of the length the shape would need (when small), give or take a few bytes.
        const dims = /^\((.*)\)$/.exec(shape)?.[1]?.split(',').map((s) => Number(s.trim()) || 0) ?? [];
        const want = Math.min(4096, sizeOf(dims) * 8);
        readsOrRefuses(npy(header, new Uint8Array(Math.max(0, Number.isFinite(want) ? want + extra : extra)), major));
      }),
      { seed: 104, numRuns: 800 },
    );
  });
});

describe('.npy reader regressions', () => {
  const refusal = (b: Uint8Array) => {
    try {
      readNpy(b, 'w.npy');
    } catch (e) {
      expect(e).toBeInstanceOf(NpyError);
      return (e as Error).message;
    }
    throw new Error('read');
  };

  it('refuses a version-2 file cut inside its header length (was a RangeError)', () => {
    expect(refusal(Uint8Array.from([...MAGIC, 2, 0, 0, 0]))).toBe('w.npy: truncated header');
  });

  it(`refuses headers over ${MAX_NPY_HEADER} bytes, as NumPy does, before decoding them`, () => {
    expect(refusal(Uint8Array.from([...MAGIC, 2, 0, 0xff, 0xff, 0xff, 0xff]))).toBe(`w.npy: header of 4294967295 bytes is longer than the ${MAX_NPY_HEADER}-byte limit (corrupt file?)`);
    expect(refusal(npy(headerText('<f4', '(1,)') + ' '.repeat(MAX_NPY_HEADER), new Uint8Array(4), 2))).toMatch(/longer than the 10000-byte limit/);
  });

  it('refuses trailing bytes after the data, and shapes whose size is not a safe integer', () => {
    const ok = writeNpy(tensor('float32', [2], Float32Array.from([1, 2])));
    expect(refusal(concat([ok, [0]]))).toBe('w.npy: 1 bytes after the data that shape (2,) needs (corrupt file?)');
    expect(refusal(npy(headerText('<f8', '(1048576, 1048576, 1048576)'), []))).toBe('w.npy: shape (1048576, 1048576, 1048576) has too many elements');
    expect(refusal(npy(headerText('<f4', '(0x10,)'), new Uint8Array(64)))).toBe('w.npy: invalid shape (0x10,)');
    expect(refusal(Uint8Array.from([...MAGIC, 4, 0, 0, 0, 0, 0]))).toBe('w.npy: unsupported .npy format version 4 (1–3 supported)');
  });
});
