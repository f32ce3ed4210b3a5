/**
 * Codecs for core's kinds, and the framing of one encoded value into one byte string. Tensors
 * are their raw little-endian data with `{ dtype, dims }` in the header, so a decoded tensor
 * is bit-identical to the one encoded; JSON values keep non-finite numbers and −0.
 */
import type { Codec, EncodedValue, Json } from '../types/port-kind.js';
import { DTYPE_BYTES as BYTES } from '../types/port-dtypes.js';
import { DTYPE_ARRAYS as ARRAYS, isTensor, tensor, type DType, type Tensor } from './tensor.js';

const DTYPES: readonly DType[] = ['float32', 'float64', 'int32', 'int64', 'uint8', 'bool'];

const littleEndian = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

export class CodecError extends Error {
  override readonly name = 'CodecError';
}

/** Tensors of any dtype and shape. */
export const tensorCodec: Codec<Tensor> = {
  encode(t) {
    if (!isTensor(t)) throw new CodecError('tensor codec: not a tensor');
    if (!littleEndian) throw new CodecError('tensor codec: this host is big-endian; values are stored little-endian');
    const bytes = new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength).slice();
    return { header: { dtype: t.dtype, dims: [...t.dims] }, bytes };
  },
  decode({ header, bytes }) {
    const h = header as { dtype?: unknown; dims?: unknown } | null;
    const dtype = h?.dtype as DType;
    if (!DTYPES.includes(dtype)) throw new CodecError(`tensor codec: unknown dtype ${JSON.stringify(h?.dtype)}`);
    const dims = h?.dims;
    if (!Array.isArray(dims) || !dims.every((d) => Number.isSafeInteger(d) && d >= 0)) throw new CodecError('tensor codec: dims are not a list of sizes');
    const n = dims.reduce((a: number, b: number) => a * b, 1);
    if (bytes.byteLength !== n * BYTES[dtype]) throw new CodecError(`tensor codec: [${dims.join(', ')}] ${dtype} needs ${n * BYTES[dtype]} bytes, got ${bytes.byteLength}`);
    if (!littleEndian) throw new CodecError('tensor codec: this host is big-endian; values are stored little-endian');
    const copy = bytes.slice(); // aligned, owned
    return tensor(dtype, dims, new ARRAYS[dtype](copy.buffer, 0, n) as Tensor['data']);
  },
};

/**
 * Numbers JSON cannot hold (±Infinity, NaN, −0) are written as `{ "$number": "…" }`; an object
 * that itself has the single key `$number` or `$object` is wrapped as `{ "$object": … }`.
 */
const ESCAPES = ['$number', '$object'];
const single = (o: object): string | undefined => {
  const keys = Object.keys(o);
  return keys.length === 1 ? keys[0] : undefined;
};
const toJson = (v: unknown): Json => {
  if (typeof v === 'number') return Number.isFinite(v) && !Object.is(v, -0) ? v : { $number: Object.is(v, -0) ? '-0' : String(v) };
  if (Array.isArray(v)) return v.map(toJson);
  if (v && typeof v === 'object') {
    const o = Object.fromEntries(Object.entries(v).map(([k, x]) => [k, toJson(x)]));
    return ESCAPES.includes(single(v) ?? '') ? { $object: o } : o;
  }
  return v as Json;
};
const fromJson = (v: Json): unknown => {
  if (Array.isArray(v)) return v.map(fromJson);
  if (v && typeof v === 'object') {
    const o = v as Record<string, Json>;
    const key = single(o);
    if (key === '$number') return o.$number === '-0' ? -0 : Number(o.$number);
    const inner = key === '$object' ? (o.$object as Record<string, Json>) : o;
    return Object.fromEntries(Object.keys(inner).map((k) => [k, fromJson(inner[k]!)]));
  }
  return v;
};

/** Plain data (numbers, strings, booleans, reports, lists of them) in the header, no payload. */
export function jsonCodec<T>(): Codec<T> {
  return {
    encode: (v) => ({ header: toJson(v), bytes: new Uint8Array(0) }),
    decode: ({ header }) => fromJson(header) as T,
  };
}

const MAGIC = [0x53, 0x47, 0x56, 0x31]; // "SGV1"
/** Largest header accepted when unframing (headers are small by design). */
export const MAX_HEADER_BYTES = 1 << 20;

/** One value as one byte string: "SGV1", header length (u32 LE), header JSON (with the kind's name), payload. */
export function frameValue(kind: string, e: EncodedValue): Uint8Array {
  const header = new TextEncoder().encode(JSON.stringify({ kind, header: e.header }));
  const out = new Uint8Array(8 + header.byteLength + e.bytes.byteLength);
  out.set(MAGIC, 0);
  new DataView(out.buffer).setUint32(4, header.byteLength, true);
  out.set(header, 8);
  out.set(e.bytes, 8 + header.byteLength);
  return out;
}

/** The kind name and encoded value of a framed byte string; throws CodecError on anything else. */
export function unframeValue(bytes: Uint8Array): { kind: string; encoded: EncodedValue } {
  if (bytes.byteLength < 8 || MAGIC.some((m, i) => bytes[i] !== m)) throw new CodecError('not a stylegraph value (bad magic)');
  const len = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(4, true);
  if (len > MAX_HEADER_BYTES || 8 + len > bytes.byteLength) throw new CodecError(`value header of ${len} bytes does not fit`);
  let parsed: { kind?: unknown; header?: Json };
  try {
    parsed = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(8, 8 + len))) as typeof parsed;
  } catch {
    throw new CodecError('value header is not UTF-8 JSON');
  }
  if (typeof parsed?.kind !== 'string') throw new CodecError('value header names no kind');
  return { kind: parsed.kind, encoded: { header: parsed.header ?? null, bytes: bytes.subarray(8 + len) } };
}
