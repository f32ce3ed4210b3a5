/**
 * torch storages and tensors at their edges: the tensor memory budget, rank and size limits,
 * malformed views, storage records that lie, storage keys in messages, and the storage types.
 */
import { describe, expect, it } from 'vitest';
import { Storage, TensorBudget, loadLegacyStorage, rebuildTensor, storageTypeGlobal } from './torch-storage.js';
import { PyTuple, UnpickleError, type PyValue } from './pickle.js';
import { readCheckpoint } from './checkpoint.js';
import { OP, PickleWriter, concatBytes, f32Bytes, legacyStorageBytes, storageData, storedZip } from '../testing/pickle-writer.js';

const MiB = 2 ** 20;

const storage = (dtype: Storage['dtype'], elementSize: number, bytes: Uint8Array, numel = bytes.length / elementSize) => {
  const s = new Storage(dtype, elementSize, numel);
  s.bytes = bytes;
  return s;
};
const rebuild = (s: Storage, offset: number, size: number[], stride: number[], budget?: TensorBudget) => rebuildTensor([s, offset, new PyTuple(size), new PyTuple(stride)] as PyValue[], 'f.pkl', budget);
const err = (f: () => unknown) => {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(UnpickleError);
    return { code: (e as UnpickleError).code, message: (e as Error).message };
  }
  throw new Error('no error');
};

describe('TensorBudget', () => {
  it('allows 4 bytes per file byte plus 16 MiB, exactly', () => {
    const b = new TensorBudget('b.pkl', MiB);
    b.take(20 * MiB);
    expect(err(() => b.take(1))).toEqual({
      code: 'PICKLE_LIMIT',
      message: "b.pkl: its tensors would take more memory than the file's size allows (tensors repeated or broadcast from small storages; a hostile file?)",
    });
    const small = new TensorBudget('s.pkl', 0);
    small.take(16 * MiB - 1);
    small.take(1);
    expect(() => small.take(1)).toThrow(UnpickleError);
    // NaN and negative requests are refused, not added.
    expect(() => new TensorBudget('n.pkl', 0).take(Number.NaN)).toThrow(UnpickleError);
  });

  it('charges tensors 4 bytes an element, int64 tensors 8', () => {
    const one = storage('float32', 4, f32Bytes([1]));
    // A broadcast view of one float: 2^22 elements is 16 MiB, the whole budget of an empty file.
    expect(rebuild(one, 0, [2 ** 22], [0], new TensorBudget('f.pkl', 0)).data.length).toBe(2 ** 22);
    expect(err(() => rebuild(one, 0, [2 ** 22 + 1], [0], new TensorBudget('f.pkl', 0))).code).toBe('PICKLE_LIMIT');
    const long = storage('int64', 8, new Uint8Array(8));
    expect(rebuild(long, 0, [2 ** 21], [0], new TensorBudget('f.pkl', 0)).data.length).toBe(2 ** 21);
    expect(err(() => rebuild(long, 0, [2 ** 21 + 1], [0], new TensorBudget('f.pkl', 0))).code).toBe('PICKLE_LIMIT');
    const i8 = storage('int8', 1, new Uint8Array(1));
    expect(rebuild(i8, 0, [2 ** 22], [0], new TensorBudget('f.pkl', 0)).data.length).toBe(2 ** 22);
    expect(err(() => rebuild(i8, 0, [2 ** 22 + 1], [0], new TensorBudget('f.pkl', 0))).code).toBe('PICKLE_LIMIT');
  });
});

describe('rebuildTensor limits', () => {
  const s = storage('float32', 4, f32Bytes([1, 2, 3, 4]));

  it('accepts 64 dimensions and refuses 65', () => {
    expect(rebuild(s, 0, new Array(64).fill(1), new Array(64).fill(1)).dims).toHaveLength(64);
    expect(err(() => rebuild(s, 0, new Array(65).fill(1), new Array(65).fill(1)))).toEqual({ code: 'PICKLE_STRUCTURE', message: 'f.pkl: malformed tensor' });
    expect(err(() => rebuild(s, 0, new Array(64).fill(1), new Array(65).fill(1)))).toEqual({ code: 'PICKLE_STRUCTURE', message: 'f.pkl: malformed tensor' });
    expect(err(() => rebuild(s, 0, new Array(65).fill(1), new Array(64).fill(1))).message).toBe('f.pkl: malformed tensor');
  });

  it('refuses shapes whose element count is not a safe integer', () => {
    expect(err(() => rebuild(s, 0, [2 ** 30, 2 ** 30, 2 ** 30], [0, 0, 0]))).toEqual({ code: 'PICKLE_STRUCTURE', message: 'f.pkl: a tensor of shape [1073741824, 1073741824, 1073741824] has too many elements' });
  });

  it('refuses strides that are not a tuple, storages shorter than their count, and unknown dtypes', () => {
    expect(err(() => rebuildTensor([s, 0, new PyTuple([2]), [1]], 'f.pkl')).message).toBe('f.pkl: malformed tensor');
    expect(err(() => rebuildTensor([s, 0, new PyTuple([2]), null], 'f.pkl')).message).toBe('f.pkl: malformed tensor');
    expect(err(() => rebuildTensor([s, 0, new PyTuple([2]), new PyTuple(['1'])], 'f.pkl')).message).toBe('f.pkl: malformed tensor');
    expect(err(() => rebuildTensor([s, 1.5, new PyTuple([2]), new PyTuple([1])], 'f.pkl')).message).toBe('f.pkl: malformed tensor');
    const short = storage('float32', 4, f32Bytes([1, 2]), 4);
    expect(err(() => rebuild(short, 0, [1], [1])).message).toBe('f.pkl: malformed tensor');
    const odd = storage('complex64' as Storage['dtype'], 8, new Uint8Array(8));
    expect(err(() => rebuild(odd, 0, [1], [1]))).toEqual({ code: 'PICKLE_STRUCTURE', message: 'f.pkl: malformed tensor' });
    expect(err(() => rebuild(storage('float32', 4, f32Bytes([1]), -1), 0, [1], [1])).message).toBe('f.pkl: malformed tensor');
  });

  it('lets an empty view sit anywhere, even at a negative offset or stride', () => {
    expect(rebuild(s, -5, [0], [1]).data.length).toBe(0);
    expect(rebuild(s, 0, [0, 2], [-1, 1]).data.length).toBe(0);
    expect(err(() => rebuild(s, -1, [1], [1])).code).toBe('PICKLE_TRUNCATED');
  });

  it('keeps float16 and bfloat16 fractions (floats come out as float32)', () => {
    const bf = new Uint8Array(4);
    new DataView(bf.buffer).setUint16(0, 0x3fc0, true); // 1.5
    new DataView(bf.buffer).setUint16(2, 0xbf40, true); // -0.75
    const t = rebuild(storage('bfloat16', 2, bf), 0, [2], [1]);
    expect(t.dtype).toBe('float32');
    expect(Array.from(t.data as Float32Array)).toEqual([1.5, -0.75]);
    const h = new Uint8Array(2);
    new DataView(h.buffer).setUint16(0, 0x3e00, true); // 1.5
    expect(Array.from(rebuild(storage('float16', 2, h), 0, [1], [1]).data as Float32Array)).toEqual([1.5]);
    const d = new Uint8Array(8);
    new DataView(d.buffer).setFloat64(0, 2.25, true);
    const td = rebuild(storage('float64', 8, d), 0, [1], [1]);
    expect(td.dtype).toBe('float32');
    expect(Array.from(td.data as Float32Array)).toEqual([2.25]);
    const i = rebuild(storage('int16', 2, new Uint8Array([7, 0])), 0, [1], [1]);
    expect(i.dtype).toBe('int32');
  });
});

describe('legacy storage records', () => {
  const data = f32Bytes([1, 2, 3]);
  const load = (bytes: Uint8Array) => loadLegacyStorage(bytes, 'n.pkl');
  const fails = (bytes: Uint8Array) => err(() => load(bytes));
  const keysPickle = (write: (w: PickleWriter) => void) => new PickleWriter().list(write).stop();

  it('names unknown storage keys, quoting keys that are not short printable ASCII', () => {
    const unknown = (write: (w: PickleWriter) => void) => fails(legacyStorageBytes('FloatStorage', data, { numel: 3, pickles: { keys: keysPickle(write) } }));
    expect(unknown((w) => void w.str('zz'))).toEqual({ code: 'PICKLE_STRUCTURE', message: 'n.pkl: embedded torch storage: data for unknown storage zz' });
    expect(unknown((w) => void w.str('é!')).message).toBe('n.pkl: embedded torch storage: data for unknown storage "é!"');
    expect(unknown((w) => void w.str('a é')).message).toBe('n.pkl: embedded torch storage: data for unknown storage "a é"');
    expect(unknown((w) => void w.str('a b')).message).toBe('n.pkl: embedded torch storage: data for unknown storage "a b"');
    expect(unknown((w) => void w.str('')).message).toBe('n.pkl: embedded torch storage: data for unknown storage ""');
    expect(unknown((w) => void w.int(5)).message).toBe('n.pkl: embedded torch storage: data for unknown storage 5');
    expect(unknown((w) => void w.none()).message).toBe('n.pkl: embedded torch storage: data for unknown storage (a None)');
    expect(unknown((w) => void w.op(OP.EMPTY_LIST)).message).toBe('n.pkl: embedded torch storage: data for unknown storage (a object)');
    const long = 'k'.repeat(201);
    expect(unknown((w) => void w.str(long)).message).toBe(`n.pkl: embedded torch storage: data for unknown storage "${'k'.repeat(200)}…"`);
    expect(unknown((w) => void w.str('k'.repeat(200))).message).toBe(`n.pkl: embedded torch storage: data for unknown storage ${'k'.repeat(200)}`);
    // The key list must be a list.
    expect(fails(legacyStorageBytes('FloatStorage', data, { numel: 3, pickles: { keys: new PickleWriter().op(OP.EMPTY_DICT).stop() } }))).toEqual({
      code: 'PICKLE_STRUCTURE',
      message: 'n.pkl: embedded torch storage: missing storage key list',
    });
  });

  it('reads a storage of no elements, and several storages one after another', () => {
    const empty = load(legacyStorageBytes('FloatStorage', new Uint8Array(0), { numel: 0 }));
    expect([empty.numel, empty.bytes!.length]).toEqual([0, 0]);
    // The object is storage "a"; "b" is read too (its record comes first), and skipped past correctly.
    const main = new PickleWriter()
      .tuple((w) => void w.str('storage').global('torch', 'FloatStorage').str('b').str('cpu').int(2).none())
      .op(OP.BINPERSID)
      .op(OP.POP)
      .tuple((w) => void w.str('storage').global('torch', 'FloatStorage').str('a').str('cpu').int(3).none())
      .op(OP.BINPERSID)
      .stop();
    const two = legacyStorageBytes('FloatStorage', data, {
      numel: 3,
      pickles: { main, keys: keysPickle((w) => void w.str('b').str('a')) },
      tail: concatBytes(storageData(2, f32Bytes([9, 8])), storageData(3, data)),
    });
    const a = load(two);
    expect(Array.from(new Float32Array(a.bytes!.slice().buffer))).toEqual([1, 2, 3]);
  });

  it('refuses a record that is not a storage, or a storage without its data', () => {
    const none = new PickleWriter().none().stop();
    expect(fails(legacyStorageBytes('FloatStorage', data, { numel: 3, pickles: { main: none, keys: keysPickle(() => {}) }, tail: new Uint8Array(0) }))).toEqual({
      code: 'PICKLE_STRUCTURE',
      message: 'n.pkl: embedded torch storage: does not hold a storage',
    });
    // A storage whose data is never given.
    expect(fails(legacyStorageBytes('FloatStorage', data, { numel: 3, pickles: { keys: keysPickle(() => {}) }, tail: new Uint8Array(0) })).message).toBe(
      'n.pkl: embedded torch storage: does not hold a storage',
    );
  });

  it('accepts persistent ids without the view item, and refuses any view', () => {
    const five = new PickleWriter().tuple((w) => void w.str('storage').global('torch', 'FloatStorage').str('0').str('cpu').int(3)).op(OP.BINPERSID).stop();
    expect(load(legacyStorageBytes('FloatStorage', data, { numel: 3, pickles: { main: five } })).numel).toBe(3);
    const viewed = new PickleWriter().tuple((w) => void w.str('storage').global('torch', 'FloatStorage').str('0').str('cpu').int(3).int(0)).op(OP.BINPERSID).stop();
    expect(fails(legacyStorageBytes('FloatStorage', data, { numel: 3, pickles: { main: viewed } })).message).toBe('n.pkl: embedded torch storage: storage views are not supported');
  });

  it('names the embedded storage in the unpickler’s own errors, and allows no globals before the object', () => {
    const cut = new Uint8Array([0x80, 2, OP.LONG1, 10, 1]);
    expect(fails(cut)).toMatchObject({ code: 'PICKLE_TRUNCATED', message: expect.stringMatching(/^n\.pkl: embedded torch storage: /) });
    const global = legacyStorageBytes('FloatStorage', data, { numel: 3, pickles: { sys: new PickleWriter().global('torch', 'FloatStorage').stop() } });
    expect(fails(global)).toMatchObject({ code: 'PICKLE_GLOBAL_REFUSED', message: expect.stringMatching(/^n\.pkl: embedded torch storage: refusing to load global torch\.FloatStorage/) });
  });

  it('storage classes are markers that cannot be called', () => {
    const e = err(() => storageTypeGlobal('torch', 'HalfStorage')!([]));
    expect(e).toEqual({ code: 'PICKLE_STRUCTURE', message: 'torch.HalfStorage cannot be called' });
    expect(storageTypeGlobal('torch', 'HalfStorage')).toHaveProperty('storageType', ['float16', 2]);
    expect(
      ['FloatStorage', 'DoubleStorage', 'HalfStorage', 'BFloat16Storage', 'LongStorage', 'IntStorage', 'ShortStorage', 'CharStorage', 'ByteStorage', 'BoolStorage'].map(
        (n) => (storageTypeGlobal('torch', n) as unknown as { storageType: unknown }).storageType,
      ),
    ).toEqual([
      ['float32', 4],
      ['float64', 8],
      ['float16', 2],
      ['bfloat16', 2],
      ['int64', 8],
      ['int32', 4],
      ['int16', 2],
      ['int8', 1],
      ['uint8', 1],
      ['bool', 1],
    ]);
  });

  it('reads each storage type end to end from a legacy record', () => {
    const cases: [string, Uint8Array, number, number[] | bigint[]][] = [
      ['DoubleStorage', new Uint8Array(new Float64Array([0.5, -2]).buffer), 2, [0.5, -2]],
      ['HalfStorage', new Uint8Array([0x00, 0x3c, 0x00, 0xc0]), 2, [1, -2]],
      ['LongStorage', new Uint8Array(new BigInt64Array([5n, -6n]).buffer), 2, [5n, -6n]],
      ['IntStorage', new Uint8Array(new Int32Array([7, -8]).buffer), 2, [7, -8]],
      ['ShortStorage', new Uint8Array(new Int16Array([9, -10]).buffer), 2, [9, -10]],
      ['CharStorage', new Uint8Array([0xff, 3]), 2, [-1, 3]],
      ['ByteStorage', new Uint8Array([0xff, 3]), 2, [255, 3]],
      ['BoolStorage', new Uint8Array([1, 0]), 2, [1, 0]],
    ];
    for (const [type, bytes, numel, values] of cases) {
      const st = load(legacyStorageBytes(type, bytes, { numel }));
      expect(Array.from(rebuild(st, 0, [numel], [1]).data as ArrayLike<number | bigint>), type).toEqual(values);
    }
  });
});

describe('torch.save zip persistent ids', () => {
  it('refuses a persistent id whose type is a known global but no storage class', async () => {
    const pkl = new PickleWriter(2)
      .dict((d) => {
        d.str('w').call('torch._utils', '_rebuild_tensor_v2', (a) => {
          a.tuple((t) => void t.str('storage').global('collections', 'OrderedDict').str('0').str('cpu').int(1)).op(OP.BINPERSID);
          a.int(0).tuple((t) => void t.int(1)).tuple((t) => void t.int(1)).bool(false).none();
        });
      })
      .stop();
    await expect(readCheckpoint(storedZip({ 'a/data.pkl': pkl, 'a/data/0': f32Bytes([1]) }), 'z.pt')).rejects.toMatchObject({
      code: 'CHECKPOINT_FORMAT',
      message: expect.stringContaining('z.pt: unexpected persistent id'),
    });
  });
});
