/**
 * The restricted unpickler on malformed and hostile input: the error (code and message) for
 * each, and the bounds on what a pickle may build. Opcode by opcode: pickle-opcodes.test.ts.
 */
import { describe, expect, it } from 'vitest';
import type { PyDict} from './pickle.js';
import { PyTuple, UnpickleError, unpickle, type GlobalHandler } from './pickle.js';
import { OP } from '../testing/pickle-writer.js';
import { fails, load, none, w } from '../testing/unpickle.js';

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
