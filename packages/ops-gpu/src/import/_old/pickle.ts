/**
 * A restricted Python unpickler (protocols 2–5). It builds plain values — numbers, strings,
 * bytes, lists, tuples, dicts — and resolves GLOBAL references only through a caller-given
 * table of known globals; any other global is refused with an error naming it. Nothing from
 * the file is ever evaluated: globals are TypeScript functions written for this project.
 * The file is hostile until parsed: the stack, the memo, the number of containers built and the
 * size of integers are bounded (relative to the pickle's size), nothing recurses over the
 * values, and errors from globals given malformed arguments come out as UnpickleErrors.
 */

export class UnpickleError extends Error {
  override readonly name = 'UnpickleError';
  constructor(
    readonly code: 'PICKLE_TRUNCATED' | 'PICKLE_OPCODE' | 'PICKLE_GLOBAL_REFUSED' | 'PICKLE_STRUCTURE' | 'PICKLE_LIMIT',
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

/** The deepest the stack may grow (Python's pickler batches lists and dicts 1 000 items at a time). */
export const MAX_PICKLE_STACK = 1 << 20;
/** The longest integer (LONG1/LONG4) accepted, in bytes; checkpoints hold none over 8. */
export const MAX_PICKLE_LONG_BYTES = 1024;
/** Containers (lists, tuples, dicts, sets, objects) and memo entries: at most one per 2 bytes of pickle, at least this many. */
const MIN_OBJECT_BUDGET = 1 << 16;

/** A name from the file as shown in messages: cut at 200 characters. */
export const shownName = (s: string): string => (s.length > 200 ? `${s.slice(0, 200)}…` : s);

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
  let objectsLeft = Math.max(MIN_OBJECT_BUDGET, Math.floor((bytes.length - offset) / 2));
  /** Counts one container or memo entry against the budget. */
  const built = <T>(v: T): T => {
    if (--objectsLeft < 0) fail('PICKLE_LIMIT', 'the pickle builds more objects than its size allows (a hostile file?)');
    return v;
  };
  const push = (v: StackItem) => {
    if (stack.length >= MAX_PICKLE_STACK) fail('PICKLE_LIMIT', `the pickle's stack grows past ${MAX_PICKLE_STACK} items (a hostile file?)`);
    stack.push(v);
  };
  const remember = (k: number, v: PyValue) => {
    if (!memo.has(k)) built(null);
    memo.set(k, v);
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
      const why = opts.refuse?.(shownName(module), shownName(name));
      fail('PICKLE_GLOBAL_REFUSED', why ?? `refusing to load global ${shownName(module)}.${shownName(name)}: it is not one of the classes or functions StyleGAN checkpoints use`);
    }
    return h!;
  };
  /** Runs a known global or the persistent loader; their errors on malformed arguments become UnpickleErrors. */
  const guarded = (what: string, run: () => PyValue): PyValue => {
    try {
      return built(run());
    } catch (e) {
      if (e instanceof UnpickleError) {
        if (e.message.startsWith(`${file}: `)) throw e;
        return fail(e.code, e.message); // name the file and the position, as every other error does
      }
      return fail('PICKLE_STRUCTURE', `${what} failed on malformed arguments (${String(e instanceof Error ? e.message : e).slice(0, 200)})`);
    }
  };
  const call = (fn: PyValue, args: PyValue[]): PyValue => {
    if (typeof fn !== 'function') fail('PICKLE_STRUCTURE', 'REDUCE on something that is not a known global');
    return guarded('a global', () => (fn as GlobalHandler)(args));
  };
  const argsOf = (v: PyValue): PyValue[] => (v instanceof PyTuple ? v.items : fail('PICKLE_STRUCTURE', 'arguments are not a tuple'));
  const setItems = (target: PyValue, kv: PyValue[]) => {
    if (!(target instanceof PyDict)) fail('PICKLE_STRUCTURE', 'SETITEM(S) on something that is not a dict');
    for (let i = 0; i + 1 < kv.length; i += 2) (target as PyDict).map.set(dictKey(kv[i]!), kv[i + 1]!);
  };
  const appendItems = (target: PyValue, items: PyValue[]) => {
    // One by one: spreading a large batch into push() overflows the call stack.
    const list = Array.isArray(target) ? target : target instanceof PyObject ? target.listItems : fail('PICKLE_STRUCTURE', 'APPEND(S) on something that is not a list');
    for (const item of items) list.push(item);
  };
  const long = (n: number) => {
    if (n > MAX_PICKLE_LONG_BYTES) fail('PICKLE_LIMIT', `an integer of ${n} bytes (at most ${MAX_PICKLE_LONG_BYTES} are supported)`);
    return longLE(take(n));
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
        push(MARK);
        break;
      case 0x4e: // NONE
        push(null);
        break;
      case 0x88: // NEWTRUE
        push(true);
        break;
      case 0x89: // NEWFALSE
        push(false);
        break;
      case 0x4a: // BININT
        push(i32());
        break;
      case 0x4b: // BININT1
        push(u8());
        break;
      case 0x4d: // BININT2
        push(u16());
        break;
      case 0x8a: // LONG1
        push(long(u8()));
        break;
      case 0x8b: // LONG4
        push(long(u32()));
        break;
      case 0x47: // BINFLOAT (big-endian)
        need(8);
        push(view.getFloat64(pos, false));
        pos += 8;
        break;
      case 0x49: {
        // INT (text): "I01\n" is True, "I00\n" False.
        const s = line();
        push(s === '01' ? true : s === '00' ? false : Number.parseInt(s, 10));
        break;
      }
      case 0x58: // BINUNICODE
        push(text.decode(take(u32())));
        break;
      case 0x8c: // SHORT_BINUNICODE
        push(text.decode(take(u8())));
        break;
      case 0x8d: // BINUNICODE8
        push(text.decode(take(u64())));
        break;
      case 0x42: // BINBYTES
        push(take(u32()).slice());
        break;
      case 0x43: // SHORT_BINBYTES
        push(take(u8()).slice());
        break;
      case 0x8e: // BINBYTES8
        push(take(u64()).slice());
        break;
      case 0x96: // BYTEARRAY8
        push(take(u64()).slice());
        break;
      case 0x55: // SHORT_BINSTRING (protocol 2 str from Python 2)
        push(text.decode(take(u8())));
        break;
      case 0x54: // BINSTRING
        push(text.decode(take(u32())));
        break;
      case 0x29: // EMPTY_TUPLE
        push(built(new PyTuple([])));
        break;
      case 0x85: // TUPLE1
        push(built(new PyTuple([pop()])));
        break;
      case 0x86: {
        // TUPLE2
        const b = pop();
        push(built(new PyTuple([pop(), b])));
        break;
      }
      case 0x87: {
        // TUPLE3
        const c = pop();
        const b = pop();
        push(built(new PyTuple([pop(), b, c])));
        break;
      }
      case 0x74: // TUPLE
        push(built(new PyTuple(popMark())));
        break;
      case 0x5d: // EMPTY_LIST
        push(built([]));
        break;
      case 0x6c: // LIST
        push(built(popMark()));
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
        push(built(new PyDict()));
        break;
      case 0x64: {
        // DICT
        const d = built(new PyDict());
        setItems(d, popMark());
        push(d);
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
        push(built([]));
        break;
      case 0x90: {
        // ADDITEMS
        const items = popMark();
        appendItems(top(), items);
        break;
      }
      case 0x91: // FROZENSET
        push(built(popMark()));
        break;
      case 0x63: {
        // GLOBAL "module\nname\n"
        const module = line();
        push(global(module, line()));
        break;
      }
      case 0x93: {
        // STACK_GLOBAL
        const name = pop();
        const module = pop();
        if (typeof module !== 'string' || typeof name !== 'string') fail('PICKLE_STRUCTURE', 'STACK_GLOBAL needs two strings');
        push(global(module as string, name as string));
        break;
      }
      case 0x52: {
        // REDUCE
        const args = argsOf(pop());
        push(call(pop(), args));
        break;
      }
      case 0x81: {
        // NEWOBJ
        const args = argsOf(pop());
        push(call(pop(), args));
        break;
      }
      case 0x92: {
        // NEWOBJ_EX
        pop(); // kwargs
        const args = argsOf(pop());
        push(call(pop(), args));
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
        {
          const pid = pop();
          push(guarded('the persistent-id loader', () => opts.persistentLoad!(pid)));
        }
        break;
      case 0x94: // MEMOIZE
        remember(memo.size, top());
        break;
      case 0x71: // BINPUT
        remember(u8(), top());
        break;
      case 0x72: // LONG_BINPUT
        remember(u32(), top());
        break;
      case 0x68: // BINGET
      case 0x6a: {
        // LONG_BINGET
        const k = op === 0x68 ? u8() : u32();
        if (!memo.has(k)) fail('PICKLE_STRUCTURE', `memo entry ${k} is not defined`);
        push(memo.get(k)!);
        break;
      }
      case 0x30: // POP
        stack.pop();
        break;
      case 0x31: // POP_MARK
        popMark();
        break;
      case 0x32: // DUP
        push(top());
        break;
      default:
        fail('PICKLE_OPCODE', `unsupported pickle opcode 0x${op.toString(16).padStart(2, '0')}`);
    }
  }
}

/** Dict keys become JS primitives where they are (tuples by their items joined, without recursing). */
function dictKey(k: PyValue): unknown {
  if (k instanceof PyTuple) return k.items.map(keyPart).join(',');
  return k;
}

/**
 * A tuple item as part of a key, as String() gives it — except that a list (a frozenset here)
 * is joined one level deep only: String() recurses, and a hostile file nests lists a million deep.
 */
function keyPart(v: PyValue): string {
  if (typeof v === 'function') return '[function]';
  if (v === null || typeof v !== 'object' || v instanceof Uint8Array) return String(v);
  if (Array.isArray(v)) return v.map((x: PyValue) => (x === null ? '' : typeof x !== 'object' ? String(x) : x instanceof Uint8Array ? String(x) : '[object Object]')).join(',');
  return '[object Object]';
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

/** Little-endian two's-complement integer of any length (in linear time: via one hex string). */
function longLE(b: Uint8Array): number | bigint {
  if (b.length === 0) return 0;
  let hex = '';
  for (let i = b.length - 1; i >= 0; i--) hex += b[i]!.toString(16).padStart(2, '0');
  let v = BigInt(`0x${hex}`);
  if (b[b.length - 1]! & 0x80) v -= 1n << BigInt(8 * b.length);
  return v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v;
}
