/**
 * A restricted Python unpickler (protocols 2–5). It builds plain values — numbers, strings,
 * bytes, lists, tuples, dicts — and resolves GLOBAL references only through a caller-given
 * table of known globals; any other global is refused with an error naming it. Nothing from
 * the file is ever evaluated: globals are TypeScript functions written for this project.
 */

export class UnpickleError extends Error {
  override readonly name = 'UnpickleError';
  constructor(
    readonly code: 'PICKLE_TRUNCATED' | 'PICKLE_OPCODE' | 'PICKLE_GLOBAL_REFUSED' | 'PICKLE_STRUCTURE',
    message: string,
  ) {
    super(message);
  }
}

/** A Python tuple (lists are plain arrays). */
export class PyTuple {
  constructor(readonly items: PyValue[]) {}
}

/** A Python dict; keys are kept as JS values (strings, numbers, …). */
export class PyDict {
  readonly map = new Map<unknown, PyValue>();
  get(key: string): PyValue | undefined {
    return this.map.get(key);
  }
}

/** An object of a known class before and after BUILD (its `__setstate__` data). */
export class PyObject {
  state: PyValue = null;
  readonly listItems: PyValue[] = [];
  constructor(
    readonly className: string,
    readonly args: PyValue[],
  ) {}
}

export type PyValue = null | boolean | number | bigint | string | Uint8Array | PyValue[] | PyTuple | PyDict | PyObject | object;

/** A known global: called by REDUCE/NEWOBJ with its arguments, or `null` to build a PyObject. */
export type GlobalHandler = (args: PyValue[]) => PyValue;

export interface UnpickleOptions {
  /** Resolves `module.name`; return undefined to refuse it. */
  readonly findGlobal: (module: string, name: string) => GlobalHandler | undefined;
  /** Explains a refused global (e.g. "TensorFlow pickles are not supported"). */
  readonly refuse?: (module: string, name: string) => string | undefined;
  /** BINPERSID / PERSID. */
  readonly persistentLoad?: (pid: PyValue) => PyValue;
  /** Names the file in errors. */
  readonly file?: string;
}

const MARK = Symbol('mark');
type StackItem = PyValue | typeof MARK;

/** Unpickles one pickle starting at `offset`; returns the value and the offset after STOP. */
export function unpickle(bytes: Uint8Array, opts: UnpickleOptions, offset = 0): { value: PyValue; end: number } {
  const file = opts.file ?? 'pickle';
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const text = new TextDecoder('utf-8', { fatal: false });
  let pos = offset;
  const stack: StackItem[] = [];
  const memo = new Map<number, PyValue>();
  const fail = (code: UnpickleError['code'], msg: string): never => {
    throw new UnpickleError(code, `${file}: ${msg} (at byte ${pos})`);
  };
  const need = (n: number) => {
    if (pos + n > bytes.length) fail('PICKLE_TRUNCATED', 'the file ends in the middle of a pickle (truncated?)');
  };
  const u8 = () => (need(1), bytes[pos++]!);
  const u16 = () => (need(2), (pos += 2), view.getUint16(pos - 2, true));
  const u32 = () => (need(4), (pos += 4), view.getUint32(pos - 4, true));
  const i32 = () => (need(4), (pos += 4), view.getInt32(pos - 4, true));
  const u64 = () => {
    need(8);
    const v = view.getBigUint64(pos, true);
    pos += 8;
    if (v > BigInt(bytes.length)) fail('PICKLE_TRUNCATED', `a length of ${v} bytes exceeds the file`);
    return Number(v);
  };
  const take = (n: number) => {
    need(n);
    pos += n;
    return bytes.subarray(pos - n, pos);
  };
  const line = () => {
    const end = bytes.indexOf(0x0a, pos);
    if (end < 0) fail('PICKLE_TRUNCATED', 'unterminated text line');
    const s = text.decode(bytes.subarray(pos, end));
    pos = end + 1;
    return s;
  };
  const pop = (): PyValue => {
    const v = stack.pop();
    if (v === undefined || v === MARK) fail('PICKLE_STRUCTURE', 'stack underflow');
    return v as PyValue;
  };
  const top = (): PyValue => {
    const v = stack[stack.length - 1];
    if (v === undefined || v === MARK) fail('PICKLE_STRUCTURE', 'stack underflow');
    return v as PyValue;
  };
  const popMark = (): PyValue[] => {
    const i = stack.lastIndexOf(MARK);
    if (i < 0) fail('PICKLE_STRUCTURE', 'no MARK on the stack');
    const items = stack.splice(i) as PyValue[];
    items.shift();
    return items;
  };
  const global = (module: string, name: string): GlobalHandler => {
    const h = opts.findGlobal(module, name);
    if (!h) {
      const why = opts.refuse?.(module, name);
      fail('PICKLE_GLOBAL_REFUSED', why ?? `refusing to load global ${module}.${name}: it is not one of the classes or functions StyleGAN checkpoints use`);
    }
    return h!;
  };
  const call = (fn: PyValue, args: PyValue[]): PyValue => {
    if (typeof fn !== 'function') fail('PICKLE_STRUCTURE', 'REDUCE on something that is not a known global');
    return (fn as GlobalHandler)(args);
  };
  const argsOf = (v: PyValue): PyValue[] => (v instanceof PyTuple ? v.items : fail('PICKLE_STRUCTURE', 'arguments are not a tuple'));
  const setItems = (target: PyValue, kv: PyValue[]) => {
    if (!(target instanceof PyDict)) fail('PICKLE_STRUCTURE', 'SETITEM(S) on something that is not a dict');
    for (let i = 0; i + 1 < kv.length; i += 2) (target as PyDict).map.set(dictKey(kv[i]!), kv[i + 1]!);
  };
  const appendItems = (target: PyValue, items: PyValue[]) => {
    if (Array.isArray(target)) target.push(...items);
    else if (target instanceof PyObject) target.listItems.push(...items);
    else fail('PICKLE_STRUCTURE', 'APPEND(S) on something that is not a list');
  };

  for (;;) {
    const op = u8();
    switch (op) {
      case 0x80: // PROTO
        if (u8() > 5) fail('PICKLE_OPCODE', 'pickle protocol newer than 5');
        break;
      case 0x95: // FRAME
        u64();
        break;
      case 0x2e: // STOP
        return { value: pop(), end: pos };
      case 0x28: // MARK
        stack.push(MARK);
        break;
      case 0x4e: // NONE
        stack.push(null);
        break;
      case 0x88: // NEWTRUE
        stack.push(true);
        break;
      case 0x89: // NEWFALSE
        stack.push(false);
        break;
      case 0x4a: // BININT
        stack.push(i32());
        break;
      case 0x4b: // BININT1
        stack.push(u8());
        break;
      case 0x4d: // BININT2
        stack.push(u16());
        break;
      case 0x8a: // LONG1
        stack.push(longLE(take(u8())));
        break;
      case 0x8b: // LONG4
        stack.push(longLE(take(u32())));
        break;
      case 0x47: // BINFLOAT (big-endian)
        need(8);
        stack.push(view.getFloat64(pos, false));
        pos += 8;
        break;
      case 0x49: {
        // INT (text): "I01\n" is True, "I00\n" False.
        const s = line();
        stack.push(s === '01' ? true : s === '00' ? false : Number.parseInt(s, 10));
        break;
      }
      case 0x58: // BINUNICODE
        stack.push(text.decode(take(u32())));
        break;
      case 0x8c: // SHORT_BINUNICODE
        stack.push(text.decode(take(u8())));
        break;
      case 0x8d: // BINUNICODE8
        stack.push(text.decode(take(u64())));
        break;
      case 0x42: // BINBYTES
        stack.push(take(u32()).slice());
        break;
      case 0x43: // SHORT_BINBYTES
        stack.push(take(u8()).slice());
        break;
      case 0x8e: // BINBYTES8
        stack.push(take(u64()).slice());
        break;
      case 0x96: // BYTEARRAY8
        stack.push(take(u64()).slice());
        break;
      case 0x55: // SHORT_BINSTRING (protocol 2 str from Python 2)
        stack.push(text.decode(take(u8())));
        break;
      case 0x54: // BINSTRING
        stack.push(text.decode(take(u32())));
        break;
      case 0x29: // EMPTY_TUPLE
        stack.push(new PyTuple([]));
        break;
      case 0x85: // TUPLE1
        stack.push(new PyTuple([pop()]));
        break;
      case 0x86: {
        // TUPLE2
        const b = pop();
        stack.push(new PyTuple([pop(), b]));
        break;
      }
      case 0x87: {
        // TUPLE3
        const c = pop();
        const b = pop();
        stack.push(new PyTuple([pop(), b, c]));
        break;
      }
      case 0x74: // TUPLE
        stack.push(new PyTuple(popMark()));
        break;
      case 0x5d: // EMPTY_LIST
        stack.push([]);
        break;
      case 0x6c: // LIST
        stack.push(popMark());
        break;
      case 0x61: {
        // APPEND
        const v = pop();
        appendItems(top(), [v]);
        break;
      }
      case 0x65: {
        // APPENDS
        const items = popMark();
        appendItems(top(), items);
        break;
      }
      case 0x7d: // EMPTY_DICT
        stack.push(new PyDict());
        break;
      case 0x64: {
        // DICT
        const d = new PyDict();
        setItems(d, popMark());
        stack.push(d);
        break;
      }
      case 0x73: {
        // SETITEM
        const v = pop();
        const k = pop();
        setItems(top(), [k, v]);
        break;
      }
      case 0x75: {
        // SETITEMS
        const kv = popMark();
        setItems(top(), kv);
        break;
      }
      case 0x8f: // EMPTY_SET
        stack.push([]);
        break;
      case 0x90: {
        // ADDITEMS
        const items = popMark();
        appendItems(top(), items);
        break;
      }
      case 0x91: // FROZENSET
        stack.push(popMark());
        break;
      case 0x63: {
        // GLOBAL "module\nname\n"
        const module = line();
        stack.push(global(module, line()));
        break;
      }
      case 0x93: {
        // STACK_GLOBAL
        const name = pop();
        const module = pop();
        if (typeof module !== 'string' || typeof name !== 'string') fail('PICKLE_STRUCTURE', 'STACK_GLOBAL needs two strings');
        stack.push(global(module as string, name as string));
        break;
      }
      case 0x52: {
        // REDUCE
        const args = argsOf(pop());
        stack.push(call(pop(), args));
        break;
      }
      case 0x81: {
        // NEWOBJ
        const args = argsOf(pop());
        stack.push(call(pop(), args));
        break;
      }
      case 0x92: {
        // NEWOBJ_EX
        pop(); // kwargs
        const args = argsOf(pop());
        stack.push(call(pop(), args));
        break;
      }
      case 0x62: {
        // BUILD
        const state = pop();
        build(top(), state, fail);
        break;
      }
      case 0x51: // BINPERSID
        if (!opts.persistentLoad) fail('PICKLE_STRUCTURE', 'persistent id without a loader');
        stack.push(opts.persistentLoad!(pop()));
        break;
      case 0x94: // MEMOIZE
        memo.set(memo.size, top());
        break;
      case 0x71: // BINPUT
        memo.set(u8(), top());
        break;
      case 0x72: // LONG_BINPUT
        memo.set(u32(), top());
        break;
      case 0x68: // BINGET
      case 0x6a: {
        // LONG_BINGET
        const k = op === 0x68 ? u8() : u32();
        if (!memo.has(k)) fail('PICKLE_STRUCTURE', `memo entry ${k} is not defined`);
        stack.push(memo.get(k)!);
        break;
      }
      case 0x30: // POP
        stack.pop();
        break;
      case 0x31: // POP_MARK
        popMark();
        break;
      case 0x32: // DUP
        stack.push(top());
        break;
      default:
        fail('PICKLE_OPCODE', `unsupported pickle opcode 0x${op.toString(16).padStart(2, '0')}`);
    }
  }
}

/** Dict keys become JS primitives where they are (tuples by their items joined). */
function dictKey(k: PyValue): unknown {
  if (k instanceof PyTuple) return k.items.map(String).join(',');
  return k;
}

/** BUILD: dict state merges into dicts and sets the state of objects. */
function build(target: PyValue, state: PyValue, fail: (c: UnpickleError['code'], m: string) => never): void {
  if (target instanceof PyObject) {
    target.state = state;
    return;
  }
  if (state === null) return;
  if (target instanceof PyDict && state instanceof PyDict) {
    for (const [k, v] of state.map) target.map.set(k, v);
    return;
  }
  if (target && typeof target === 'object' && 'setState' in target && typeof (target as { setState: unknown }).setState === 'function') {
    (target as { setState(s: PyValue): void }).setState(state);
    return;
  }
  fail('PICKLE_STRUCTURE', 'BUILD on an object that takes no state');
}

/** Little-endian two's-complement integer of any length. */
function longLE(b: Uint8Array): number | bigint {
  if (b.length === 0) return 0;
  let v = 0n;
  for (let i = b.length - 1; i >= 0; i--) v = (v << 8n) | BigInt(b[i]!);
  if (b[b.length - 1]! & 0x80) v -= 1n << BigInt(8 * b.length);
  return v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v;
}
