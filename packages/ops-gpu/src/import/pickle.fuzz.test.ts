/**
 * Fuzzing the restricted unpickler and the checkpoint readers built on it (seeded, bounded):
 * random bytes; random opcode programs (every opcode, lying length fields, the allowed globals
 * called on random arguments, tensors rebuilt with random sizes and strides); byte-level
 * mutations of NVIDIA-style pickles, torch.save zips and a real network pickle. Property: a
 * value, or UnpickleError / CheckpointError / ModelFileError — never TypeError, RangeError or
 * anything else — and no tensor larger than the file's size allows. Plus plain regression tests
 * for each defect the hardening fixed.
 */
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Tensor } from '@stylegraph/core';
import { applyBytes, byteMutations, concat } from '../../../../test/support/byte-mutations.js';
import { ModelFileError } from '../model/errors.js';
import { OP, PickleWriter, f32Bytes, legacyStorageBytes, storedZip } from '../testing/pickle-writer.js';
import { readCheckpoint } from './checkpoint.js';
import { explainRefusal, nvidiaGlobals } from './nvidia-globals.js';
import { CheckpointError, readNvidiaPickle } from './nvidia-pkl.js';
import { MAX_PICKLE_STACK, PyTuple, UnpickleError, unpickle, type PyDict, type PyValue } from './pickle.js';
import { loadLegacyStorage, type Storage } from './torch-storage.js';

const le = (n: number | bigint, bytes: number) => {
  let v = BigInt.asUintN(8 * bytes, BigInt(n));
  return Array.from({ length: bytes }, () => {
    const b = Number(v & 0xffn);
    v >>= 8n;
    return b;
  });
};
const utf8 = (s: string) => new TextEncoder().encode(s);
const FILE = 'fuzz.pkl';

/** Allowed globals of network pickles, plus a few refused ones. */
const GLOBALS: [string, string][] = [
  ['torch_utils.persistence', '_reconstruct_persistent_obj'],
  ['collections', 'OrderedDict'],
  ['builtins', 'set'],
  ['builtins', 'frozenset'],
  ['copyreg', '_reconstructor'],
  ['_codecs', 'encode'],
  ['torch._utils', '_rebuild_tensor_v2'],
  ['torch._utils', '_rebuild_parameter'],
  ['torch.storage', '_load_from_bytes'],
  ['torch', 'device'],
  ['numpy', 'dtype'],
  ['numpy.core.multiarray', 'scalar'],
  ['torch', 'FloatStorage'],
  ['torch', 'HalfStorage'],
  ['torch', 'constructor'],
  ['builtins', 'eval'],
  ['os', 'system'],
];
const LEGACY = legacyStorageBytes('FloatStorage', f32Bytes([1, 2, 3, 4, 5, 6]), { numel: 6 });

const EXTREME_LENGTHS = [0, 1, 2, 255, 256, 0x7fffffff, 0x80000000, 0xffffffff];
/** One opcode with its argument bytes, as a byte array. */
const opcode: fc.Arbitrary<number[]> = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom(OP.MARK, OP.NONE, OP.NEWTRUE, OP.NEWFALSE, OP.EMPTY_TUPLE, OP.TUPLE1, OP.TUPLE2, OP.TUPLE3, OP.TUPLE, OP.EMPTY_LIST, OP.LIST, OP.APPEND, OP.APPENDS, OP.EMPTY_DICT, OP.DICT, OP.SETITEM, OP.SETITEMS, OP.EMPTY_SET, OP.ADDITEMS, OP.FROZENSET, OP.STACK_GLOBAL, OP.REDUCE, OP.NEWOBJ, OP.NEWOBJ_EX, OP.BUILD, OP.BINPERSID, OP.MEMOIZE, OP.POP, OP.POP_MARK, OP.DUP).map((o) => [o]) },
  { weight: 2, arbitrary: fc.integer().map((n) => [OP.BININT, ...le(n, 4)]) },
  { weight: 2, arbitrary: fc.nat({ max: 255 }).map((n) => [OP.BININT1, n]) },
  { weight: 1, arbitrary: fc.nat({ max: 0xffff }).map((n) => [OP.BININT2, ...le(n, 2)]) },
  { weight: 1, arbitrary: fc.uint8Array({ maxLength: 12 }).map((b) => [OP.LONG1, b.length, ...b]) },
  { weight: 1, arbitrary: fc.tuple(fc.constantFrom(...EXTREME_LENGTHS, 3, 9), fc.uint8Array({ maxLength: 12 })).map(([n, b]) => [OP.LONG4, ...le(n, 4), ...b]) },
  { weight: 1, arbitrary: fc.double().map((f) => [OP.BINFLOAT, ...new Uint8Array(new Float64Array([f]).buffer).reverse()]) },
  { weight: 3, arbitrary: fc.constantFrom('storage', 'cpu', 'class', 'type', 'class_name', 'state', '_modules', '_parameters', '_buffers', 'G_ema', 'f8', 'b1', 'x', '0').map((s) => [OP.SHORT_BINUNICODE, s.length, ...utf8(s)]) },
  { weight: 1, arbitrary: fc.tuple(fc.constantFrom(OP.BINUNICODE, OP.BINBYTES, OP.BINSTRING), fc.constantFrom(...EXTREME_LENGTHS), fc.uint8Array({ maxLength: 8 })).map(([o, n, b]) => [o, ...le(n, 4), ...b]) },
  { weight: 1, arbitrary: fc.tuple(fc.constantFrom(OP.BINUNICODE8, OP.BINBYTES8, OP.BYTEARRAY8, OP.FRAME), fc.constantFrom(0n, 1n, 8n, 2n ** 32n, 2n ** 63n, 2n ** 64n - 1n)).map(([o, n]) => [o, ...le(n, 8)]) },
  { weight: 2, arbitrary: fc.uint8Array({ maxLength: 16 }).map((b) => [OP.SHORT_BINBYTES, b.length, ...b]) },
  { weight: 1, arbitrary: fc.constant<number[]>([OP.BINBYTES, ...le(LEGACY.length, 4), ...LEGACY]) },
  { weight: 3, arbitrary: fc.constantFrom(...GLOBALS).map(([m, n]) => [OP.GLOBAL, ...utf8(`${m}\n${n}\n`)]) },
  { weight: 2, arbitrary: fc.constantFrom(...GLOBALS).map(([m, n]) => [OP.SHORT_BINUNICODE, m.length, ...utf8(m), OP.SHORT_BINUNICODE, n.length, ...utf8(n), OP.STACK_GLOBAL]) },
  { weight: 2, arbitrary: fc.tuple(fc.constantFrom(OP.BINPUT, OP.BINGET), fc.nat({ max: 4 })).map(([o, k]) => [o, k]) },
  { weight: 1, arbitrary: fc.tuple(fc.constantFrom(OP.LONG_BINPUT, OP.LONG_BINGET), fc.constantFrom(0, 1, 0xffffffff)).map(([o, k]) => [o, ...le(k, 4)]) },
  { weight: 1, arbitrary: fc.constantFrom('01', '00', '7', '-3', 'x', '99999999999999999999').map((s) => [OP.INT, ...utf8(`${s}\n`)]) },
  { weight: 1, arbitrary: fc.nat({ max: 6 }).map((v) => [OP.PROTO, v]) },
  { weight: 1, arbitrary: fc.nat({ max: 255 }).map((b) => [b]) },
);
/** `global(tuple(args…))`: an allowed (or refused) global called on random arguments. */
const call = fc.tuple(fc.constantFrom(...GLOBALS), fc.array(opcode, { maxLength: 6 })).map(([[m, n], args]) => [OP.GLOBAL, ...utf8(`${m}\n${n}\n`), OP.MARK, ...args.flat(), OP.TUPLE, OP.REDUCE]);
/** `_rebuild_tensor_v2(_load_from_bytes(storage), offset, size, stride)` with random numbers, zero strides included. */
const rebuild = fc
  .tuple(fc.integer({ min: -2, max: 8 }), fc.array(fc.oneof(fc.nat({ max: 7 }), fc.constantFrom(2 ** 20, 2 ** 28)), { maxLength: 4 }), fc.array(fc.integer({ min: -1, max: 6 }), { maxLength: 4 }))
  .map(([offset, size, stride]) => {
    const w = new PickleWriter(null)
      .call('torch._utils', '_rebuild_tensor_v2', (a) =>
        a
          .call('torch.storage', '_load_from_bytes', (b) => b.bytes(LEGACY))
          .int(offset)
          .tuple((t) => size.forEach((d) => t.int(d)))
          .tuple((t) => stride.forEach((d) => t.int(d))),
      )
      .stop();
    return Array.from(w.subarray(0, w.length - 1));
  });
const program = fc
  .array(fc.oneof({ weight: 8, arbitrary: opcode }, { weight: 2, arbitrary: call }, { weight: 1, arbitrary: rebuild }), { maxLength: 40 })
  .map((ops) => Uint8Array.from([OP.PROTO, 2, ...ops.flat(), OP.STOP]));

/** The unpickle property: a value or an UnpickleError naming the file; tensors bounded by the file. */
function unpicklesOrRefuses(bytes: Uint8Array): void {
  try {
    const { value } = unpickle(bytes, { file: FILE, findGlobal: nvidiaGlobals(FILE, bytes.length), refuse: explainRefusal });
    const t = value as Partial<Tensor>;
    if (t && typeof t === 'object' && t.data && t.dims) expect(t.data.byteLength).toBeLessThanOrEqual(4 * bytes.length + 16 * 2 ** 20);
  } catch (e) {
    if (!(e instanceof UnpickleError)) throw e;
    expect(e.message.startsWith(`${FILE}: `)).toBe(true);
    expect(e.message.length).toBeLessThan(700);
  }
}

/** The checkpoint property: a model, or one of the readers' coded errors. */
async function readsOrRefuses(read: Promise<unknown>): Promise<void> {
  try {
    await read;
  } catch (e) {
    if (!(e instanceof CheckpointError) && !(e instanceof ModelFileError)) throw e;
    expect(e.message.length).toBeLessThan(2000);
  }
}

const EXTREMES = [0, 1, 0x7f, 0x80, 0xff, 0xffff, 0x7fffffff, 0x80000000, 0xffffffff];
const byteMutation = byteMutations({ extremes: EXTREMES, le: true });

/** `_rebuild_tensor_v2(_load_from_bytes(<legacy storage of values>), 0, size, stride, False, OrderedDict())`. */
const legacyTensor = (w: PickleWriter, values: number[], size: number[], stride: number[]) =>
  w.call('torch._utils', '_rebuild_tensor_v2', (a) =>
    a
      .call('torch.storage', '_load_from_bytes', (b) => b.bytes(legacyStorageBytes('FloatStorage', f32Bytes(values), { numel: values.length })))
      .int(0)
      .tuple((t) => size.forEach((d) => t.int(d)))
      .tuple((t) => stride.forEach((d) => t.int(d)))
      .bool(false)
      .call('collections', 'OrderedDict', () => {}),
  );
/** A torch_utils.persistence object of class `name` with the given state dict entries. */
const persistent = (w: PickleWriter, name: string, state: (s: PickleWriter) => void) =>
  w.call('torch_utils.persistence', '_reconstruct_persistent_obj', (a) => a.dict((m) => m.str('type').str('class').str('class_name').str(name).str('state').dict(state)));

/** An NVIDIA-style network pickle (too small a network to import, but every structure is there). */
const nvidiaPickle = new PickleWriter(2)
  .dict((top) => {
    top.str('G_ema');
    persistent(top, 'Generator', (s) => {
      s.str('_init_kwargs').dict((k) => k.str('img_resolution').int(4).str('z_dim').int(2));
      s.str('_parameters').call('collections', 'OrderedDict', () => {});
      s.str('_buffers').dict(() => {});
      s.str('_non_persistent_buffers_set').call('builtins', 'set', (a) => a.list((l) => l.str('noise')));
      s.str('_modules').dict((m) => {
        m.str('mapping');
        persistent(m, 'MappingNetwork', (ms) => {
          ms.str('_buffers').dict((b) => {
            b.str('w_avg');
            legacyTensor(b, [0.5, -0.5], [2], [1]);
          });
          ms.str('_parameters').dict(() => {});
          ms.str('_modules').dict((fc0) => {
            fc0.str('fc0');
            persistent(fc0, 'FullyConnectedLayer', (fs) => {
              fs.str('_parameters').dict((p) => {
                p.str('weight');
                legacyTensor(p, [1, 2, 3, 4, 5, 6], [2, 3], [1, 2]);
              });
              fs.str('bias_gain').float(0.01);
            });
          });
        });
      });
    });
  })
  .stop();

/** A torch.save zip of a small state dict (persistent-id storages in data/). */
const torchZip = (() => {
  const tensorFromStorage = (w: PickleWriter, key: string, numel: number, size: number[], stride: number[]) =>
    w.call('torch._utils', '_rebuild_tensor_v2', (a) =>
      a
        .tuple((p) => p.str('storage').global('torch', 'FloatStorage').str(key).str('cpu').int(numel))
        .op(OP.BINPERSID)
        .int(0)
        .tuple((t) => size.forEach((d) => t.int(d)))
        .tuple((t) => stride.forEach((d) => t.int(d)))
        .bool(false)
        .call('collections', 'OrderedDict', () => {}),
    );
  const data = new PickleWriter(2)
    .dict((w) => {
      w.str('mapping.w_avg');
      tensorFromStorage(w, '0', 2, [2], [1]);
      w.str('mapping.fc0.weight');
      tensorFromStorage(w, '1', 6, [2, 3], [3, 1]);
    })
    .stop();
  return storedZip({ 'archive/data.pkl': data, 'archive/data/0': f32Bytes([1, 2]), 'archive/data/1': f32Bytes([1, 2, 3, 4, 5, 6]), 'archive/version': utf8('3\n') });
})();

const A32 = new Uint8Array(readFileSync(new URL('../../fixtures/pkl/a32.pkl', import.meta.url)));

describe('unpickler and checkpoint readers fuzz', () => {
  it('random bytes after a protocol header (400 cases)', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 200 }), (b) => unpicklesOrRefuses(concat([[OP.PROTO, 2], b]))), { seed: 401, numRuns: 400 });
  });

  it('random opcode programs: lying lengths, globals on random arguments, random tensor views (2000 cases)', () => {
    fc.assert(fc.property(program, (b) => unpicklesOrRefuses(b)), { seed: 402, numRuns: 2000 });
  });

  it('byte-level mutations of an NVIDIA-style network pickle (500 cases, unpickled and imported)', async () => {
    await expect(readNvidiaPickle(nvidiaPickle, FILE)).rejects.toBeInstanceOf(CheckpointError);
    await fc.assert(
      fc.asyncProperty(fc.array(byteMutation, { minLength: 1, maxLength: 4 }), async (ms) => {
        const b = ms.reduce(applyBytes, nvidiaPickle);
        unpicklesOrRefuses(b);
        await readsOrRefuses(readNvidiaPickle(b, FILE));
      }),
      { seed: 403, numRuns: 500 },
    );
  });

  it('byte-level mutations of a torch.save zip, in the archive and in its data.pkl (500 cases)', async () => {
    await expect(readCheckpoint(torchZip, 'sd.pt')).rejects.toBeInstanceOf(CheckpointError);
    // data.pkl is the first entry: its bytes follow its 30-byte local header and name.
    const head = new DataView(torchZip.buffer, torchZip.byteOffset);
    const start = 30 + head.getUint16(26, true);
    const pkl = torchZip.subarray(start, start + head.getUint32(18, true));
    expect(pkl[pkl.length - 1]).toBe(OP.STOP);
    await fc.assert(
      fc.asyncProperty(fc.boolean(), fc.array(byteMutation, { minLength: 1, maxLength: 4 }), async (whole, ms) => {
        const b = whole ? ms.reduce(applyBytes, torchZip) : storedZip({ 'archive/data.pkl': ms.reduce(applyBytes, pkl), 'archive/data/0': f32Bytes([1, 2]), 'archive/data/1': new Uint8Array(24) });
        await readsOrRefuses(readCheckpoint(b, 'sd.pt'));
      }),
      { seed: 404, numRuns: 500 },
    );
  });

  it('byte-level mutations of a real StyleGAN2-ADA network pickle (25 cases)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(byteMutation, { minLength: 1, maxLength: 3 }), async (ms) => readsOrRefuses(readNvidiaPickle(ms.reduce(applyBytes, A32), 'a32.pkl'))),
      { seed: 405, numRuns: 25 },
    );
  }, 60_000);
});

// ——— Regressions ———

const unpickleError = (bytes: Uint8Array, opts: Partial<Parameters<typeof unpickle>[1]> = {}): UnpickleError => {
  try {
    unpickle(bytes, { file: 'r.pkl', findGlobal: nvidiaGlobals('r.pkl', bytes.length), ...opts });
  } catch (e) {
    expect(e).toBeInstanceOf(UnpickleError);
    return e as UnpickleError;
  }
  throw new Error('unpickled');
};
const checkpointError = async (read: Promise<unknown>): Promise<CheckpointError> => {
  const e = await read.then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(CheckpointError);
  return e as CheckpointError;
};
/** `depth` lists nested in one another: String() or Number() of it overflows the call stack. */
const nested = (w: PickleWriter, depth: number) => {
  for (let i = 0; i < depth; i++) w.op(OP.EMPTY_LIST);
  for (let i = 1; i < depth; i++) w.op(OP.APPEND);
  return w;
};

describe('unpickler regressions', () => {
  it('APPENDS a batch of 300 000 items (spreading them into push() was a RangeError)', () => {
    const w = new PickleWriter(2).op(OP.EMPTY_LIST, OP.MARK);
    for (let i = 0; i < 300_000; i++) w.op(OP.NONE);
    const { value } = unpickle(w.op(OP.APPENDS).stop(), { findGlobal: () => undefined });
    expect((value as PyValue[]).length).toBe(300_000);
  });

  it('uses a tuple of deeply nested lists as a dict key (String() of it was a RangeError)', () => {
    const w = new PickleWriter(2).op(OP.EMPTY_DICT);
    nested(w, 20_000).op(OP.TUPLE1).none().op(OP.SETITEM);
    const { value } = unpickle(w.stop(), { findGlobal: () => undefined });
    expect([...(value as PyDict).map.keys()]).toEqual(['[object Object]']);
  });

  it('refuses a 1 MB integer at once (building it was quadratic: minutes)', () => {
    const huge = concat([[OP.PROTO, 2, OP.LONG4, ...le(1 << 20, 4)], new Uint8Array(1 << 20), [OP.STOP]]);
    const t = performance.now();
    const e = unpickleError(huge);
    expect(performance.now() - t).toBeLessThan(200);
    expect(e.code).toBe('PICKLE_LIMIT');
    expect(e.message).toBe('r.pkl: an integer of 1048576 bytes (at most 1024 are supported) (at byte 7)');
    expect(unpickle(Uint8Array.from([OP.PROTO, 2, OP.LONG4, ...le(1024, 4), ...new Uint8Array(1023), 0x80, OP.STOP]), { findGlobal: () => undefined }).value).toBe(-(1n << 8191n));
  });

  it('bounds the objects built and the stack by the pickle size', () => {
    const dicts = unpickleError(concat([[OP.PROTO, 2], new Uint8Array(200_000).fill(OP.EMPTY_DICT), [OP.STOP]]));
    expect([dicts.code, dicts.message]).toEqual(['PICKLE_LIMIT', 'r.pkl: the pickle builds more objects than its size allows (a hostile file?) (at byte 100004)']);
    const memo = unpickleError(concat([[OP.PROTO, 2, OP.NONE], new Uint8Array(200_000).fill(OP.MEMOIZE), [OP.STOP]]));
    expect(memo.code).toBe('PICKLE_LIMIT');
    const stack = unpickleError(concat([[OP.PROTO, 2], new Uint8Array(MAX_PICKLE_STACK + 1).fill(OP.NONE), [OP.STOP]]));
    expect(stack.message).toMatch(/stack grows past 1048576 items/);
  });

  it('refuses a legacy storage whose magic number is a float or None (BigInt() threw RangeError / TypeError)', () => {
    for (const first of [new PickleWriter().float(1.5).stop(), new PickleWriter().none().stop(), new PickleWriter().str('x').stop()]) {
      expect(() => loadLegacyStorage(concat([first, LEGACY]), 'n.pkl')).toThrow(new UnpickleError('PICKLE_STRUCTURE', "n.pkl: embedded torch storage: not torch's legacy serialization format (wrong magic number)"));
    }
  });

  it('refuses globals given malformed arguments with UnpickleErrors (short numpy scalars, nested lists)', () => {
    const scalar = new PickleWriter(2).call('numpy.core.multiarray', 'scalar', (a) => a.call('numpy', 'dtype', (d) => d.str('f8')).bytes(Uint8Array.of(1))).stop();
    expect(unpickleError(scalar).message).toMatch(/a numpy f8 scalar of 1 bytes/);
    for (const [m, n] of [['torch', 'device'], ['numpy', 'dtype'], ['_codecs', 'encode']]) {
      const e = unpickleError(new PickleWriter(2).call(m!, n!, (a) => nested(a, 20_000)).stop());
      expect([e.code, e.message]).toEqual(['PICKLE_STRUCTURE', expect.stringMatching(/expects a string/)]);
    }
    const size = new PickleWriter(2)
      .call('torch._utils', '_rebuild_tensor_v2', (a) => nested(a.call('torch.storage', '_load_from_bytes', (b) => b.bytes(LEGACY)).int(0).op(OP.MARK), 20_000).op(OP.TUPLE).tuple((t) => t.int(1)))
      .stop();
    expect(unpickleError(size).message).toMatch(/r\.pkl: malformed tensor/);
  });

  it('refuses a broadcast (stride 0) view of one float as 2^28 elements instead of allocating 1 GB', () => {
    const bomb = new PickleWriter(2)
      .call('torch._utils', '_rebuild_tensor_v2', (a) => a.call('torch.storage', '_load_from_bytes', (b) => b.bytes(LEGACY)).int(0).tuple((t) => t.int(2 ** 28)).tuple((t) => t.int(0)))
      .stop();
    const e = unpickleError(bomb);
    expect(e.code).toBe('PICKLE_LIMIT');
    expect(e.message).toMatch(/its tensors would take more memory than the file's size allows/);
    // A small broadcast view is fine.
    const small = new PickleWriter(2).call('torch._utils', '_rebuild_tensor_v2', (a) => a.call('torch.storage', '_load_from_bytes', (b) => b.bytes(LEGACY)).int(1).tuple((t) => t.int(3)).tuple((t) => t.int(0))).stop();
    expect(Array.from((unpickle(small, { findGlobal: nvidiaGlobals('s.pkl', small.length) }).value as Tensor).data as Float32Array)).toEqual([2, 2, 2]);
  });

  it('parses embedded storage bytes once however often a pickle refers to them, and bounds repeated _codecs.encode', () => {
    // 2 000 × _load_from_bytes on one memoized 1 MB storage: each call copied (and re-parsed) it.
    const big = legacyStorageBytes('FloatStorage', new Uint8Array(1 << 20), { numel: 1 << 18 });
    const w = new PickleWriter(2).op(OP.MARK).global('torch.storage', '_load_from_bytes').op(OP.BINPUT, 0).bytes(big).op(OP.BINPUT, 1).op(OP.TUPLE1, OP.REDUCE);
    for (let i = 0; i < 2000; i++) w.op(OP.BINGET, 0, OP.BINGET, 1, OP.TUPLE1, OP.REDUCE);
    const t = performance.now();
    const { value } = unpickle(w.op(OP.LIST).stop(), { findGlobal: nvidiaGlobals('s.pkl', big.length) });
    expect(performance.now() - t).toBeLessThan(1000);
    const storages = value as Storage[];
    expect(storages.length).toBe(2001);
    expect(new Set(storages).size).toBe(1);
    // _codecs.encode of one memoized 1 MB string, 200 times: 200 MB from a 1 MB file.
    const e = new PickleWriter(2).op(OP.MARK).global('_codecs', 'encode').op(OP.BINPUT, 0).str('x'.repeat(1 << 20)).op(OP.BINPUT, 1).op(OP.TUPLE1, OP.REDUCE);
    for (let i = 0; i < 200; i++) e.op(OP.BINGET, 0, OP.BINGET, 1, OP.TUPLE1, OP.REDUCE);
    expect(unpickleError(e.op(OP.LIST).stop()).code).toBe('PICKLE_LIMIT');
  });
});

describe('checkpoint reader regressions', () => {
  /** A torch.save zip whose data.pkl is `{'w': _rebuild_tensor_v2(<persistent id>, 0, (2,), (1,))}`. */
  const zipWithPid = (pid: (w: PickleWriter) => void) =>
    storedZip({
      'archive/data.pkl': new PickleWriter(2)
        .dict((w) => {
          w.str('w').global('torch._utils', '_rebuild_tensor_v2').op(OP.MARK);
          pid(w);
          w.op(OP.BINPERSID).int(0).tuple((t) => t.int(2)).tuple((t) => t.int(1)).op(OP.TUPLE, OP.REDUCE);
        })
        .stop(),
      'archive/data/0': f32Bytes([1, 2]),
    });

  it('refuses persistent ids that are None, have a NaN element count, or name torch.constructor (TypeError / RangeError before)', async () => {
    for (const pid of [
      (w: PickleWriter) => void w.none(),
      (w: PickleWriter) => void w.tuple((p) => p.str('storage').global('torch', 'FloatStorage').str('0').str('cpu').float(Number.NaN)),
      (w: PickleWriter) => void w.tuple((p) => p.str('storage').global('torch', 'FloatStorage').tuple((k) => nested(k, 20_000)).str('cpu').int(2)),
    ]) {
      const e = await checkpointError(readCheckpoint(zipWithPid(pid), 'sd.pt'));
      expect([e.code, e.message]).toEqual(['CHECKPOINT_FORMAT', expect.stringMatching(/^sd\.pt: unexpected persistent id/)]);
    }
    // A prototype member's name is no storage type: refused as a global, by name.
    const proto = await checkpointError(readCheckpoint(zipWithPid((w) => void w.tuple((p) => p.str('storage').global('torch', 'constructor').str('0').str('cpu').int(2))), 'sd.pt'));
    expect([proto.code, proto.message]).toEqual(['CHECKPOINT_UNSUPPORTED', expect.stringMatching(/refusing to load global torch\.constructor/)]);
  });

  it('shares one storage between overlapping zip entries instead of copying it for each, within the tensor budget', async () => {
    // 1 000 directory entries all pointing at the same 1 MB local entry, each a storage of a tensor.
    const n = 1000;
    const data = new Uint8Array(1 << 20);
    const pkl = new PickleWriter(2)
      .dict((w) => {
        for (let i = 0; i < n; i++) {
          w.str(`t${i}`).global('torch._utils', '_rebuild_tensor_v2').op(OP.MARK);
          w.tuple((p) => p.str('storage').global('torch', 'FloatStorage').str(String(i)).str('cpu').int(1 << 18)).op(OP.BINPERSID);
          w.int(0).tuple((t) => t.int(1 << 18)).tuple((t) => t.int(1)).op(OP.TUPLE, OP.REDUCE);
        }
      })
      .stop();
    const base = storedZip({ 'archive/data.pkl': pkl, 'archive/data/x': data });
    // Re-point: keep data.pkl's directory entry, then n entries named archive/data/<i> at data/x's local header.
    const v = new DataView(base.buffer);
    const eocd = base.length - 22;
    const cdStart = v.getUint32(eocd + 16, true);
    const firstLen = 46 + v.getUint16(cdStart + 28, true);
    const second = cdStart + firstLen;
    const local = v.getUint32(second + 42, true);
    const dirs: number[][] = [Array.from(base.subarray(cdStart, second))];
    for (let i = 0; i < n; i++) {
      const name = utf8(`archive/data/${i}`);
      const d = new Uint8Array(46 + name.length);
      const dv = new DataView(d.buffer);
      dv.setUint32(0, 0x02014b50, true);
      dv.setUint32(20, data.length, true);
      dv.setUint32(24, data.length, true);
      dv.setUint16(28, name.length, true);
      dv.setUint32(42, local, true);
      d.set(name, 46);
      dirs.push(Array.from(d));
    }
    const cd = concat(dirs);
    const end = new Uint8Array(22);
    const ev = new DataView(end.buffer);
    ev.setUint32(0, 0x06054b50, true);
    ev.setUint16(8, n + 1, true);
    ev.setUint16(10, n + 1, true);
    ev.setUint32(12, cd.length, true);
    ev.setUint32(16, cdStart, true);
    const zip = concat([base.subarray(0, cdStart), cd, end]);
    const before = process.memoryUsage().arrayBuffers;
    const e = await checkpointError(readCheckpoint(zip, 'many.pt'));
    expect(e.message).toMatch(/its tensors would take more memory than the file's size allows/);
    expect(process.memoryUsage().arrayBuffers - before).toBeLessThan(200 << 20);
  }, 30_000);

  it('refuses a network whose module contains itself (recursion was a RangeError), deep module trees, and odd buffer sets', async () => {
    // {'G_ema': G} where G._modules['a'] is G itself.
    const cyclic = new PickleWriter(2)
      .op(OP.EMPTY_DICT)
      .str('G_ema')
      .op(OP.EMPTY_DICT, OP.BINPUT, 0) // G's _modules, memo 0
      .op(OP.POP);
    cyclic
      .global('torch_utils.persistence', '_reconstruct_persistent_obj')
      .op(OP.MARK)
      .dict((m) => m.str('type').str('class').str('class_name').str('Generator').str('state').dict((s) => s.str('_modules').op(OP.BINGET, 0)))
      .op(OP.TUPLE, OP.REDUCE, OP.BINPUT, 1)
      .op(OP.BINGET, 0)
      .str('a')
      .op(OP.BINGET, 1, OP.SETITEM, OP.POP)
      .op(OP.SETITEM);
    const e = await checkpointError(readNvidiaPickle(cyclic.stop(), 'c.pkl'));
    expect([e.code, e.message]).toEqual(['CHECKPOINT_STRUCTURE', 'module a contains itself']);
    // 100 modules nested in one another, and a _non_persistent_buffers_set that is a dict (a TypeError before).
    const deep = new PickleWriter(2).op(OP.EMPTY_DICT).str('G_ema');
    const open = (w: PickleWriter, depth: number): void => {
      persistent(w, 'M', (s) => {
        s.str('_non_persistent_buffers_set').dict(() => {});
        if (depth > 0) s.str('_modules').dict((m) => open(m.str('m'), depth - 1));
      });
    };
    open(deep, 100);
    expect((await checkpointError(readNvidiaPickle(deep.op(OP.SETITEM).stop(), 'd.pkl'))).message).toBe("the network's modules nest more than 64 deep");
  });

  it('refuses img_resolution = inf (an endless loop before) and state dicts of 200 000 tensors (a RangeError before)', async () => {
    const inf = new PickleWriter(2)
      .dict((top) => {
        top.str('G_ema');
        persistent(top, 'Generator', (s) => {
          s.str('_init_kwargs').dict((k) => k.str('img_resolution').float(Number.POSITIVE_INFINITY));
          s.str('_modules').dict((m) => {
            m.str('mapping');
            persistent(m, 'MappingNetwork', (ms) => {
              ms.str('_buffers').dict((b) => void legacyTensor(b.str('w_avg'), [0.5, -0.5], [2], [1]));
              ms.str('_modules').dict((f) => void persistent(f.str('fc0'), 'FC', (fs) => void fs.str('_parameters').dict((p) => void legacyTensor(p.str('weight'), [1, 2, 3, 4], [2, 2], [2, 1]))));
            });
          });
        });
      })
      .stop();
    expect((await checkpointError(readNvidiaPickle(inf, 'inf.pkl'))).message).toMatch(/do not form a supported StyleGAN2 config/);
    // A state dict of 200 000 empty tensors besides the mapping network's: Math.max(...keys) overflowed.
    const w = new PickleWriter(2).op(OP.EMPTY_DICT, OP.MARK).str('mapping.w_avg');
    legacyTensor(w, [0.5, -0.5], [2], [1]).op(OP.BINPUT, 0).str('mapping.fc0.weight');
    legacyTensor(w, [1, 2, 3, 4], [2, 2], [2, 1]).op(OP.SETITEMS);
    for (let i = 0; i < 200; i++) {
      w.op(OP.MARK);
      for (let k = 0; k < 1000; k++) w.str(`synthesis.b${i * 1000 + k}.x`).op(OP.BINGET, 0);
      w.op(OP.SETITEMS);
    }
    const sd = storedZip({ 'archive/data.pkl': w.stop() });
    const err = await readCheckpoint(sd, 'big.pt').then(
      () => undefined,
      (x: unknown) => x,
    );
    expect(err instanceof CheckpointError || err instanceof ModelFileError).toBe(true);
  }, 30_000);
});

describe('checkpoint values', () => {
  it('PyTuple keys still join their items', () => {
    const { value } = unpickle(new PickleWriter(2).op(OP.EMPTY_DICT).tuple((t) => t.int(1).str('a')).int(5).op(OP.SETITEM).stop(), { findGlobal: () => undefined });
    expect((value as PyDict).map.get('1,a')).toBe(5);
    expect(new PyTuple([]).items).toEqual([]);
  });
});
