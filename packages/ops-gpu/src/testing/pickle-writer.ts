/**
 * Test helpers that write Python pickles opcode by opcode, torch's legacy storage format and
 * stored (uncompressed) zip archives, so the importers' tests can build exactly the bytes they
 * need — non-contiguous tensors, refused globals, malformed structures — without Python.
 */

/** Pickle opcodes, by the names of Python's pickletools. */
export const OP = {
  PROTO: 0x80,
  FRAME: 0x95,
  STOP: 0x2e,
  MARK: 0x28,
  NONE: 0x4e,
  NEWTRUE: 0x88,
  NEWFALSE: 0x89,
  BININT: 0x4a,
  BININT1: 0x4b,
  BININT2: 0x4d,
  LONG1: 0x8a,
  LONG4: 0x8b,
  BINFLOAT: 0x47,
  INT: 0x49,
  BINUNICODE: 0x58,
  SHORT_BINUNICODE: 0x8c,
  BINUNICODE8: 0x8d,
  BINBYTES: 0x42,
  SHORT_BINBYTES: 0x43,
  BINBYTES8: 0x8e,
  BYTEARRAY8: 0x96,
  SHORT_BINSTRING: 0x55,
  BINSTRING: 0x54,
  EMPTY_TUPLE: 0x29,
  TUPLE1: 0x85,
  TUPLE2: 0x86,
  TUPLE3: 0x87,
  TUPLE: 0x74,
  EMPTY_LIST: 0x5d,
  LIST: 0x6c,
  APPEND: 0x61,
  APPENDS: 0x65,
  EMPTY_DICT: 0x7d,
  DICT: 0x64,
  SETITEM: 0x73,
  SETITEMS: 0x75,
  EMPTY_SET: 0x8f,
  ADDITEMS: 0x90,
  FROZENSET: 0x91,
  GLOBAL: 0x63,
  STACK_GLOBAL: 0x93,
  REDUCE: 0x52,
  NEWOBJ: 0x81,
  NEWOBJ_EX: 0x92,
  BUILD: 0x62,
  BINPERSID: 0x51,
  MEMOIZE: 0x94,
  BINPUT: 0x71,
  LONG_BINPUT: 0x72,
  BINGET: 0x68,
  LONG_BINGET: 0x6a,
  POP: 0x30,
  POP_MARK: 0x31,
  DUP: 0x32,
} as const;

const utf8 = (s: string) => new TextEncoder().encode(s);

/** Writes one pickle; every method appends opcodes and returns `this`. */
export class PickleWriter {
  private readonly out: number[] = [];

  constructor(protocol: number | null = 2) {
    if (protocol !== null) this.op(OP.PROTO, protocol);
  }

  op(...bytes: number[]): this {
    this.out.push(...bytes);
    return this;
  }

  raw(bytes: ArrayLike<number>): this {
    for (let i = 0; i < bytes.length; i++) this.out.push(bytes[i]!);
    return this;
  }

  u16(n: number): this {
    return this.op(n & 0xff, (n >>> 8) & 0xff);
  }

  u32(n: number): this {
    return this.op(n & 0xff, (n >>> 8) & 0xff, (n >>> 16) & 0xff, (n >>> 24) & 0xff);
  }

  u64(n: number | bigint): this {
    let v = BigInt(n);
    for (let i = 0; i < 8; i++, v >>= 8n) this.out.push(Number(v & 0xffn));
    return this;
  }

  /** An int with the shortest opcode: BININT1, BININT2, BININT or LONG1. */
  int(n: number | bigint): this {
    if (typeof n === 'number' && Number.isInteger(n) && n >= 0 && n < 256) return this.op(OP.BININT1, n);
    if (typeof n === 'number' && Number.isInteger(n) && n >= 0 && n < 65536) return this.op(OP.BININT2).u16(n);
    if (typeof n === 'number' && Number.isInteger(n) && n >= -(2 ** 31) && n < 2 ** 31) return this.op(OP.BININT).u32(n >>> 0);
    return this.long(BigInt(n));
  }

  /** LONG1 with the minimal two's-complement little-endian bytes. */
  long(v: bigint): this {
    const bytes: number[] = [];
    let x = v;
    for (;;) {
      bytes.push(Number(x & 0xffn));
      x >>= 8n;
      const sign = (bytes[bytes.length - 1]! & 0x80) !== 0;
      if ((x === 0n && !sign) || (x === -1n && sign)) break;
    }
    return this.op(OP.LONG1, bytes.length, ...bytes);
  }

  float(f: number): this {
    const b = new Uint8Array(8);
    new DataView(b.buffer).setFloat64(0, f, false);
    return this.op(OP.BINFLOAT).raw(b);
  }

  str(s: string): this {
    const b = utf8(s);
    return b.length < 256 ? this.op(OP.SHORT_BINUNICODE, b.length).raw(b) : this.op(OP.BINUNICODE).u32(b.length).raw(b);
  }

  bytes(b: Uint8Array): this {
    return b.length < 256 ? this.op(OP.SHORT_BINBYTES, b.length).raw(b) : this.op(OP.BINBYTES).u32(b.length).raw(b);
  }

  none(): this {
    return this.op(OP.NONE);
  }

  bool(v: boolean): this {
    return this.op(v ? OP.NEWTRUE : OP.NEWFALSE);
  }

  mark(): this {
    return this.op(OP.MARK);
  }

  /** GLOBAL "module\nname\n" (protocols 0–3). */
  global(module: string, name: string): this {
    return this.op(OP.GLOBAL).raw(utf8(`${module}\n${name}\n`));
  }

  /** STACK_GLOBAL (protocol 4+): two strings, then the opcode. */
  stackGlobal(module: string, name: string): this {
    return this.str(module).str(name).op(OP.STACK_GLOBAL);
  }

  /** MARK, the items the callback writes, TUPLE. */
  tuple(items: (w: this) => void): this {
    this.mark();
    items(this);
    return this.op(OP.TUPLE);
  }

  /** EMPTY_DICT, MARK, the key/value pairs the callback writes, SETITEMS. */
  dict(items: (w: this) => void): this {
    this.op(OP.EMPTY_DICT, OP.MARK);
    items(this);
    return this.op(OP.SETITEMS);
  }

  /** EMPTY_LIST, MARK, the items the callback writes, APPENDS. */
  list(items: (w: this) => void): this {
    this.op(OP.EMPTY_LIST, OP.MARK);
    items(this);
    return this.op(OP.APPENDS);
  }

  /** The global, the argument tuple the callback writes, REDUCE. */
  call(module: string, name: string, args: (w: this) => void): this {
    return this.global(module, name).tuple(args).op(OP.REDUCE);
  }

  stop(): Uint8Array {
    this.out.push(OP.STOP);
    return Uint8Array.from(this.out);
  }
}

export interface LegacyStorageOptions {
  readonly numel: number;
  /** The element count written before the data (default numel). */
  readonly count?: number;
  readonly key?: string;
  readonly magic?: bigint;
  readonly protocolVersion?: number;
  readonly littleEndian?: boolean;
  /** Replace one of the five pickles: magic, protocol, sys info, the object, the key list. */
  readonly pickles?: Partial<Record<'magic' | 'protocol' | 'sys' | 'main' | 'keys', Uint8Array>>;
  /** Replace everything after the five pickles (counts and data). */
  readonly tail?: Uint8Array;
}

/** The bytes of torch's legacy `torch.save(storage)`: five pickles and the raw data. */
export function legacyStorageBytes(storageType: string, data: Uint8Array, opts: LegacyStorageOptions): Uint8Array {
  const key = opts.key ?? '0';
  const p = opts.pickles ?? {};
  const parts = [
    p.magic ?? new PickleWriter().long(opts.magic ?? 0x1950a86a20f9469cfc6cn).stop(),
    p.protocol ?? new PickleWriter().int(opts.protocolVersion ?? 1001).stop(),
    p.sys ??
      new PickleWriter()
        .dict((w) => w.str('protocol_version').int(1001).str('little_endian').bool(opts.littleEndian ?? true).str('type_sizes').dict((t) => t.str('int').int(4)))
        .stop(),
    p.main ?? new PickleWriter().tuple((w) => w.str('storage').global('torch', storageType).str(key).str('cpu').int(opts.numel).none()).op(OP.BINPERSID).stop(),
    p.keys ?? new PickleWriter().list((w) => w.str(key)).stop(),
  ];
  return concatBytes(...parts, opts.tail ?? storageData(opts.count ?? opts.numel, data));
}

/** One storage's record after the pickles: its element count (u64) and its bytes. */
export function storageData(count: number, data: Uint8Array): Uint8Array {
  const countBytes = new Uint8Array(8);
  new DataView(countBytes.buffer).setBigUint64(0, BigInt(count), true);
  return concatBytes(countBytes, data);
}

export function concatBytes(...chunks: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}

/** A zip archive with every entry stored (no compression), as torch.save writes it. */
export function storedZip(entries: Record<string, Uint8Array>): Uint8Array {
  const chunks: Uint8Array[] = [];
  const central: Uint8Array[] = [];
  let offset = 0;
  for (const [name, data] of Object.entries(entries)) {
    const n = utf8(name);
    const local = new Uint8Array(30 + n.length);
    const lv = new DataView(local.buffer);
    lv.setUint32(0, 0x04034b50, true);
    lv.setUint16(4, 20, true);
    lv.setUint32(18, data.length, true);
    lv.setUint32(22, data.length, true);
    lv.setUint16(26, n.length, true);
    local.set(n, 30);
    const dir = new Uint8Array(46 + n.length);
    const dv = new DataView(dir.buffer);
    dv.setUint32(0, 0x02014b50, true);
    dv.setUint16(4, 20, true);
    dv.setUint16(6, 20, true);
    dv.setUint32(20, data.length, true);
    dv.setUint32(24, data.length, true);
    dv.setUint16(28, n.length, true);
    dv.setUint32(42, offset, true);
    dir.set(n, 46);
    chunks.push(local, data);
    central.push(dir);
    offset += local.length + data.length;
  }
  const dirSize = central.reduce((s, c) => s + c.length, 0);
  const eocd = new Uint8Array(22);
  const ev = new DataView(eocd.buffer);
  ev.setUint32(0, 0x06054b50, true);
  ev.setUint16(8, central.length, true);
  ev.setUint16(10, central.length, true);
  ev.setUint32(12, dirSize, true);
  ev.setUint32(16, offset, true);
  const all = [...chunks, ...central, eocd];
  const out = new Uint8Array(all.reduce((s, c) => s + c.length, 0));
  let at = 0;
  for (const c of all) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}

/** Little-endian float32 bytes of the values. */
export const f32Bytes = (values: readonly number[]): Uint8Array => new Uint8Array(Float32Array.from(values).buffer);
