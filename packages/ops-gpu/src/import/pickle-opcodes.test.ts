/**
 * The restricted unpickler opcode by opcode: the value each one builds. Pickles are written by
 * hand with the test PickleWriter; the expected values are what Python's pickle.loads gives for
 * the same bytes. Malformed input and the limits: pickle-limits.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { PyDict, PyObject, PyTuple, unpickle, type GlobalHandler, type PyValue } from './pickle.js';
import { OP } from '../testing/pickle-writer.js';
import { dictOf, fails, load, none, w } from '../testing/unpickle.js';

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
