import { describe, expect, it } from 'vitest';
import { tensor, type Tensor } from '@stylegraph/core';
import { MAX_SAFETENSORS_HEADER, readSafetensors, writeSafetensors } from './safetensors.js';
import { ModelFileError } from './errors.js';

const enc = new TextEncoder();
/** A file with a hand-written header (JSON text as given) and data section. */
function file(header: unknown, data: ArrayLike<number> = [], rawHeader?: string): Uint8Array {
  const h = enc.encode(rawHeader ?? JSON.stringify(header));
  const out = new Uint8Array(8 + h.length + data.length);
  new DataView(out.buffer).setBigUint64(0, BigInt(h.length), true);
  out.set(h, 8);
  out.set(data, 8 + h.length);
  return out;
}
function errorOf(f: () => unknown): ModelFileError {
  try {
    f();
  } catch (e) {
    if (e instanceof ModelFileError) return e;
    throw e;
  }
  throw new Error('expected a ModelFileError');
}
const f32 = (dims: number[], begin = 0) => ({ dtype: 'F32', shape: dims, data_offsets: [begin, begin + 4 * dims.reduce((a, b) => a * b, 1)] });

describe('writeSafetensors / readSafetensors', () => {
  const ts = new Map<string, Tensor>([
    ['b.weight', tensor('float32', [2, 3], Float32Array.from([1, 2, 3, 4, 5, -6.5]))],
    ['a.bias', tensor('float32', [], Float32Array.from([0.25]))],
    ['ids', tensor('int64', [2], BigInt64Array.from([1n, -2n]))],
    ['i32', tensor('int32', [3], Int32Array.from([7, -8, 2 ** 31 - 1]))],
    ['bytes', tensor('uint8', [1, 3], Uint8Array.from([0, 128, 255]))],
    ['mask', tensor('bool', [2], Uint8Array.from([1, 0]))],
    ['empty', tensor('float32', [0, 5])],
  ]);

  it('round-trips every dtype and the metadata', () => {
    const back = readSafetensors(writeSafetensors(ts, { source: 'test', a: 'b' }));
    expect(back.metadata).toEqual({ source: 'test', a: 'b' });
    expect(new Map([...back.tensors].sort(([a], [b]) => a.localeCompare(b)))).toEqual(new Map([...ts].sort(([a], [b]) => a.localeCompare(b))));
  });

  it('writes deterministically: names sorted, header space-padded to a multiple of 8', () => {
    const bytes = writeSafetensors(ts);
    expect(writeSafetensors(new Map([...ts].reverse()))).toEqual(bytes);
    const n = Number(new DataView(bytes.buffer).getBigUint64(0, true));
    expect(n % 8).toBe(0);
    const text = new TextDecoder().decode(bytes.subarray(8, 8 + n));
    expect(text).toMatch(/^\{"a\.bias":.*\} *$/);
    expect(Object.keys(JSON.parse(text) as object)).toEqual([...ts.keys()].sort());
  });

  it('widens F16 (normal, subnormal, infinite), BF16 and F64 to float32', () => {
    const data = new Uint8Array(8 + 4 + 8);
    const v = new DataView(data.buffer);
    [0x3c00, 0x0001, 0xfc00, 0x7e00].forEach((h, i) => v.setUint16(2 * i, h, true)); // 1, 2^-24, -inf, NaN
    v.setUint16(8, 0xc040, true); // BF16 −3
    v.setUint16(10, 0x3e20, true); // BF16 0.15625
    v.setFloat64(12, 0.1, true);
    const t = readSafetensors(
      file({ h: { dtype: 'F16', shape: [4], data_offsets: [0, 8] }, b: { dtype: 'BF16', shape: [2], data_offsets: [8, 12] }, d: { dtype: 'F64', shape: [1], data_offsets: [12, 20] } }, data),
    ).tensors;
    expect(t.get('h')).toEqual(tensor('float32', [4], Float32Array.from([1, 2 ** -24, -Infinity, NaN])));
    expect(t.get('b')).toEqual(tensor('float32', [2], Float32Array.from([-3, 0.15625])));
    expect(t.get('d')).toEqual(tensor('float32', [1], Float32Array.from([0.1])));
  });

  it('reads tensors at misaligned offsets', () => {
    const data = new Uint8Array(1 + 8 + 8);
    const v = new DataView(data.buffer);
    v.setUint8(0, 9);
    v.setFloat32(1, 1.5, true);
    v.setFloat32(5, -2.25, true);
    v.setBigInt64(9, -5n, true);
    const header = { u: { dtype: 'U8', shape: [1], data_offsets: [0, 1] }, w: f32([2], 1), i: { dtype: 'I64', shape: [1], data_offsets: [9, 17] } };
    // A 3-byte-longer header also misaligns the data section itself.
    for (const raw of [JSON.stringify(header), `${JSON.stringify(header)}   `]) {
      const t = readSafetensors(file(null, data, raw)).tensors;
      expect(t.get('w')!.data).toEqual(Float32Array.from([1.5, -2.25]));
      expect(t.get('i')!.data).toEqual(BigInt64Array.from([-5n]));
      expect(t.get('u')!.data).toEqual(Uint8Array.from([9]));
    }
  });

  it('does not alias the input bytes', () => {
    const bytes = writeSafetensors(new Map([['w', tensor('float32', [1], Float32Array.from([1]))]]));
    const t = readSafetensors(bytes).tensors.get('w')!;
    bytes.fill(0, bytes.length - 4);
    expect(t.data[0]).toBe(1);
  });

  const longHeader = new Uint8Array(16);
  new DataView(longHeader.buffer).setBigUint64(0, 9n, true);
  const hugeHeader = new Uint8Array(16);
  new DataView(hugeHeader.buffer).setBigUint64(0, BigInt(MAX_SAFETENSORS_HEADER + 1), true);
  const maxHeader = new Uint8Array(16);
  new DataView(maxHeader.buffer).setBigUint64(0, 2n ** 64n - 1n, true);
  const good = { w: f32([2]) };
  const hostile: [string, Uint8Array, string, RegExp, string?][] = [
    ['an empty file', new Uint8Array(0), 'SAFETENSORS_HEADER', /0 bytes, too short/],
    ['a header longer than the file', longHeader, 'SAFETENSORS_HEADER', /9-byte header but the file has only 16 bytes/],
    ['a header over 100 MB', hugeHeader, 'SAFETENSORS_HEADER', /more than the 104857600-byte limit/],
    ['a header length of 2^64 − 1', maxHeader, 'SAFETENSORS_HEADER', /18446744073709551615-byte header/],
    ['invalid JSON', file(null, [], '{"w": '), 'SAFETENSORS_HEADER', /not valid UTF-8 JSON/],
    ['invalid UTF-8', file(null, [], '{"w": 1}').fill(0xff, 10, 11), 'SAFETENSORS_HEADER', /not valid UTF-8 JSON/],
    ['an array header', file([1, 2]), 'SAFETENSORS_HEADER', /not a JSON object/],
    ['a null header', file(null), 'SAFETENSORS_HEADER', /not a JSON object/],
    ['a non-object entry', file({ w: 3 }), 'SAFETENSORS_HEADER', /entry that is not an object/, 'w'],
    ['bad metadata', file({ ...good, __metadata__: { a: 1 } }, new Uint8Array(8)), 'SAFETENSORS_HEADER', /__metadata__/],
    ['a duplicate name', file(null, new Uint8Array(8), '{"w": {"dtype": "F32", "shape": [1], "data_offsets": [0, 4]}, "w" : {"dtype": "F32", "shape": [1], "data_offsets": [4, 8]}}'), 'SAFETENSORS_DUPLICATE', /appears twice/, 'w'],
    ['a duplicate escaped name', file(null, new Uint8Array(8), '{"\\u0077": {"dtype": "F32", "shape": [1], "data_offsets": [0, 4]}, "w": {"dtype": "F32", "shape": [1], "data_offsets": [4, 8]}}'), 'SAFETENSORS_DUPLICATE', /appears twice/, 'w'],
    ['an unknown dtype', file({ w: { dtype: 'Q4', shape: [2], data_offsets: [0, 8] } }, new Uint8Array(8)), 'SAFETENSORS_DTYPE', /unsupported dtype "Q4"/, 'w'],
    ['a prototype dtype', file({ w: { dtype: 'toString', shape: [2], data_offsets: [0, 8] } }, new Uint8Array(8)), 'SAFETENSORS_DTYPE', /unsupported dtype/, 'w'],
    ['a missing dtype', file({ w: { shape: [2], data_offsets: [0, 8] } }, new Uint8Array(8)), 'SAFETENSORS_DTYPE', /unsupported dtype undefined/, 'w'],
    ['a negative dimension', file({ w: { ...f32([2]), shape: [-2] } }, new Uint8Array(8)), 'SAFETENSORS_SHAPE', /invalid shape \[-2\]/, 'w'],
    ['a fractional dimension', file({ w: { ...f32([2]), shape: [1.5] } }, new Uint8Array(8)), 'SAFETENSORS_SHAPE', /invalid shape/, 'w'],
    ['a string dimension', file({ w: { ...f32([2]), shape: ['2'] } }, new Uint8Array(8)), 'SAFETENSORS_SHAPE', /invalid shape/, 'w'],
    ['a shape that is not a list', file({ w: { ...f32([2]), shape: 2 } }, new Uint8Array(8)), 'SAFETENSORS_SHAPE', /invalid shape 2/, 'w'],
    ['too many dimensions', file({ w: { ...f32([2]), shape: [1, 1, 1, 1, 1, 1, 1, 1, 2] } }, new Uint8Array(8)), 'SAFETENSORS_SHAPE', /invalid shape/, 'w'],
    ['an overflowing shape', file({ w: { ...f32([2]), shape: [2 ** 40, 2 ** 40] } }, new Uint8Array(8)), 'SAFETENSORS_SHAPE', /too many elements/, 'w'],
    ['offsets that are not a pair', file({ w: { ...f32([2]), data_offsets: [0] } }, new Uint8Array(8)), 'SAFETENSORS_OFFSETS', /invalid data_offsets \[0\]/, 'w'],
    ['negative offsets', file({ w: { ...f32([2]), data_offsets: [-8, 0] } }, new Uint8Array(8)), 'SAFETENSORS_OFFSETS', /invalid data_offsets/, 'w'],
    ['reversed offsets', file({ w: { ...f32([0]), data_offsets: [8, 0] } }, new Uint8Array(8)), 'SAFETENSORS_OFFSETS', /\[8, 0\] that end before they begin/, 'w'],
    ['fractional offsets', file({ w: { ...f32([2]), data_offsets: [0, 7.5] } }, new Uint8Array(8)), 'SAFETENSORS_OFFSETS', /invalid data_offsets \[0, 7\.5\]/, 'w'],
    ['offsets beyond 2^53', file(null, new Uint8Array(8), '{"w": {"dtype": "F32", "shape": [2], "data_offsets": [0, 18446744073709551616]}}'), 'SAFETENSORS_OFFSETS', /invalid data_offsets/, 'w'],
    ['a dimension beyond 2^53', file(null, new Uint8Array(8), '{"w": {"dtype": "F32", "shape": [9007199254740993], "data_offsets": [0, 8]}}'), 'SAFETENSORS_SHAPE', /invalid shape/, 'w'],
    ['offsets past the end', file(good, new Uint8Array(4)), 'SAFETENSORS_OFFSETS', /\[0, 8\] outside the 4-byte data section/, 'w'],
    ['offsets not matching shape × dtype', file({ w: { ...f32([3]), data_offsets: [0, 8] } }, new Uint8Array(8)), 'SAFETENSORS_OFFSETS', /needs 12 bytes for shape \[3\] F32/, 'w'],
    ['overlapping tensors', file({ a: f32([2]), b: f32([1], 4) }, new Uint8Array(8)), 'SAFETENSORS_OFFSETS', /overlapping/, 'b'],
    ['a hole between tensors', file({ a: f32([1]), b: f32([1], 8) }, new Uint8Array(12)), 'SAFETENSORS_OFFSETS', /leaving bytes 4…8 unused/, 'b'],
    ['trailing garbage', file(good, new Uint8Array(12)), 'SAFETENSORS_OFFSETS', /4 trailing bytes/],
  ];
  it.each(hostile)('refuses %s', (_what, bytes, code, message, name) => {
    const e = errorOf(() => readSafetensors(bytes, 'generator.safetensors'));
    expect(e.code).toBe(code);
    expect(e.file).toBe('generator.safetensors');
    expect(e.tensor).toBe(name);
    expect(e.message).toMatch(message);
    expect(e.message.startsWith(name ? `generator.safetensors: tensor "${name}" ` : 'generator.safetensors: ')).toBe(true);
  });

  describe('keeps hostile headers from exhausting the stack, memory or the terminal', () => {
    const deep = `${'['.repeat(100_000)}${']'.repeat(100_000)}`;
    const nested: [string, string, string, RegExp][] = [
      ['dtype', `{"w": {"dtype": ${deep}, "shape": [1], "data_offsets": [0, 4]}}`, 'SAFETENSORS_DTYPE', /unsupported dtype a list of 1 items/],
      ['shape', `{"w": {"dtype": "F32", "shape": ${deep}, "data_offsets": [0, 4]}}`, 'SAFETENSORS_SHAPE', /invalid shape a list of 1 items/],
      ['data_offsets', `{"w": {"dtype": "F32", "shape": [1], "data_offsets": ${deep}}}`, 'SAFETENSORS_OFFSETS', /invalid data_offsets a list of 1 items/],
    ];
    it.each(nested)('lists nested 100 000 deep as the %s', (_key, raw, code, message) => {
      const e = errorOf(() => readSafetensors(file(null, new Uint8Array(4), raw)));
      expect([e.code, e.tensor]).toEqual([code, 'w']);
      expect(e.message).toMatch(message);
    });

    it('summarizes a million-dimension shape and a long dtype in short messages', () => {
      const shape = errorOf(() => readSafetensors(file({ w: { ...f32([1]), shape: new Array(1_000_000).fill(1) } }, new Uint8Array(4))));
      expect(shape.message).toBe('safetensors: tensor "w" has an invalid shape a list of 1000000 items (need at most 8 non-negative integers)');
      const dtype = errorOf(() => readSafetensors(file({ w: { ...f32([1]), dtype: 'F'.repeat(10_000) } }, new Uint8Array(4))));
      expect(dtype.message.length).toBeLessThan(200);
      expect(dtype.message).toMatch(/unsupported dtype "F{60}…"/);
    });

    it('quotes tensor names as JSON and cuts long ones', () => {
      const name = `evil\u001b[2J${'x'.repeat(1000)}`;
      const e = errorOf(() => readSafetensors(file({ [name]: { dtype: 'Q4', shape: [], data_offsets: [0, 0] } })));
      expect(e.tensor).toBe(name);
      expect(e.message).toBe(`safetensors: tensor ${JSON.stringify(`${name.slice(0, 200)}…`)} has unsupported dtype "Q4" (supported: F32, F64, F16, BF16, I64, I32, U8, BOOL)`);
      expect(e.message).not.toContain('\u001b');
    });

    it('checks that tensors tile the data before decoding any (overlaps cannot multiply memory)', () => {
      // 20 000 tensors of 4 MB each, all on the same 4 MB: decoding first would need 80 GB.
      const n = 4 << 20;
      const entries = Array.from({ length: 20_000 }, (_, i) => `"t${i}": {"dtype": "U8", "shape": [${n}], "data_offsets": [0, ${n}]}`);
      const e = errorOf(() => readSafetensors(file(null, new Uint8Array(n), `{${entries.join(', ')}}`)));
      expect(e.code).toBe('SAFETENSORS_OFFSETS');
      expect(e.message).toMatch(/overlapping another tensor/);
    }, 10_000);
  });

  it('the writer refuses reserved names and tensors whose data does not match their shape', () => {
    const one = tensor('float32', [1]);
    expect(errorOf(() => writeSafetensors(new Map([['__metadata__', one]]))).code).toBe('SAFETENSORS_WRITE');
    const bad = { dtype: 'float32', dims: [2], data: new Float32Array(3) } as Tensor;
    expect(errorOf(() => writeSafetensors(new Map([['w', bad]]))).message).toMatch(/tensor "w" has 3 elements but shape \[2\]/);
    const mislabelled = { dtype: 'float32', dims: [2], data: new Float64Array(2) } as unknown as Tensor;
    expect(errorOf(() => writeSafetensors(new Map([['w', mislabelled]]))).message).toBe('safetensors writer: tensor "w" has Float64Array data, not float32');
    const unknown = { dtype: 'complex64', dims: [1], data: new Float32Array(1) } as unknown as Tensor;
    expect(errorOf(() => writeSafetensors(new Map([['w', unknown]]))).message).toBe('safetensors writer: tensor "w" has unsupported dtype "complex64"');
    expect(errorOf(() => writeSafetensors(new Map(), { n: 1 } as unknown as Record<string, string>)).message).toMatch(/metadata "n" is not a string/);
  });
});
