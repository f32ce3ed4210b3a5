import { describe, expect, it } from 'vitest';
import { tensor, type Tensor } from '@stylegraph/core';
import { readSafetensors, writeSafetensors } from './safetensors.js';
import { ModelFileError } from './errors.js';

const enc = new TextEncoder();
/** A file with a hand-written header and data section. */
function file(header: unknown, data = new Uint8Array(0), rawHeader?: string): Uint8Array {
  const h = enc.encode(rawHeader ?? JSON.stringify(header));
  const out = new Uint8Array(8 + h.length + data.length);
  new DataView(out.buffer).setBigUint64(0, BigInt(h.length), true);
  out.set(h, 8);
  out.set(data, 8 + h.length);
  return out;
}
const code = (f: () => unknown) => {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(ModelFileError);
    return (e as ModelFileError).code;
  }
  throw new Error('expected an error');
};

describe('safetensors', () => {
  it('round-trips tensors and metadata, deterministically and 8-byte aligned', () => {
    const ts = new Map<string, Tensor>([
      ['b.weight', tensor('float32', [2, 3], Float32Array.from([1, 2, 3, 4, 5, -6.5]))],
      ['a.bias', tensor('float32', [], Float32Array.from([0.25]))],
      ['ids', tensor('int64', [2], BigInt64Array.from([1n, -2n]))],
    ]);
    const bytes = writeSafetensors(ts, { source: 'test' });
    expect(writeSafetensors(ts, { source: 'test' })).toEqual(bytes);
    expect(Number(new DataView(bytes.buffer).getBigUint64(0, true)) % 8).toBe(0);
    const back = readSafetensors(bytes);
    expect(back.metadata).toEqual({ source: 'test' });
    expect([...back.tensors.keys()].sort()).toEqual(['a.bias', 'b.weight', 'ids']);
    expect(back.tensors.get('b.weight')).toEqual(ts.get('b.weight'));
    expect(back.tensors.get('ids')!.data).toEqual(BigInt64Array.from([1n, -2n]));
  });

  it('widens F16, BF16 and F64 to float32, at any alignment', () => {
    const data = new Uint8Array(2 + 2 + 8);
    const v = new DataView(data.buffer);
    v.setUint16(0, 0x3c00, true); // 1.0 in F16
    v.setUint16(2, 0xc040, true); // -3.0 in BF16
    v.setFloat64(4, 0.1, true); // misaligned F64
    const t = readSafetensors(
      file({ h: { dtype: 'F16', shape: [1], data_offsets: [0, 2] }, b: { dtype: 'BF16', shape: [1], data_offsets: [2, 4] }, d: { dtype: 'F64', shape: [1], data_offsets: [4, 12] } }, data),
    ).tensors;
    expect(t.get('h')!.data[0]).toBe(1);
    expect(t.get('b')!.data[0]).toBe(-3);
    expect(t.get('d')!.data[0]).toBe(Math.fround(0.1));
  });

  it('refuses hostile and broken files with a code naming the problem', () => {
    const good = { w: { dtype: 'F32', shape: [2], data_offsets: [0, 8] } };
    expect(code(() => readSafetensors(new Uint8Array(3)))).toBe('SAFETENSORS_HEADER');
    const huge = new Uint8Array(16);
    new DataView(huge.buffer).setBigUint64(0, 2n ** 60n, true);
    expect(code(() => readSafetensors(huge))).toBe('SAFETENSORS_HEADER');
    expect(code(() => readSafetensors(file(null, undefined, '{"w": ')))).toBe('SAFETENSORS_HEADER');
    expect(code(() => readSafetensors(file([1, 2])))).toBe('SAFETENSORS_HEADER');
    expect(code(() => readSafetensors(file({ w: { dtype: 'Q4', shape: [2], data_offsets: [0, 8] } }, new Uint8Array(8))))).toBe('SAFETENSORS_DTYPE');
    expect(code(() => readSafetensors(file({ w: { dtype: 'F32', shape: [-2], data_offsets: [0, 8] } }, new Uint8Array(8))))).toBe('SAFETENSORS_SHAPE');
    expect(code(() => readSafetensors(file({ w: { dtype: 'F32', shape: [2 ** 40, 2 ** 40], data_offsets: [0, 8] } }, new Uint8Array(8))))).toBe('SAFETENSORS_OFFSETS');
    expect(code(() => readSafetensors(file(good, new Uint8Array(4))))).toBe('SAFETENSORS_OFFSETS'); // storage too short
    expect(code(() => readSafetensors(file({ w: { dtype: 'F32', shape: [3], data_offsets: [0, 8] } }, new Uint8Array(8))))).toBe('SAFETENSORS_OFFSETS');
    expect(
      code(() => readSafetensors(file({ a: { dtype: 'F32', shape: [2], data_offsets: [0, 8] }, b: { dtype: 'F32', shape: [1], data_offsets: [4, 8] } }, new Uint8Array(8)))),
    ).toBe('SAFETENSORS_OFFSETS'); // overlap
    expect(code(() => readSafetensors(file(good, new Uint8Array(12))))).toBe('SAFETENSORS_OFFSETS'); // trailing bytes
    expect(code(() => readSafetensors(file({ ...good, __metadata__: { a: 1 } }, new Uint8Array(8))))).toBe('SAFETENSORS_HEADER');
    // The message names the file and the tensor.
    expect(() => readSafetensors(file(good, new Uint8Array(4)), 'generator.safetensors')).toThrow(/^generator\.safetensors: tensor "w" /);
  });
});
