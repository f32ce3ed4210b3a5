import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { CodecError, frameValue, jsonCodec, tensorCodec, unframeValue } from './codecs.js';
import { tensor, type DType, type Tensor } from './tensor.js';
import { CORE_KINDS } from '../types/core-kinds.js';
import type { PortKind } from '../types/port-kind.js';

const bytesOf = (t: Tensor) => new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength);

/** Encodes, frames, unframes and decodes: the path a value takes to disk or another process. */
async function roundTrip<T>(kind: PortKind<T>, v: T): Promise<T> {
  const framed = frameValue(kind.name, await kind.codec.encode(v));
  const { kind: name, encoded } = unframeValue(framed);
  expect(name).toBe(kind.name);
  return kind.codec.decode(encoded, {});
}

const DTYPES: DType[] = ['float32', 'float64', 'int32', 'int64', 'uint8', 'bool'];

describe('tensor codec', () => {
  it('round-trips every dtype bit for bit, NaN payloads and −0 included', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...DTYPES), fc.array(fc.integer({ min: 0, max: 4 }), { maxLength: 4 }), fc.uint8Array({ minLength: 0, maxLength: 8 * 256 }), async (dtype, dims, noise) => {
        const t = tensor(dtype, dims);
        const raw = bytesOf(t);
        for (let i = 0; i < raw.length; i++) raw[i] = noise[i % Math.max(1, noise.length)] ?? 0;
        const back = await roundTrip(CORE_KINDS.Tensor, t);
        expect(back.dtype).toBe(dtype);
        expect(back.dims).toEqual(dims);
        expect(bytesOf(back)).toEqual(raw);
      }),
      { numRuns: 200 },
    );
  });

  it('keeps a view’s own elements only, and decodes into an aligned copy', async () => {
    const whole = new Float32Array([1, 2, 3, 4, 5, 6]);
    const view = tensor('float32', [2, 2], whole.subarray(1, 5));
    const back = await roundTrip(CORE_KINDS.Image as PortKind<Tensor>, tensor('float32', [1, 1, 2, 2], view.data));
    expect(Array.from(back.data as Float32Array)).toEqual([2, 3, 4, 5]);
    // An odd offset in the framed bytes (header lengths vary) still decodes.
    const framed = frameValue('Tensor', tensorCodec.encode(tensor('float64', [3], new Float64Array([0.1, -0, NaN]))) as never);
    const shifted = new Uint8Array(framed.length + 1);
    shifted.set(framed, 1);
    const { encoded } = unframeValue(shifted.subarray(1));
    const d = (await tensorCodec.decode(encoded, {})).data as Float64Array;
    expect(d[0]).toBe(0.1);
    expect(Object.is(d[1], -0)).toBe(true);
    expect(Number.isNaN(d[2])).toBe(true);
  });

  it('refuses headers and payloads it did not write', () => {
    const ok = tensorCodec.encode(tensor('int32', [2, 3])) as { header: never; bytes: Uint8Array };
    expect(() => tensorCodec.decode({ header: { dtype: 'complex64', dims: [1] }, bytes: new Uint8Array(8) }, {})).toThrow(/unknown dtype/);
    expect(() => tensorCodec.decode({ header: { dtype: 'int32', dims: [2, -3] }, bytes: ok.bytes }, {})).toThrow(/dims/);
    expect(() => tensorCodec.decode({ header: { dtype: 'int32', dims: [2, 4] }, bytes: ok.bytes }, {})).toThrow(/needs 32 bytes, got 24/);
    expect(() => tensorCodec.decode({ header: null, bytes: ok.bytes }, {})).toThrow(CodecError);
  });
});

describe('JSON codec', () => {
  it('round-trips core’s plain kinds, non-finite numbers and −0 included', async () => {
    expect(await roundTrip(CORE_KINDS.number, 0.1 + 0.2)).toBe(0.1 + 0.2);
    expect(await roundTrip(CORE_KINDS.number, Infinity)).toBe(Infinity);
    expect(Object.is(await roundTrip(CORE_KINDS.number, -0), -0)).toBe(true);
    expect(await roundTrip(CORE_KINDS.string, 'ψ "quoted"\n')).toBe('ψ "quoted"\n');
    expect(await roundTrip(CORE_KINDS.boolean, false)).toBe(false);
    expect(await roundTrip(CORE_KINDS.integer, 2 ** 53 - 1)).toBe(2 ** 53 - 1);
    const report = { psnr: Infinity, ok: true, name: 'fine', nan: NaN, neg: -Infinity };
    expect(await roundTrip(CORE_KINDS.Report, report)).toEqual(report);
  });

  it('a report key that looks like the escape is still a report key', async () => {
    const c = jsonCodec<unknown>();
    for (const v of [{ $number: 'x' }, { $number: 5 }, { $object: { $number: 'Infinity' } }, [{ $number: 'x', y: 1 }]]) {
      expect(c.decode(JSON.parse(JSON.stringify(c.encode(v))) as never, {})).toEqual(v);
    }
  });
});

describe('framing', () => {
  it('refuses bytes that are not a framed value', () => {
    expect(() => unframeValue(new Uint8Array([1, 2, 3]))).toThrow(/bad magic/);
    const f = frameValue('number', { header: 1, bytes: new Uint8Array(0) });
    const long = f.slice();
    new DataView(long.buffer).setUint32(4, 1e9, true);
    expect(() => unframeValue(long)).toThrow(/does not fit/);
    const bad = f.slice();
    bad[8] = 0xff;
    expect(() => unframeValue(bad)).toThrow(/not UTF-8 JSON/);
    const nokind = new Uint8Array([0x53, 0x47, 0x56, 0x31, 2, 0, 0, 0, 0x7b, 0x7d]);
    expect(() => unframeValue(nokind)).toThrow(/names no kind/);
  });
});
