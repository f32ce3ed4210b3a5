import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { CodecError, MAX_HEADER_BYTES, frameValue, jsonCodec, tensorCodec, unframeValue } from './codecs.js';
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

describe('codec edges', () => {
  it('an encoded tensor is a copy: changing the tensor later does not change it', () => {
    const t = tensor('int32', [2], new Int32Array([1, 2]));
    const e = tensorCodec.encode(t) as { bytes: Uint8Array };
    t.data[0] = 99;
    expect(Array.from(new Int32Array(e.bytes.slice().buffer))).toEqual([1, 2]);
    expect(() => tensorCodec.encode({ dims: [1] } as never)).toThrow('tensor codec: not a tensor');
  });

  it('decoded tensors own their data (the framed bytes can be reused)', async () => {
    const framed = frameValue('Tensor', tensorCodec.encode(tensor('uint8', [3], new Uint8Array([1, 2, 3]))) as never);
    const t = await tensorCodec.decode(unframeValue(framed).encoded, {});
    framed.fill(0);
    expect(Array.from(t.data as Uint8Array)).toEqual([1, 2, 3]);
  });

  it('wraps objects that look like its escapes, at any depth', () => {
    const c = jsonCodec<unknown>();
    const e = c.encode({ $object: 1 }) as { header: unknown };
    expect(e.header).toEqual({ $object: { $object: 1 } });
    expect(c.decode(e as never, {})).toEqual({ $object: 1 });
    expect((c.encode([{ x: -Infinity }]) as { header: unknown }).header).toEqual([{ x: { $number: '-Infinity' } }]);
    expect((c.encode(NaN) as { header: unknown }).header).toEqual({ $number: 'NaN' });
    expect((c.encode(null) as { header: unknown }).header).toBeNull();
    expect((c.encode('s') as { bytes: Uint8Array }).bytes.byteLength).toBe(0);
  });

  it('frames exactly: 8 header bytes, a u32 length, the JSON, the payload', () => {
    const f = frameValue('wm/Key', { header: { a: 1 }, bytes: new Uint8Array([7, 8]) });
    const json = JSON.stringify({ kind: 'wm/Key', header: { a: 1 } });
    expect(Array.from(f.subarray(0, 4))).toEqual([0x53, 0x47, 0x56, 0x31]);
    expect(new DataView(f.buffer).getUint32(4, true)).toBe(json.length);
    expect(new TextDecoder().decode(f.subarray(8, 8 + json.length))).toBe(json);
    expect(Array.from(f.subarray(8 + json.length))).toEqual([7, 8]);
    expect(f.byteLength).toBe(8 + json.length + 2);
    const u = unframeValue(f);
    expect(u).toEqual({ kind: 'wm/Key', encoded: { header: { a: 1 }, bytes: new Uint8Array([7, 8]) } });
  });

  it('refuses near-misses of the frame', () => {
    const f = frameValue('number', { header: 1, bytes: new Uint8Array(0) });
    // Each magic byte matters.
    for (let i = 0; i < 4; i++) {
      const g = f.slice();
      g[i]! ^= 0x20;
      expect(() => unframeValue(g), `byte ${i}`).toThrow(/bad magic/);
    }
    expect(() => unframeValue(f.subarray(0, 7))).toThrow(/bad magic/);
    // A header that ends exactly at the end is fine; one byte short is not.
    expect(unframeValue(f).kind).toBe('number');
    expect(() => unframeValue(f.subarray(0, f.length - 1))).toThrow(/does not fit/);
    // A header of JSON null names no kind.
    const nul = new Uint8Array([0x53, 0x47, 0x56, 0x31, 4, 0, 0, 0, ...new TextEncoder().encode('null')]);
    expect(() => unframeValue(nul)).toThrow(/names no kind/);
    const noHeader = new Uint8Array([0x53, 0x47, 0x56, 0x31, 12, 0, 0, 0, ...new TextEncoder().encode('{"kind":"x"}')]);
    expect(unframeValue(noHeader).encoded.header).toBeNull();
  });

  it('accepts headers up to MAX_HEADER_BYTES and no more', () => {
    const pad = (n: number) => {
      const json = `{"kind":"k","header":"${'x'.repeat(n - 24)}"}`;
      expect(json.length).toBe(n);
      const b = new Uint8Array(8 + n);
      b.set([0x53, 0x47, 0x56, 0x31]);
      new DataView(b.buffer).setUint32(4, n, true);
      b.set(new TextEncoder().encode(json), 8);
      return b;
    };
    expect(unframeValue(pad(MAX_HEADER_BYTES)).kind).toBe('k');
    expect(() => unframeValue(pad(MAX_HEADER_BYTES + 1))).toThrow(/does not fit/);
  });
});
