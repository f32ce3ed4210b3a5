/**
 * Tensors rebuilt from torch storages honour size, stride and storage offset: a transposed
 * (non-contiguous) view and an offset view of a storage read exactly the elements torch
 * would, checked against index arithmetic written out here. Pickles are built by hand.
 */
import { describe, expect, it } from 'vitest';
import type { Tensor } from '@stylegraph/core';
import { nvidiaGlobals } from './nvidia-globals.js';
import { PyTuple, UnpickleError, unpickle, type PyValue } from './pickle.js';
import { Storage, loadLegacyStorage, rebuildTensor } from './torch-storage.js';
import { OP, PickleWriter, f32Bytes, legacyStorageBytes } from '../testing/pickle-writer.js';

/** The storage 0, 1.5, 3, 4.5, … (k · 1.5) as float32 bytes. */
const STORAGE = Array.from({ length: 24 }, (_, k) => k * 1.5);

/** `_rebuild_tensor_v2(_load_from_bytes(<legacy storage>), offset, size, stride, False, OrderedDict())`, unpickled. */
function viaPickle(offset: number, size: number[], stride: number[], storage = f32Bytes(STORAGE), type = 'FloatStorage', numel = STORAGE.length): Tensor {
  const legacy = legacyStorageBytes(type, storage, { numel });
  const bytes = new PickleWriter(2)
    .call('torch._utils', '_rebuild_tensor_v2', (w) =>
      w
        .call('torch.storage', '_load_from_bytes', (a) => a.bytes(legacy))
        .int(offset)
        .tuple((t) => size.forEach((d) => t.int(d)))
        .tuple((t) => stride.forEach((d) => t.int(d)))
        .bool(false)
        .call('collections', 'OrderedDict', () => {}),
    )
    .stop();
  return unpickle(bytes, { file: 't.pkl', findGlobal: nvidiaGlobals('t.pkl') }).value as Tensor;
}

/** Element [i0, i1, …] of the view: storage[offset + Σ i_a · stride_a]. */
function expectedView(storage: readonly number[], offset: number, size: number[], stride: number[]): number[] {
  const out: number[] = [];
  const walk = (axis: number, at: number) => {
    if (axis === size.length) return void out.push(storage[at]!);
    for (let i = 0; i < size[axis]!; i++) walk(axis + 1, at + i * stride[axis]!);
  };
  walk(0, offset);
  return out;
}

const storageOf = (dtype: Storage['dtype'], elementSize: number, bytes: Uint8Array) => {
  const s = new Storage(dtype, elementSize, bytes.length / elementSize);
  s.bytes = bytes;
  return s;
};
const rebuild = (s: Storage, offset: number, size: number[], stride: number[]) => rebuildTensor([s, offset, new PyTuple(size), new PyTuple(stride)] as PyValue[], 'f.pkl');

describe('tensors rebuilt from torch storages', () => {
  it('reads a contiguous tensor in order', () => {
    const t = viaPickle(0, [4, 6], [6, 1]);
    expect(t.dims).toEqual([4, 6]);
    expect(t.dtype).toBe('float32');
    expect(Array.from(t.data as Float32Array)).toEqual(STORAGE);
  });

  it('reads a transposed view (strides [1, rows]) as the transpose', () => {
    // The storage as a row-major 4×6 matrix M; the view is Mᵀ, 6×4, with strides [1, 6].
    const t = viaPickle(0, [6, 4], [1, 6]);
    expect(t.dims).toEqual([6, 4]);
    const M = (r: number, c: number) => STORAGE[r * 6 + c]!;
    const transposed = Array.from({ length: 6 }, (_, i) => Array.from({ length: 4 }, (_, j) => M(j, i))).flat();
    expect(Array.from(t.data as Float32Array)).toEqual(transposed);
    // Spot checks: element [1, 0] is M[0][1] = 1.5, [0, 1] is M[1][0] = 9.
    expect((t.data as Float32Array)[4]).toBe(1.5);
    expect((t.data as Float32Array)[1]).toBe(9);
  });

  it('reads a view at a storage offset, and a strided sub-block', () => {
    const t = viaPickle(5, [2, 3], [6, 1]);
    expect(Array.from(t.data as Float32Array)).toEqual([5, 6, 7, 11, 12, 13].map((k) => k * 1.5));
    const sub = viaPickle(7, [2, 2, 2], [12, 1, 3]);
    expect(Array.from(sub.data as Float32Array)).toEqual(expectedView(STORAGE, 7, [2, 2, 2], [12, 1, 3]));
    expect(Array.from(sub.data as Float32Array)).toEqual([7, 10, 8, 11, 19, 22, 20, 23].map((k) => k * 1.5));
    // The very last element of the storage is in reach; one further is not.
    expect(Array.from(viaPickle(23, [1], [1]).data as Float32Array)).toEqual([23 * 1.5]);
    expect(() => viaPickle(23, [2], [1])).toThrow(UnpickleError);
  });

  it('reads broadcast (stride 0) views, scalars and empty tensors', () => {
    expect(Array.from(viaPickle(2, [3, 2], [0, 1]).data as Float32Array)).toEqual([3, 4.5, 3, 4.5, 3, 4.5]);
    const scalar = viaPickle(4, [], []);
    expect(scalar.dims).toEqual([]);
    expect(Array.from(scalar.data as Float32Array)).toEqual([6]);
    const empty = viaPickle(0, [0, 3], [3, 1]);
    expect(empty.dims).toEqual([0, 3]);
    expect(empty.data.length).toBe(0);
    // An empty view does not read, so it may sit anywhere.
    expect(viaPickle(999, [3, 0], [1, 1]).data.length).toBe(0);
  });

  it('matches the index arithmetic for every permutation of a 2×3×4 view', () => {
    const size = [2, 3, 4];
    const contiguous = [12, 4, 1];
    const perms = [
      [0, 1, 2],
      [0, 2, 1],
      [1, 0, 2],
      [1, 2, 0],
      [2, 0, 1],
      [2, 1, 0],
    ];
    for (const p of perms) {
      const sz = p.map((a) => size[a]!);
      const st = p.map((a) => contiguous[a]!);
      expect(Array.from(viaPickle(0, sz, st).data as Float32Array), p.join('')).toEqual(expectedView(STORAGE, 0, sz, st));
    }
  });

  it('decodes each storage dtype, strided, to float32 / int32 / int64', () => {
    // Four elements of n bytes in all, written little-endian.
    const le = (n: number, write: (v: DataView, i: number) => void) => {
      const b = new Uint8Array(n);
      const v = new DataView(b.buffer);
      for (let i = 0; i < 4; i++) write(v, i);
      return b;
    };
    const f64 = le(32, (v, i) => v.setFloat64(i * 8, [0.1, -2, 3.25, 1e300][i]!, true));
    expect(Array.from(rebuild(storageOf('float64', 8, f64), 1, [2], [2]).data as Float32Array)).toEqual([-2, Math.fround(1e300)]);
    // float16 1.0 = 0x3c00, -2 = 0xc000, 0.5 = 0x3800, 65504 = 0x7bff.
    const f16 = le(8, (v, i) => v.setUint16(i * 2, [0x3c00, 0xc000, 0x3800, 0x7bff][i]!, true));
    expect(Array.from(rebuild(storageOf('float16', 2, f16), 0, [2, 2], [1, 2]).data as Float32Array)).toEqual([1, 0.5, -2, 65504]);
    // bfloat16 is the top half of a float32: 1.0 = 0x3f80, -3 = 0xc040.
    const bf16 = le(8, (v, i) => v.setUint16(i * 2, [0x3f80, 0xc040, 0x4000, 0x0000][i]!, true));
    expect(Array.from(rebuild(storageOf('bfloat16', 2, bf16), 0, [4], [1]).data as Float32Array)).toEqual([1, -3, 2, 0]);
    const i64 = le(32, (v, i) => v.setBigInt64(i * 8, [5n, -7n, 2n ** 40n, 0n][i]!, true));
    const ti64 = rebuild(storageOf('int64', 8, i64), 0, [2, 2], [1, 2]);
    expect(ti64.dtype).toBe('int64');
    expect(Array.from(ti64.data as BigInt64Array)).toEqual([5n, 2n ** 40n, -7n, 0n]);
    const i32 = le(16, (v, i) => v.setInt32(i * 4, [-1, 2, -3, 4][i]!, true));
    const ti32 = rebuild(storageOf('int32', 4, i32), 1, [3], [1]);
    expect(ti32.dtype).toBe('int32');
    expect(Array.from(ti32.data as Int32Array)).toEqual([2, -3, 4]);
    const i16 = le(8, (v, i) => v.setInt16(i * 2, [-300, 300, -1, 7][i]!, true));
    expect(Array.from(rebuild(storageOf('int16', 2, i16), 0, [2], [2]).data as Int32Array)).toEqual([-300, -1]);
    const i8 = Uint8Array.from([0xff, 0x7f, 0x80, 0x01]);
    expect(Array.from(rebuild(storageOf('int8', 1, i8), 0, [4], [1]).data as Int32Array)).toEqual([-1, 127, -128, 1]);
    expect(Array.from(rebuild(storageOf('uint8', 1, i8), 0, [4], [1]).data as Int32Array)).toEqual([255, 127, 128, 1]);
    expect(Array.from(rebuild(storageOf('bool', 1, Uint8Array.from([1, 0, 1, 1])), 0, [2], [2]).data as Int32Array)).toEqual([1, 1]);
  });

  it('refuses views that read outside their storage, and malformed arguments', () => {
    const s = storageOf('float32', 4, f32Bytes([1, 2, 3, 4, 5, 6]));
    expect(() => rebuild(s, 0, [2, 3], [3, 1])).not.toThrow();
    // Last element = offset + Σ (size−1)·stride = 0 + 3 + 3 = 6 ≥ 6.
    expect(() => rebuild(s, 0, [2, 3], [3, 2])).toThrow('f.pkl: a tensor of shape [2, 3] reads past the end of its 6-element storage');
    expect(() => rebuild(s, 1, [2, 3], [3, 1])).toThrow(/reads past the end/);
    expect(() => rebuild(s, -1, [2], [1])).toThrow(/reads past the end/);
    expect(() => rebuild(s, 2, [2], [-1])).toThrow(/reads past the end/);
    try {
      rebuild(s, 1, [2, 3], [3, 1]);
    } catch (e) {
      expect((e as UnpickleError).code).toBe('PICKLE_TRUNCATED');
    }
    const malformed = (args: PyValue[]) => {
      try {
        rebuildTensor(args, 'f.pkl');
      } catch (e) {
        expect(e).toBeInstanceOf(UnpickleError);
        expect((e as UnpickleError).code).toBe('PICKLE_STRUCTURE');
        return (e as Error).message;
      }
      throw new Error('accepted');
    };
    expect(malformed([s, 0, new PyTuple([2, 3]), new PyTuple([1])])).toBe('f.pkl: malformed tensor');
    expect(malformed([null, 0, new PyTuple([2]), new PyTuple([1])])).toBe('f.pkl: malformed tensor');
    expect(malformed([new Storage('float32', 4, 2), 0, new PyTuple([2]), new PyTuple([1])])).toBe('f.pkl: malformed tensor');
    expect(malformed([s, '0', new PyTuple([2]), new PyTuple([1])])).toBe('f.pkl: malformed tensor');
    expect(malformed([s, 0, new PyTuple([-1]), new PyTuple([1])])).toBe('f.pkl: malformed tensor');
    expect(malformed([s, 0, new PyTuple([1.5]), new PyTuple([1])])).toBe('f.pkl: malformed tensor');
    expect(malformed([s, 0, [2], new PyTuple([1])])).toBe('f.pkl: malformed tensor');
  });
});

describe("torch's legacy storage format", () => {
  const data = f32Bytes([1, 2, 3]);
  it('reads the storage type, element count and bytes', () => {
    const s = loadLegacyStorage(legacyStorageBytes('FloatStorage', data, { numel: 3 }), 'n.pkl');
    expect([s.dtype, s.elementSize, s.numel]).toEqual(['float32', 4, 3]);
    expect(Array.from(s.bytes!)).toEqual(Array.from(data));
    const h = loadLegacyStorage(legacyStorageBytes('HalfStorage', Uint8Array.from([0, 0x3c, 0, 0xc0]), { numel: 2 }), 'n.pkl');
    expect([h.dtype, h.elementSize, h.numel]).toEqual(['float16', 2, 2]);
    const l = loadLegacyStorage(legacyStorageBytes('LongStorage', new Uint8Array(16), { numel: 2 }), 'n.pkl');
    expect([l.dtype, l.elementSize]).toEqual(['int64', 8]);
    // Trailing bytes after the last storage are ignored; the storage is a copy.
    const withTail = new Uint8Array([...legacyStorageBytes('FloatStorage', data, { numel: 3 }), 9, 9, 9]);
    const t = loadLegacyStorage(withTail, 'n.pkl');
    expect(t.bytes!.length).toBe(12);
    withTail.fill(0);
    expect(Array.from(t.bytes!)).toEqual(Array.from(data));
  });

  const err = (bytes: Uint8Array) => {
    try {
      loadLegacyStorage(bytes, 'n.pkl');
    } catch (e) {
      expect(e).toBeInstanceOf(UnpickleError);
      return { code: (e as UnpickleError).code, message: (e as Error).message };
    }
    throw new Error('loaded');
  };

  it('refuses a wrong magic number, protocol, byte order, and short or missing data', () => {
    expect(err(legacyStorageBytes('FloatStorage', data, { numel: 3, magic: 0x1234n }))).toEqual({
      code: 'PICKLE_STRUCTURE',
      message: "n.pkl: embedded torch storage: not torch's legacy serialization format (wrong magic number)",
    });
    expect(err(legacyStorageBytes('FloatStorage', data, { numel: 3, protocolVersion: 1000 }))).toEqual({
      code: 'PICKLE_STRUCTURE',
      message: 'n.pkl: embedded torch storage: unsupported torch protocol version 1000',
    });
    expect(err(legacyStorageBytes('FloatStorage', data, { numel: 3, littleEndian: false }))).toEqual({
      code: 'PICKLE_STRUCTURE',
      message: 'n.pkl: embedded torch storage: only little-endian storages are supported',
    });
    expect(err(legacyStorageBytes('FloatStorage', data.subarray(0, 8), { numel: 3 }))).toEqual({
      code: 'PICKLE_TRUNCATED',
      message: 'n.pkl: embedded torch storage: storage 0 should hold 3 elements (12 bytes) but the data is shorter',
    });
    expect(err(legacyStorageBytes('FloatStorage', data, { numel: 3, count: 2 })).code).toBe('PICKLE_TRUNCATED');
    const full = legacyStorageBytes('FloatStorage', data, { numel: 3 });
    expect(err(full.subarray(0, full.length - 12 - 8))).toEqual({ code: 'PICKLE_TRUNCATED', message: 'n.pkl: embedded torch storage: storage 0 is missing its data' });
    expect(err(full.subarray(0, full.length - 12 - 3)).code).toBe('PICKLE_TRUNCATED');
  });

  it('refuses other globals, unknown persistent ids and storage views', () => {
    expect(err(legacyStorageBytes('os', data, { numel: 3 })).code).toBe('PICKLE_GLOBAL_REFUSED');
    // A persistent id that is not ('storage', <type>, key, location, numel, None).
    const parts = (pid: (w: PickleWriter) => void) => {
      const base = legacyStorageBytes('FloatStorage', data, { numel: 3 });
      // Replace the fourth pickle: find where the third ends by re-reading the same structure.
      const plain = { findGlobal: () => undefined };
      let end = 0;
      for (let i = 0; i < 3; i++) end = unpickle(base, plain, end).end;
      const main = new PickleWriter(2);
      pid(main);
      const mainBytes = main.op(OP.BINPERSID).stop();
      const afterMain = unpickle(base, { findGlobal: (m) => (m === 'torch' ? () => null : undefined), persistentLoad: () => null }, end).end;
      return new Uint8Array([...base.subarray(0, end), ...mainBytes, ...base.subarray(afterMain)]);
    };
    const tuple = (items: (w: PickleWriter) => void) => (w: PickleWriter) => void w.tuple(items);
    const pid = (tag: string, numel: number, view: (w: PickleWriter) => void = (w) => void w.none()) =>
      tuple((w) => {
        w.str(tag).global('torch', 'FloatStorage').str('0').str('cpu').int(numel);
        view(w);
      });
    expect(loadLegacyStorage(parts(pid('storage', 3)), 'n.pkl').numel).toBe(3);
    expect(err(parts(pid('tensor', 3)))).toEqual({ code: 'PICKLE_STRUCTURE', message: 'n.pkl: embedded torch storage: unexpected persistent id' });
    expect(err(parts(pid('storage', -1))).message).toContain('unexpected persistent id');
    expect(err(parts((w) => void w.str('storage'))).message).toContain('unexpected persistent id');
    expect(err(parts(tuple((w) => void w.str('storage').global('torch', 'FloatStorage').int(0).str('cpu').int(3).none()))).message).toContain('unexpected persistent id');
    expect(err(parts(pid('storage', 3, (w) => void w.tuple((v) => void v.str('view').int(0).int(3)))))).toEqual({
      code: 'PICKLE_STRUCTURE',
      message: 'n.pkl: embedded torch storage: storage views are not supported',
    });
  });
});
