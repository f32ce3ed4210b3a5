/**
 * Fuzzing the safetensors reader (seeded, bounded): random bytes, byte-level mutations of valid
 * files (header length included), and header mutations — dtypes, shapes, offsets, metadata,
 * extra and duplicate entries — written back with a correct header length so they reach the
 * entry checks. Property: tensors whose data matches their shapes and together take at most
 * twice the file (F16/BF16 widen to float32), or a ModelFileError with a SAFETENSORS_* code
 * naming the file — never another error. Plus regressions.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { sizeOf, tensor, type Tensor } from '@stylegraph/core';
import { applyBytes, byteMutations, concat } from '../../../../test/support/byte-mutations.js';
import { ModelFileError } from './errors.js';
import { MAX_SAFETENSORS_TENSORS, readSafetensors, writeSafetensors } from './safetensors.js';

const enc = new TextEncoder();
/** A file with the header text as given and the data section. */
function file(headerText: string, data: ArrayLike<number>): Uint8Array {
  const h = enc.encode(headerText);
  const out = new Uint8Array(8 + h.length + data.length);
  new DataView(out.buffer).setBigUint64(0, BigInt(h.length), true);
  out.set(h, 8);
  out.set(data, 8 + h.length);
  return out;
}

const BASES = [
  writeSafetensors(
    new Map<string, Tensor>([
      ['w', tensor('float32', [2, 3], Float32Array.from([1, 2, 3, 4, 5, 6]))],
      ['ids', tensor('int64', [2], BigInt64Array.from([1n, -2n]))],
      ['m', tensor('bool', [3], Uint8Array.from([1, 0, 1]))],
      ['e', tensor('float32', [0, 4])],
    ]),
    { source: 'fuzz' },
  ),
  writeSafetensors(new Map<string, Tensor>([['b', tensor('uint8', [], Uint8Array.from([9]))], ['i', tensor('int32', [1, 1], Int32Array.from([-5]))]])),
  file('{"h": {"dtype": "F16", "shape": [3], "data_offsets": [0, 6]}, "g": {"dtype": "BF16", "shape": [1], "data_offsets": [6, 8]}, "d": {"dtype": "F64", "shape": [1], "data_offsets": [8, 16]}}', new Uint8Array(16).fill(0x3c)),
  file('{}', []),
];

const FILE = 'fuzz.safetensors';

function readsOrRefuses(bytes: Uint8Array): void {
  try {
    const { tensors, metadata } = readSafetensors(bytes, FILE);
    let total = 0;
    for (const [, t] of tensors) {
      expect(t.data.length).toBe(sizeOf(t.dims));
      expect(t.dims.length).toBeLessThanOrEqual(8);
      total += t.data.byteLength;
    }
    expect(total).toBeLessThanOrEqual(2 * bytes.length);
    for (const v of Object.values(metadata)) expect(typeof v).toBe('string');
  } catch (e) {
    if (!(e instanceof ModelFileError)) throw e;
    expect(e.code).toMatch(/^SAFETENSORS_/);
    expect(e.file).toBe(FILE);
    expect(e.message.startsWith(`${FILE}: `)).toBe(true);
    expect(e.message.length).toBeLessThan(600);
  }
}

const EXTREMES = [0n, 1n, 8n, 0x7fn, 0xffn, 0x7fffffffn, 0x80000000n, 0xffffffffn, 100n * 1024n * 1024n, 100n * 1024n * 1024n + 1n, 2n ** 53n, 2n ** 63n, 2n ** 64n - 1n];
// Flips, cuts, insertions and deletions (no `int` kind: the header length is the one binary field),
// and, as often as each of those, the `length` kind.
const byteMutation = fc.oneof(
  { weight: 4, arbitrary: byteMutations({ extremes: [] }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('length' as const), value: fc.constantFrom(...EXTREMES), delta: fc.integer({ min: -3, max: 3 }) }) },
);
type Mutation = typeof byteMutation extends fc.Arbitrary<infer T> ? T : never;
function applyMutation(b: Uint8Array, m: Mutation): Uint8Array {
  if (m.kind !== 'length') return applyBytes(b, m);
  // The 8-byte header length: an extreme value, or the real one off by a little.
  if (b.length < 8) return b;
  const c = b.slice();
  const v = new DataView(c.buffer);
  const real = v.getBigUint64(0, true);
  const value = m.delta === 0 ? m.value : real + BigInt(m.delta);
  v.setBigUint64(0, BigInt.asUintN(64, value), true);
  return c;
}

/** Values a hostile header puts where numbers, strings or lists belong. */
const jsonValue = fc.oneof(
  fc.constantFrom(0, -1, 1.5, 2 ** 31, 2 ** 53, 2 ** 53 + 2, 1e300, null, true, 'F32', '', 'toString', '__proto__', [], {}, [0, 0], [-1, 4], [4, 0], [[1]], ['2']),
  fc.nat({ max: 64 }),
  fc.array(fc.oneof(fc.nat({ max: 8 }), fc.constantFrom(0, 2 ** 40, -1, 0.5)), { maxLength: 10 }),
);
const headerMutation = fc.oneof(
  fc.record({ kind: fc.constant('field' as const), entry: fc.nat(), field: fc.constantFrom('dtype', 'shape', 'data_offsets', 'extra'), value: jsonValue }),
  fc.record({ kind: fc.constant('dtype' as const), entry: fc.nat(), value: fc.constantFrom('F32', 'F16', 'BF16', 'F64', 'I64', 'I32', 'U8', 'BOOL', 'I8', 'Q4', 'F8_E4M3', 'hasOwnProperty') }),
  fc.record({ kind: fc.constant('offset' as const), entry: fc.nat(), which: fc.constantFrom(0, 1), delta: fc.integer({ min: -9, max: 9 }) }),
  fc.record({ kind: fc.constant('drop' as const), entry: fc.nat() }),
  fc.record({ kind: fc.constant('copy' as const), entry: fc.nat(), name: fc.constantFrom('w', 'x', '__metadata__', '', 'a'.repeat(300)) }),
  fc.record({ kind: fc.constant('metadata' as const), value: jsonValue }),
  fc.record({ kind: fc.constant('data' as const), delta: fc.integer({ min: -8, max: 8 }) }),
);
type HeaderMutation = typeof headerMutation extends fc.Arbitrary<infer T> ? T : never;

/** A parsed base file: header object and data section. */
interface Parsed {
  header: Record<string, Record<string, unknown>>;
  data: Uint8Array;
}
function parse(b: Uint8Array): Parsed {
  const n = Number(new DataView(b.buffer, b.byteOffset).getBigUint64(0, true));
  return { header: JSON.parse(new TextDecoder().decode(b.subarray(8, 8 + n))), data: b.slice(8 + n) };
}
function applyHeader(p: Parsed, m: HeaderMutation): Parsed {
  const header = structuredClone(p.header);
  let data = p.data;
  const names = Object.keys(header).filter((k) => k !== '__metadata__');
  const name = names.length ? names[('entry' in m ? m.entry : 0) % names.length]! : undefined;
  const entry = name !== undefined ? header[name]! : undefined;
  switch (m.kind) {
    case 'field':
      if (entry) entry[m.field] = m.value;
      break;
    case 'dtype':
      if (entry) entry['dtype'] = m.value;
      break;
    case 'offset':
      if (entry && Array.isArray(entry['data_offsets'])) (entry['data_offsets'] as number[])[m.which] = ((entry['data_offsets'] as number[])[m.which] ?? 0) + m.delta;
      break;
    case 'drop':
      if (name !== undefined) delete header[name];
      break;
    case 'copy':
      if (entry) header[m.name] = structuredClone(entry);
      break;
    case 'metadata':
      (header as Record<string, unknown>)['__metadata__'] = m.value;
      break;
    case 'data':
      data = m.delta >= 0 ? concat([data, new Uint8Array(m.delta)]) : data.subarray(0, Math.max(0, data.length + m.delta));
      break;
  }
  return { header, data };
}

describe('safetensors reader fuzz', () => {
  it('random bytes, and random headers of a plausible length (300 + 300 cases)', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 300 }), (b) => readsOrRefuses(b)), { seed: 301, numRuns: 300 });
    fc.assert(
      fc.property(fc.string({ maxLength: 120 }), fc.uint8Array({ maxLength: 64 }), (h, d) => readsOrRefuses(file(`{${h}}`, d))),
      { seed: 302, numRuns: 300 },
    );
  });

  it('byte-level mutations of valid files, the header length included (700 cases)', () => {
    for (const b of BASES) expect(() => readSafetensors(b, FILE)).not.toThrow();
    fc.assert(
      fc.property(fc.nat({ max: BASES.length - 1 }), fc.array(byteMutation, { minLength: 1, maxLength: 4 }), (k, ms) => readsOrRefuses(ms.reduce(applyMutation, BASES[k]!))),
      { seed: 303, numRuns: 700 },
    );
  });

  it('header mutations written back with the right length: dtypes, shapes, offsets, names, metadata (800 cases)', () => {
    const bases = BASES.map(parse);
    fc.assert(
      fc.property(fc.nat({ max: bases.length - 1 }), fc.array(headerMutation, { minLength: 1, maxLength: 4 }), (k, ms) => {
        const p = ms.reduce(applyHeader, bases[k]!);
        readsOrRefuses(file(JSON.stringify(p.header), p.data));
      }),
      { seed: 304, numRuns: 800 },
    );
  });
});

describe('safetensors reader regressions', () => {
  const refusal = (b: Uint8Array) => {
    try {
      readSafetensors(b, 'g.safetensors');
    } catch (e) {
      expect(e).toBeInstanceOf(ModelFileError);
      return e as ModelFileError;
    }
    throw new Error('read');
  };

  it('measures a header before JSON.parse: a million keys or ten million brackets are refused at once', () => {
    // Both are well under the 100 MB header limit, and each took JSON.parse seconds and gigabytes.
    const keys = `{${Array.from({ length: MAX_SAFETENSORS_TENSORS + 1 }, (_, i) => `"t${i}":0`).join(',')}}`;
    const deep = `{"w": ${'['.repeat(5_000_000)}${']'.repeat(5_000_000)}}`;
    for (const [text, message] of [
      [keys, `has a header that has an object with more than ${MAX_SAFETENSORS_TENSORS} members (not a model file?)`],
      [deep, 'has a header that nests lists or objects more than 131072 deep (not a model file?)'],
    ] as const) {
      const t = performance.now();
      const e = refusal(file(text, []));
      expect(performance.now() - t).toBeLessThan(1500);
      expect([e.code, e.detail]).toEqual(['SAFETENSORS_HEADER', message]);
    }
  });
});
