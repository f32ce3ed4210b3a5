/**
 * The restricted unpickler opcode by opcode: the value each one builds, and the error (code and
 * message) for malformed input. Pickles are written by hand with the test PickleWriter; the
 * expected values are what Python's pickle.loads gives for the same bytes.
 */
import { describe, expect, it } from 'vitest';
import { PyDict, PyObject, PyTuple, UnpickleError, unpickle, type GlobalHandler, type PyValue, type UnpickleOptions } from './pickle.js';
import { OP, PickleWriter } from '../testing/pickle-writer.js';

const none = (): GlobalHandler | undefined => undefined;
const load = (bytes: Uint8Array, opts: Partial<UnpickleOptions> = {}) => unpickle(bytes, { findGlobal: none, file: 'p.pkl', ...opts }).value;
const w = (protocol: number | null = 2) => new PickleWriter(protocol);
const fails = (bytes: Uint8Array, opts: Partial<UnpickleOptions> = {}) => {
  try {
    unpickle(bytes, { findGlobal: none, file: 'p.pkl', ...opts });
  } catch (e) {
    expect(e).toBeInstanceOf(UnpickleError);
    expect((e as Error).name).toBe('UnpickleError');
    return { code: (e as UnpickleError).code, message: (e as Error).message };
  }
  throw new Error('unpickled');
};
const dictOf = (v: PyValue) => Object.fromEntries((v as PyDict).map);

describe('unpickle: scalars', () => {
  it('reads ints of every width with their signs', () => {
    expect(load(w().int(0).stop())).toBe(0);
    expect(load(w().int(255).stop())).toBe(255);
    expect(load(w().int(256).stop())).toBe(256);
    expect(load(w().int(65535).stop())).toBe(65535);
    expect(load(w().int(65536).stop())).toBe(65536);
    expect(load(w().int(-1).stop())).toBe(-1);
    expect(load(w().int(-(2 ** 31)).stop())).toBe(-(2 ** 31));
    expect(load(w().int(2 ** 31 - 1).stop())).toBe(2 ** 31 - 1);
    // BININT2 and BININT are little-endian.
    expect(load(w().op(OP.BININT2, 0x34, 0x12).stop())).toBe(0x1234);
    expect(load(w().op(OP.BININT, 0x78, 0x56, 0x34, 0x12).stop())).toBe(0x12345678);
    expect(load(w().op(OP.BININT, 0xfe, 0xff, 0xff, 0xff).stop())).toBe(-2);
  });

  it('reads LONG1 and LONG4 as numbers when safe and BigInts beyond', () => {
    expect(load(w().op(OP.LONG1, 0).stop())).toBe(0);
    expect(load(w().op(OP.LONG1, 1, 0x7f).stop())).toBe(127);
    expect(load(w().op(OP.LONG1, 1, 0x80).stop())).toBe(-128);
    expect(load(w().op(OP.LONG1, 2, 0x00, 0x80).stop())).toBe(-32768);
    expect(load(w().op(OP.LONG1, 2, 0xff, 0x00).stop())).toBe(255);
    expect(load(w().op(OP.LONG1, 2, 0x01, 0x02).stop())).toBe(0x0201);
    expect(load(w().long(2n ** 53n - 1n).stop())).toBe(2 ** 53 - 1);
    expect(load(w().long(-(2n ** 53n) + 1n).stop())).toBe(-(2 ** 53) + 1);
    expect(load(w().long(2n ** 53n).stop())).toBe(2n ** 53n);
    expect(load(w().long(-(2n ** 53n)).stop())).toBe(-(2n ** 53n));
    expect(load(w().long(0x1950a86a20f9469cfc6cn).stop())).toBe(0x1950a86a20f9469cfc6cn);
    expect(load(w().op(OP.LONG4).u32(3).op(0x01, 0x00, 0x01).stop())).toBe(0x010001);
    expect(load(w().op(OP.LONG4).u32(0).stop())).toBe(0);
  });

  it('reads floats (big-endian), booleans, None and text ints', () => {
    expect(load(w().float(1.5).stop())).toBe(1.5);
    expect(load(w().float(-0.1).stop())).toBe(-0.1);
    expect(load(w().bool(true).stop())).toBe(true);
    expect(load(w().bool(false).stop())).toBe(false);
    expect(load(w().none().stop())).toBeNull();
    const text = (s: string) => w(null).op(OP.INT).raw(new TextEncoder().encode(`${s}\n`)).stop();
    expect(load(text('01'))).toBe(true);
    expect(load(text('00'))).toBe(false);
    expect(load(text('42'))).toBe(42);
    expect(load(text('-7'))).toBe(-7);
    expect(fails(w(null).op(OP.INT).raw([0x31, 0x32]).stop())).toMatchObject({ code: 'PICKLE_TRUNCATED', message: expect.stringContaining('unterminated text line') });
  });

  it('reads strings and bytes of every opcode', () => {
    const enc = (s: string) => new TextEncoder().encode(s);
    expect(load(w().str('héllo').stop())).toBe('héllo');
    expect(load(w().str('x'.repeat(300)).stop())).toBe('x'.repeat(300));
    expect(load(w().op(OP.BINUNICODE8).u64(2).raw(enc('ok')).stop())).toBe('ok');
    expect(load(w().op(OP.SHORT_BINSTRING, 3).raw(enc('abc')).stop())).toBe('abc');
    expect(load(w().op(OP.BINSTRING).u32(2).raw(enc('de')).stop())).toBe('de');
    const b = Uint8Array.from([0, 1, 255]);
    expect(load(w().bytes(b).stop())).toEqual(b);
    expect(load(w().bytes(new Uint8Array(300).fill(7)).stop())).toEqual(new Uint8Array(300).fill(7));
    expect(load(w().op(OP.BINBYTES8).u64(3).raw(b).stop())).toEqual(b);
    expect(load(w().op(OP.BYTEARRAY8).u64(3).raw(b).stop())).toEqual(b);
  });

  it('copies bytes out of the file', () => {
    const bytes = w().bytes(Uint8Array.from([1, 2, 3])).stop();
    const v = load(bytes) as Uint8Array;
    bytes.fill(0);
    expect(Array.from(v)).toEqual([1, 2, 3]);
    const long = w().op(OP.BINBYTES).u32(2).raw([4, 5]).stop();
    const lv = load(long) as Uint8Array;
    long.fill(0);
    expect(Array.from(lv)).toEqual([4, 5]);
    const b8 = w().op(OP.BINBYTES8).u64(1).raw([6]).stop();
    const v8 = load(b8) as Uint8Array;
    b8.fill(0);
    expect(Array.from(v8)).toEqual([6]);
    const ba = w().op(OP.BYTEARRAY8).u64(1).raw([9]).stop();
    const va = load(ba) as Uint8Array;
    ba.fill(0);
    expect(Array.from(va)).toEqual([9]);
  });
});

describe('unpickle: containers', () => {
  it('builds tuples of each size', () => {
    expect((load(w().op(OP.EMPTY_TUPLE).stop()) as PyTuple).items).toEqual([]);
    expect((load(w().int(1).op(OP.TUPLE1).stop()) as PyTuple).items).toEqual([1]);
    expect((load(w().int(1).int(2).op(OP.TUPLE2).stop()) as PyTuple).items).toEqual([1, 2]);
    expect((load(w().int(1).int(2).int(3).op(OP.TUPLE3).stop()) as PyTuple).items).toEqual([1, 2, 3]);
    const t = load(w().tuple((x) => void x.int(4).int(5).int(6).int(7)).stop());
    expect(t).toBeInstanceOf(PyTuple);
    expect((t as PyTuple).items).toEqual([4, 5, 6, 7]);
  });

  it('builds lists with APPEND, APPENDS and LIST', () => {
    expect(load(w().op(OP.EMPTY_LIST).int(1).op(OP.APPEND).int(2).op(OP.APPEND).stop())).toEqual([1, 2]);
    expect(load(w().list((x) => void x.int(1).str('a').none()).stop())).toEqual([1, 'a', null]);
    expect(load(w().mark().int(3).int(4).op(OP.LIST).stop())).toEqual([3, 4]);
    // APPENDS leaves the list on the stack for more.
    expect(load(w().list((x) => void x.int(1)).mark().int(2).op(OP.APPENDS).stop())).toEqual([1, 2]);
  });

  it('builds dicts with SETITEM, SETITEMS and DICT, tuple keys joined', () => {
    expect(dictOf(load(w().op(OP.EMPTY_DICT).str('a').int(1).op(OP.SETITEM).stop()))).toEqual({ a: 1 });
    expect(dictOf(load(w().dict((x) => void x.str('a').int(1).str('b').int(2)).stop()))).toEqual({ a: 1, b: 2 });
    expect(dictOf(load(w().mark().str('k').str('v').str('n').none().op(OP.DICT).stop()))).toEqual({ k: 'v', n: null });
    const d = load(w().dict((x) => void x.int(7).str('seven').int(1).int(2).op(OP.TUPLE2).str('pair')).stop()) as PyDict;
    expect(d.map.get(7)).toBe('seven');
    expect(d.map.get('1,2')).toBe('pair');
    expect(d.get('missing')).toBeUndefined();
    // A dangling key without a value is ignored.
    expect(dictOf(load(w().op(OP.EMPTY_DICT, OP.MARK).str('a').int(1).str('b').op(OP.SETITEMS).stop()))).toEqual({ a: 1 });
  });

  it('builds sets and frozensets as arrays', () => {
    expect(load(w(4).op(OP.EMPTY_SET).mark().int(1).int(2).op(OP.ADDITEMS).stop())).toEqual([1, 2]);
    expect(load(w(4).mark().int(3).op(OP.FROZENSET).stop())).toEqual([3]);
  });

  it('memoizes with MEMOIZE, BINPUT and LONG_BINPUT and fetches with BINGET and LONG_BINGET', () => {
    // [x, x] where x = [] memoized: the same object twice.
    const shared = load(w(4).op(OP.EMPTY_LIST, OP.MEMOIZE).op(OP.EMPTY_LIST, OP.MEMOIZE).op(OP.APPEND).op(OP.BINGET, 0).op(OP.BINGET, 1).op(OP.APPEND).stop()) as PyValue[][];
    expect(shared).toHaveLength(2);
    expect(shared[0]).toBe(shared[1]);
    expect(load(w().str('a').op(OP.BINPUT, 5).op(OP.POP).op(OP.BINGET, 5).stop())).toBe('a');
    expect(load(w().str('b').op(OP.LONG_BINPUT).u32(70000).op(OP.POP).op(OP.LONG_BINGET).u32(70000).stop())).toBe('b');
    // MEMOIZE numbers entries by how many there are.
    expect(load(w(4).str('p').op(OP.MEMOIZE).str('q').op(OP.MEMOIZE).op(OP.POP, OP.POP).op(OP.BINGET, 1).stop())).toBe('q');
    expect(fails(w().op(OP.BINGET, 3).stop())).toEqual({ code: 'PICKLE_STRUCTURE', message: 'p.pkl: memo entry 3 is not defined (at byte 4)' });
    expect(fails(w().op(OP.LONG_BINGET).u32(9).stop()).message).toContain('memo entry 9 is not defined');
  });

  it('handles POP, POP_MARK, DUP and FRAME', () => {
    expect(load(w().int(1).int(2).op(OP.POP).stop())).toBe(1);
    expect(load(w().int(1).mark().int(2).int(3).op(OP.POP_MARK).stop())).toBe(1);
    const dup = load(w().op(OP.EMPTY_LIST).op(OP.DUP).op(OP.TUPLE2).stop()) as PyTuple;
    expect(dup.items).toHaveLength(2);
    expect(dup.items[0]).toEqual([]);
    expect(dup.items[0]).toBe(dup.items[1]);
    expect(load(w(4).op(OP.FRAME).u64(3).int(9).op(OP.STOP).stop().subarray(0, -1))).toBe(9);
    expect(fails(w(4).op(OP.FRAME).u64(1_000_000).int(1).stop())).toMatchObject({ code: 'PICKLE_TRUNCATED', message: expect.stringContaining('a length of 1000000 bytes exceeds the file') });
  });

  it('returns the offset after STOP so pickles can follow each other', () => {
    const a = w().int(1).stop();
    const b = w().str('two').stop();
    const both = new Uint8Array([...a, ...b]);
    const first = unpickle(both, { findGlobal: none });
    expect(first).toEqual({ value: 1, end: a.length });
    expect(unpickle(both, { findGlobal: none }, first.end)).toEqual({ value: 'two', end: both.length });
  });
});

describe('unpickle: globals, calls, objects', () => {
  const table = (entries: Record<string, GlobalHandler>) => (m: string, n: string) => entries[`${m}.${n}`];

  it('calls known globals with REDUCE, NEWOBJ and NEWOBJ_EX, with their arguments', () => {
    const seen: PyValue[][] = [];
    const findGlobal = table({ 'm.f': (args) => (seen.push(args), `f(${args.join(',')})`) });
    expect(load(w().call('m', 'f', (x) => void x.int(1).str('a')).stop(), { findGlobal })).toBe('f(1,a)');
    expect(load(w().global('m', 'f').tuple((x) => void x.int(2)).op(OP.NEWOBJ).stop(), { findGlobal })).toBe('f(2)');
    expect(load(w(4).stackGlobal('m', 'f').tuple((x) => void x.int(3)).op(OP.EMPTY_DICT).op(OP.NEWOBJ_EX).stop(), { findGlobal })).toBe('f(3)');
    expect(seen).toEqual([[1, 'a'], [2], [3]]);
  });

  it('refuses unknown globals by full name, with the caller’s explanation when it has one', () => {
    expect(fails(w().global('os', 'system').stop())).toEqual({
      code: 'PICKLE_GLOBAL_REFUSED',
      message: 'p.pkl: refusing to load global os.system: it is not one of the classes or functions StyleGAN checkpoints use (at byte 13)',
    });
    const refuse = (m: string, n: string) => (m === 'tf' ? `no ${m}.${n} here` : undefined);
    expect(fails(w().global('tf', 'x').stop(), { refuse }).message).toBe('p.pkl: no tf.x here (at byte 8)');
    expect(fails(w().global('os', 'x').stop(), { refuse }).message).toContain('refusing to load global os.x');
    expect(fails(w(4).str('a').int(1).op(OP.STACK_GLOBAL).stop())).toEqual({ code: 'PICKLE_STRUCTURE', message: 'p.pkl: STACK_GLOBAL needs two strings (at byte 8)' });
    expect(fails(w(4).int(1).str('a').op(OP.STACK_GLOBAL).stop()).code).toBe('PICKLE_STRUCTURE');
  });

  it('refuses REDUCE on non-globals and non-tuple arguments', () => {
    const findGlobal = table({ 'm.f': () => 1 });
    expect(fails(w().str('f').tuple(() => {}).op(OP.REDUCE).stop())).toMatchObject({ code: 'PICKLE_STRUCTURE', message: expect.stringContaining('REDUCE on something that is not a known global') });
    expect(fails(w().global('m', 'f').op(OP.EMPTY_LIST).op(OP.REDUCE).stop(), { findGlobal })).toMatchObject({ code: 'PICKLE_STRUCTURE', message: expect.stringContaining('arguments are not a tuple') });
  });

  it('BUILD merges dict state, sets object state, calls setState, and ignores None', () => {
    const findGlobal = table({ 'm.D': () => new PyDict(), 'm.S': () => {
      const target: { got: PyValue | undefined; setState(s: PyValue): void } = { got: undefined, setState: (s) => void (target.got = s) };
      return target;
    } });
    const d = load(w().call('m', 'D', () => {}).dict((x) => void x.str('a').int(1)).op(OP.BUILD).stop(), { findGlobal });
    expect(dictOf(d)).toEqual({ a: 1 });
    // BUILD onto a dict that already has entries overwrites and adds.
    const d2 = load(w().dict((x) => void x.str('a').int(1).str('b').int(2)).dict((x) => void x.str('a').int(9)).op(OP.BUILD).stop());
    expect(dictOf(d2)).toEqual({ a: 9, b: 2 });
    const s = load(w().call('m', 'S', () => {}).str('state').op(OP.BUILD).stop(), { findGlobal }) as { got: PyValue };
    expect(s.got).toBe('state');
    const o = new PyObject('C', []);
    const obj = load(w().call('m', 'O', () => {}).int(5).op(OP.BUILD).stop(), { findGlobal: table({ 'm.O': () => o }) });
    expect(obj).toBe(o);
    expect(o.state).toBe(5);
    expect(dictOf(load(w().op(OP.EMPTY_DICT).none().op(OP.BUILD).stop()))).toEqual({});
    expect(fails(w().int(1).int(2).op(OP.BUILD).stop())).toMatchObject({ code: 'PICKLE_STRUCTURE', message: expect.stringContaining('BUILD on an object that takes no state') });
    expect(fails(w().op(OP.EMPTY_DICT).int(2).op(OP.BUILD).stop()).message).toContain('BUILD on an object that takes no state');
    expect(fails(w().op(OP.EMPTY_LIST).op(OP.EMPTY_DICT).op(OP.BUILD).stop()).message).toContain('BUILD on an object that takes no state');
  });

  it('APPEND onto a PyObject collects its list items', () => {
    const o = new PyObject('L', [1]);
    load(w().call('m', 'L', () => {}).int(7).op(OP.APPEND).mark().int(8).int(9).op(OP.APPENDS).stop(), { findGlobal: table({ 'm.L': () => o }) });
    expect(o.listItems).toEqual([7, 8, 9]);
    expect(o.className).toBe('L');
    expect(o.args).toEqual([1]);
  });

  it('loads persistent ids through the caller, and refuses them without one', () => {
    const pids: PyValue[] = [];
    const v = load(w().str('id-1').op(OP.BINPERSID).stop(), { persistentLoad: (pid) => (pids.push(pid), { loaded: pid }) });
    expect(v).toEqual({ loaded: 'id-1' });
    expect(pids).toEqual(['id-1']);
    expect(fails(w().str('x').op(OP.BINPERSID).stop())).toMatchObject({ code: 'PICKLE_STRUCTURE', message: expect.stringContaining('persistent id without a loader') });
  });
});

describe('unpickle: malformed input', () => {
  it('names the file and byte offset, defaulting to "pickle"', () => {
    try {
      unpickle(Uint8Array.from([OP.PROTO, 2, 0xff]), { findGlobal: none });
    } catch (e) {
      expect((e as Error).message).toBe('pickle: unsupported pickle opcode 0xff (at byte 3)');
      expect((e as UnpickleError).code).toBe('PICKLE_OPCODE');
    }
    expect(fails(Uint8Array.from([OP.PROTO, 2, 0x05]))).toEqual({ code: 'PICKLE_OPCODE', message: 'p.pkl: unsupported pickle opcode 0x05 (at byte 3)' });
  });

  it('refuses protocols newer than 5', () => {
    expect(load(Uint8Array.from([OP.PROTO, 5, OP.NONE, OP.STOP]))).toBeNull();
    expect(fails(Uint8Array.from([OP.PROTO, 6, OP.NONE, OP.STOP]))).toEqual({ code: 'PICKLE_OPCODE', message: 'p.pkl: pickle protocol newer than 5 (at byte 2)' });
  });

  it.each([
    ['no STOP', w().int(1).stop().subarray(0, -1)],
    ['a cut BININT', Uint8Array.from([OP.PROTO, 2, OP.BININT, 1, 2])],
    ['a cut BININT2', Uint8Array.from([OP.PROTO, 2, OP.BININT2, 1])],
    ['a cut BININT1', Uint8Array.from([OP.PROTO, 2, OP.BININT1])],
    ['a cut BINFLOAT', Uint8Array.from([OP.PROTO, 2, OP.BINFLOAT, 0, 0, 0])],
    ['a cut string', Uint8Array.from([OP.PROTO, 2, OP.SHORT_BINUNICODE, 5, 0x61])],
    ['a cut BINUNICODE length', Uint8Array.from([OP.PROTO, 2, OP.BINUNICODE, 5, 0])],
    ['a cut LONG1', Uint8Array.from([OP.PROTO, 2, OP.LONG1, 4, 1, 2])],
    ['a cut BINBYTES8 length', Uint8Array.from([OP.PROTO, 2, OP.BINBYTES8, 1, 0, 0])],
    ['a GLOBAL without its newline', Uint8Array.from([OP.PROTO, 2, OP.GLOBAL, 0x6f, 0x73])],
  ])('refuses %s as truncated', (_what, bytes) => {
    expect(fails(bytes).code).toBe('PICKLE_TRUNCATED');
  });

  it('refuses 8-byte lengths beyond the file, and exactly-fitting ones pass', () => {
    expect(fails(w().op(OP.BINBYTES8).u64(100).raw([1, 2]).stop())).toMatchObject({ code: 'PICKLE_TRUNCATED', message: expect.stringContaining('a length of 100 bytes exceeds the file') });
    expect(fails(w().op(OP.BINUNICODE8).u64(2n ** 62n).stop()).code).toBe('PICKLE_TRUNCATED');
    expect(fails(w().op(OP.SHORT_BINBYTES, 4).raw([1, 2, 3]).stop()).message).toContain('the file ends in the middle of a pickle (truncated?)');
    expect(load(w().op(OP.SHORT_BINBYTES, 2).raw([1, 2]).stop())).toEqual(Uint8Array.from([1, 2]));
  });

  it.each([
    ['STOP on an empty stack', Uint8Array.from([OP.PROTO, 2, OP.STOP]), 'stack underflow'],
    ['STOP on a MARK', Uint8Array.from([OP.PROTO, 2, OP.MARK, OP.STOP]), 'stack underflow'],
    ['TUPLE1 on an empty stack', Uint8Array.from([OP.PROTO, 2, OP.TUPLE1, OP.STOP]), 'stack underflow'],
    ['APPEND with no list', Uint8Array.from([OP.PROTO, 2, OP.BININT1, 1, OP.APPEND, OP.STOP]), 'stack underflow'],
    ['DUP on a MARK', Uint8Array.from([OP.PROTO, 2, OP.MARK, OP.DUP, OP.STOP]), 'stack underflow'],
    ['TUPLE without MARK', Uint8Array.from([OP.PROTO, 2, OP.BININT1, 1, OP.TUPLE, OP.STOP]), 'no MARK on the stack'],
    ['POP_MARK without MARK', Uint8Array.from([OP.PROTO, 2, OP.POP_MARK, OP.NONE, OP.STOP]), 'no MARK on the stack'],
    ['APPEND onto a dict', Uint8Array.from([OP.PROTO, 2, OP.EMPTY_DICT, OP.NONE, OP.APPEND, OP.STOP]), 'APPEND(S) on something that is not a list'],
    ['SETITEM onto a list', Uint8Array.from([OP.PROTO, 2, OP.EMPTY_LIST, OP.NONE, OP.NONE, OP.SETITEM, OP.STOP]), 'SETITEM(S) on something that is not a dict'],
  ])('refuses %s', (_what, bytes, message) => {
    expect(fails(bytes)).toMatchObject({ code: 'PICKLE_STRUCTURE', message: expect.stringContaining(message) });
  });
});

describe('unpickle: limits and guarded globals', () => {
  const table = (entries: Record<string, GlobalHandler>) => (m: string, n: string) => entries[`${m}.${n}`];

  it('cuts names of refused globals at 200 characters', () => {
    const long = 'm'.repeat(201);
    expect(fails(w().global(long, 'x').stop()).message).toContain(`refusing to load global ${'m'.repeat(200)}….x:`);
    expect(fails(w().global('m'.repeat(200), 'x').stop()).message).toContain(`refusing to load global ${'m'.repeat(200)}.x:`);
    const seen: string[] = [];
    fails(w().global('a', 'n'.repeat(250)).stop(), { refuse: (m, n) => (seen.push(m, n), undefined) });
    expect(seen).toEqual(['a', `${'n'.repeat(200)}…`]);
  });

  it('turns other errors of globals and persistent loaders into UnpickleErrors naming them', () => {
    const findGlobal = table({
      'm.type': () => {
        throw new TypeError('bad input');
      },
      'm.str': () => {
        throw 'x'.repeat(300);
      },
      'm.unpickle': () => {
        throw new UnpickleError('PICKLE_LIMIT', 'too big');
      },
      'm.named': () => {
        throw new UnpickleError('PICKLE_LIMIT', 'p.pkl: already named');
      },
    });
    expect(fails(w().call('m', 'type', () => {}).stop(), { findGlobal })).toEqual({ code: 'PICKLE_STRUCTURE', message: 'p.pkl: a global failed on malformed arguments (bad input) (at byte 13)' });
    expect(fails(w().call('m', 'str', () => {}).stop(), { findGlobal }).message).toBe(`p.pkl: a global failed on malformed arguments (${'x'.repeat(200)}) (at byte 12)`);
    expect(fails(w().call('m', 'unpickle', () => {}).stop(), { findGlobal })).toEqual({ code: 'PICKLE_LIMIT', message: 'p.pkl: too big (at byte 17)' });
    expect(fails(w().call('m', 'named', () => {}).stop(), { findGlobal })).toEqual({ code: 'PICKLE_LIMIT', message: 'p.pkl: already named' });
    const persistentLoad = () => {
      throw new RangeError('no such storage');
    };
    expect(fails(w().str('id').op(OP.BINPERSID).stop(), { persistentLoad })).toEqual({ code: 'PICKLE_STRUCTURE', message: 'p.pkl: the persistent-id loader failed on malformed arguments (no such storage) (at byte 7)' });
  });

  it('refuses BUILD onto a global, or onto an object whose setState is no function', () => {
    const findGlobal = table({ 'm.o': () => ({ setState: 5 }), 'm.f': () => 1 });
    expect(fails(w().call('m', 'o', () => {}).int(1).op(OP.BUILD).stop(), { findGlobal })).toMatchObject({ code: 'PICKLE_STRUCTURE', message: expect.stringContaining('BUILD on an object that takes no state') });
    expect(fails(w().global('m', 'f').int(1).op(OP.BUILD).stop(), { findGlobal })).toMatchObject({ code: 'PICKLE_STRUCTURE', message: expect.stringContaining('BUILD on an object that takes no state') });
  });

  it('refuses DUP and BUILD on a MARK even when the stack is fixed up afterwards', () => {
    expect(fails(w().none().mark().op(OP.DUP, OP.POP, OP.POP_MARK).stop())).toEqual({ code: 'PICKLE_STRUCTURE', message: 'p.pkl: stack underflow (at byte 5)' });
  });

  it('adds ADDITEMS into the set below the MARK', () => {
    expect(load(w(4).op(OP.EMPTY_SET).mark().int(1).op(OP.ADDITEMS).mark().int(2).int(3).op(OP.ADDITEMS).stop())).toEqual([1, 2, 3]);
  });

  it('ignores a dangling key in SETITEMS rather than storing undefined', () => {
    const d = load(w().op(OP.EMPTY_DICT, OP.MARK).str('a').int(1).str('b').op(OP.SETITEMS).stop()) as PyDict;
    expect([...d.map.keys()]).toEqual(['a']);
  });

  it('joins tuple keys one level deep, by kind for objects', () => {
    const findGlobal = table({ 'm.f': () => 1 });
    const key = w()
      .op(OP.EMPTY_DICT)
      .tuple((t) => {
        t.global('m', 'f');
        t.list((l) => void l.int(1).none().bytes(Uint8Array.from([120])).list((x) => void x.int(2)));
        t.bytes(Uint8Array.from([97, 98]));
        t.none().bool(true).str('s');
        t.op(OP.EMPTY_TUPLE).op(OP.EMPTY_DICT);
      })
      .str('v')
      .op(OP.SETITEM)
      .stop();
    expect([...(load(key, { findGlobal }) as PyDict).map.keys()]).toEqual(['[function],1,,120,[object Object],97,98,null,true,s,[object Object],[object Object]']);
  });

  it('allows a FRAME length equal to the file size, not beyond', () => {
    const body = w(4).op(OP.FRAME).u64(0).none().stop();
    const exact = body.slice();
    new DataView(exact.buffer).setBigUint64(3, BigInt(exact.length), true);
    expect(load(exact)).toBeNull();
    new DataView(exact.buffer).setBigUint64(3, BigInt(exact.length + 1), true);
    expect(fails(exact).code).toBe('PICKLE_TRUNCATED');
  });

  it('bounds the objects a pickle builds by its size (at least 65 536), from its own offset', () => {
    const tuples = (n: number) => new Uint8Array([OP.PROTO, 4, ...new Array<number>(n).fill(OP.EMPTY_TUPLE), OP.STOP]);
    expect(load(tuples(65_536))).toBeInstanceOf(PyTuple);
    expect(fails(tuples(65_537))).toEqual({ code: 'PICKLE_LIMIT', message: expect.stringContaining('the pickle builds more objects than its size allows (a hostile file?)') });
    // 70 000 tuples after 140 000 bytes of something else: the budget counts the pickle's bytes only.
    const after = new Uint8Array([...new Uint8Array(140_000), ...tuples(70_000)]);
    expect(() => unpickle(after, { findGlobal: none }, 140_000)).toThrow(/builds more objects/);
    // Memo entries count once per key, however often a key is set again.
    const reput = new Uint8Array([OP.PROTO, 4, ...new Array<number>(40_000).fill(OP.EMPTY_TUPLE), ...new Array<number>(40_000).fill(0).flatMap(() => [OP.BINPUT, 0]), OP.STOP]);
    expect(load(reput)).toBeInstanceOf(PyTuple);
  });

  it('bounds the stack at 2^20 items', () => {
    const nones = (n: number) => new Uint8Array([OP.PROTO, 4, ...new Array<number>(n).fill(OP.NONE), OP.STOP]);
    expect(load(nones(2 ** 20))).toBeNull();
    expect(fails(nones(2 ** 20 + 1))).toEqual({ code: 'PICKLE_LIMIT', message: expect.stringContaining("the pickle's stack grows past 1048576 items (a hostile file?)") });
  });
});

describe('unpickle: BUILD on None', () => {
  it('refuses state for None', () => {
    expect(fails(w().none().op(OP.EMPTY_DICT).op(OP.BUILD).stop())).toMatchObject({ code: 'PICKLE_STRUCTURE', message: expect.stringContaining('BUILD on an object that takes no state') });
  });
});
