/**
 * The safetensors format, read and written without dependencies: an 8-byte little-endian
 * header length N, N bytes of UTF-8 JSON `{ name: { dtype, shape, data_offsets }, __metadata__? }`,
 * then the little-endian data, offsets relative to its start. The reader treats the file as
 * hostile: every length, name, shape and offset is checked, and the data section must be covered
 * exactly (no overlaps, holes or trailing bytes), before any tensor is decoded — so decoding
 * allocates at most twice the file's size (F16 widens to float32) — and error messages stay
 * short whatever the header holds.
 * Floating-point tensors (F32, F16, BF16, F64) all become float32; data at any alignment is
 * copied out. Browser-safe; little-endian hosts only (every mainstream JavaScript engine).
 */
import { sizeOf, tensor, type DType, type Tensor } from '@stylegraph/core';
import { ModelFileError, type ModelFileErrorCode } from './errors.js';
import { bf16ToF32, f16ToF32 } from './half.js';
import { describeJson, isPlainObject, jsonOverLimits, topLevelKeys, type JsonLimits } from './header-json.js';

/** The largest header accepted (the format's own limit). */
export const MAX_SAFETENSORS_HEADER = 100 * 1024 * 1024;
const MAX_RANK = 8;
/** The most tensors a file may hold (models have hundreds; sharded giants a few thousand per file). */
export const MAX_SAFETENSORS_TENSORS = 1 << 17;
/**
 * What a header may hold, measured before JSON.parse: ample for any real file (a tensor entry is
 * 3 members and a handful of values), but no deep nesting or millions of keys to parse for seconds.
 */
const HEADER_LIMITS: JsonLimits = { depth: 1 << 17, membersPerObject: MAX_SAFETENSORS_TENSORS, members: 1 << 20, values: 1 << 22 };

export interface SafetensorsFile {
  readonly tensors: Map<string, Tensor>;
  readonly metadata: Record<string, string>;
}

const LITTLE_ENDIAN_HOST = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

interface Kind {
  readonly bytes: number;
  readonly dtype: DType;
  /** Element i of little-endian bytes, for kinds that are converted element by element. */
  readonly get?: (v: DataView, i: number) => number;
}
const KINDS: Record<string, Kind> = {
  F32: { bytes: 4, dtype: 'float32' },
  F64: { bytes: 8, dtype: 'float32', get: (v, i) => v.getFloat64(i * 8, true) },
  F16: { bytes: 2, dtype: 'float32', get: (v, i) => f16ToF32(v.getUint16(i * 2, true)) },
  BF16: { bytes: 2, dtype: 'float32', get: (v, i) => bf16ToF32(v.getUint16(i * 2, true)) },
  I64: { bytes: 8, dtype: 'int64' },
  I32: { bytes: 4, dtype: 'int32' },
  U8: { bytes: 1, dtype: 'uint8' },
  BOOL: { bytes: 1, dtype: 'bool' },
};
const WRITE_KIND: Record<DType, string> = { float32: 'F32', float64: 'F64', int32: 'I32', int64: 'I64', uint8: 'U8', bool: 'BOOL' };
const ARRAYS = { float32: Float32Array, int64: BigInt64Array, int32: Int32Array, uint8: Uint8Array, bool: Uint8Array } as const;

/** One checked header entry. */
interface Entry {
  readonly name: string;
  readonly kind: Kind;
  readonly dims: number[];
  readonly begin: number;
  readonly end: number;
}

type Fail = (code: ModelFileErrorCode, detail: string, name?: string) => never;

/** Decodes a checked entry's (possibly misaligned) little-endian bytes into a fresh array. */
function decode(kind: Kind, bytes: Uint8Array, n: number): Tensor['data'] {
  if (kind.get) {
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const out = new Float32Array(n);
    for (let i = 0; i < n; i++) out[i] = kind.get(view, i);
    return out;
  }
  // slice() copies into a fresh, aligned buffer; the host's byte order is the file's.
  return new ARRAYS[kind.dtype as keyof typeof ARRAYS](bytes.slice().buffer);
}

/** The header's JSON object and where the data section starts. */
function readHeader(bytes: Uint8Array, fail: Fail): { header: Record<string, unknown>; text: string; dataStart: number } {
  if (bytes.length < 8) fail('SAFETENSORS_HEADER', `is ${bytes.length} bytes, too short for a safetensors header`);
  const declared = new DataView(bytes.buffer, bytes.byteOffset, 8).getBigUint64(0, true);
  if (declared > BigInt(MAX_SAFETENSORS_HEADER)) fail('SAFETENSORS_HEADER', `declares a ${declared}-byte header, more than the ${MAX_SAFETENSORS_HEADER}-byte limit (not safetensors?)`);
  const headerLen = Number(declared);
  if (8 + headerLen > bytes.length) fail('SAFETENSORS_HEADER', `declares a ${headerLen}-byte header but the file has only ${bytes.length} bytes (truncated?)`);
  let text = '';
  let header: unknown;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(8, 8 + headerLen));
  } catch (e) {
    fail('SAFETENSORS_HEADER', `has a header that is not valid UTF-8 JSON (${(e as Error).message.slice(0, 200)})`);
  }
  const over = jsonOverLimits(text, HEADER_LIMITS);
  if (over) fail('SAFETENSORS_HEADER', `has a header that ${over} (not a model file?)`);
  try {
    header = JSON.parse(text);
  } catch (e) {
    fail('SAFETENSORS_HEADER', `has a header that is not valid UTF-8 JSON (${(e as Error).message.slice(0, 200)})`);
  }
  if (!isPlainObject(header)) return fail('SAFETENSORS_HEADER', 'has a header that is not a JSON object');
  return { header, text, dataStart: 8 + headerLen };
}

/** Checks one tensor entry's dtype, shape and offsets against the data section's length. */
function checkEntry(name: string, entry: unknown, dataLength: number, fail: Fail): Entry {
  if (!isPlainObject(entry)) return fail('SAFETENSORS_HEADER', 'has a header entry that is not an object', name);
  const dtype = entry['dtype'];
  const kind = typeof dtype === 'string' && Object.hasOwn(KINDS, dtype) ? KINDS[dtype] : undefined;
  if (!kind) return fail('SAFETENSORS_DTYPE', `has unsupported dtype ${describeJson(dtype)} (supported: ${Object.keys(KINDS).join(', ')})`, name);
  const shape = entry['shape'];
  if (!Array.isArray(shape) || shape.length > MAX_RANK || !shape.every((d) => Number.isSafeInteger(d) && (d as number) >= 0)) {
    return fail('SAFETENSORS_SHAPE', `has an invalid shape ${describeJson(shape)} (need at most ${MAX_RANK} non-negative integers)`, name);
  }
  const dims = shape as number[];
  const need = sizeOf(dims) * kind.bytes;
  if (!Number.isSafeInteger(need)) fail('SAFETENSORS_SHAPE', `has shape ${describeJson(dims)}, too many elements`, name);
  const off = entry['data_offsets'];
  if (!Array.isArray(off) || off.length !== 2 || !off.every((o) => Number.isSafeInteger(o) && (o as number) >= 0)) {
    return fail('SAFETENSORS_OFFSETS', `has invalid data_offsets ${describeJson(off)} (need [begin, end], non-negative integers)`, name);
  }
  const [begin, end] = off as [number, number];
  if (begin > end) fail('SAFETENSORS_OFFSETS', `has data_offsets [${begin}, ${end}] that end before they begin`, name);
  if (end > dataLength) fail('SAFETENSORS_OFFSETS', `has data_offsets [${begin}, ${end}] outside the ${dataLength}-byte data section`, name);
  if (end - begin !== need) fail('SAFETENSORS_OFFSETS', `needs ${need} bytes for shape ${describeJson(dims)} ${dtype as string} but data_offsets [${begin}, ${end}] span ${end - begin}`, name);
  return { name, kind, dims, begin, end };
}

/** The entries must tile the data section exactly: no overlaps, no holes, no trailing bytes. */
function checkCoverage(entries: readonly Entry[], dataLength: number, fail: Fail): void {
  const spans = [...entries].sort((a, b) => a.begin - b.begin || a.end - b.end);
  let covered = 0;
  for (const { begin, end, name } of spans) {
    if (begin < covered) fail('SAFETENSORS_OFFSETS', `has data_offsets [${begin}, ${end}] overlapping another tensor`, name);
    if (begin > covered) fail('SAFETENSORS_OFFSETS', `has data_offsets [${begin}, ${end}], leaving bytes ${covered}…${begin} unused`, name);
    covered = end;
  }
  if (covered !== dataLength) fail('SAFETENSORS_OFFSETS', `has ${dataLength - covered} trailing bytes after the last tensor`);
}

/** Parses a safetensors file; `file` names it in errors. */
export function readSafetensors(bytes: Uint8Array, file = 'safetensors'): SafetensorsFile {
  const fail: Fail = (code, detail, name) => {
    throw new ModelFileError(code, file, detail, name);
  };
  if (!LITTLE_ENDIAN_HOST) fail('SAFETENSORS_HEADER', 'cannot be read: big-endian hosts are not supported');
  const { header, text, dataStart } = readHeader(bytes, fail);
  const seen = new Set<string>();
  for (const key of topLevelKeys(text)) {
    if (seen.has(key)) fail('SAFETENSORS_DUPLICATE', 'appears twice in the header', key);
    seen.add(key);
  }
  const data = bytes.subarray(dataStart);
  let metadata: Record<string, string> = {};
  const entries: Entry[] = [];
  for (const [name, entry] of Object.entries(header)) {
    if (name !== '__metadata__') entries.push(checkEntry(name, entry, data.length, fail));
    else if (isPlainObject(entry) && Object.values(entry).every((v) => typeof v === 'string')) metadata = { ...(entry as Record<string, string>) };
    else fail('SAFETENSORS_HEADER', 'has __metadata__ that is not a map of strings to strings');
  }
  checkCoverage(entries, data.length, fail);
  const tensors = new Map<string, Tensor>();
  for (const { name, kind, dims, begin, end } of entries) {
    tensors.set(name, tensor(kind.dtype, dims, decode(kind, data.subarray(begin, end), sizeOf(dims)) as never));
  }
  return { tensors, metadata };
}

/**
 * Writes tensors as safetensors bytes, deterministically: names sorted, data in that order,
 * header padded with spaces to a multiple of 8 bytes (so the data section stays 8-aligned),
 * `__metadata__` (keys sorted) only when given and non-empty.
 */
export function writeSafetensors(tensors: ReadonlyMap<string, Tensor>, metadata?: Readonly<Record<string, string>>): Uint8Array {
  const fail = (detail: string, name?: string): never => {
    throw new ModelFileError('SAFETENSORS_WRITE', 'safetensors writer', detail, name);
  };
  if (!LITTLE_ENDIAN_HOST) fail('big-endian hosts are not supported');
  const byName = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
  const names = [...tensors.keys()].sort(byName);
  const header: Record<string, unknown> = {};
  if (metadata && Object.keys(metadata).length) {
    for (const [k, v] of Object.entries(metadata)) if (typeof v !== 'string') fail(`metadata "${k}" is not a string`);
    header['__metadata__'] = Object.fromEntries(Object.entries(metadata).sort(([a], [b]) => byName(a, b)));
  }
  let offset = 0;
  for (const name of names) {
    const t = tensors.get(name)!;
    if (name === '__metadata__' || name === '') fail('is a reserved name', name);
    const kind = Object.hasOwn(WRITE_KIND, t.dtype) ? KINDS[WRITE_KIND[t.dtype]] : undefined;
    if (!kind) return fail(`has unsupported dtype ${describeJson(t.dtype)}`, name);
    if (t.data.length !== sizeOf(t.dims)) fail(`has ${t.data.length} elements but shape [${t.dims.join(', ')}]`, name);
    if (t.data.BYTES_PER_ELEMENT !== kind.bytes) fail(`has ${t.data.constructor.name} data, not ${t.dtype}`, name);
    header[name] = { dtype: WRITE_KIND[t.dtype], shape: t.dims, data_offsets: [offset, offset + t.data.byteLength] };
    offset += t.data.byteLength;
  }
  const json = new TextEncoder().encode(JSON.stringify(header));
  const headerLen = Math.ceil(json.length / 8) * 8;
  const out = new Uint8Array(8 + headerLen + offset);
  new DataView(out.buffer).setBigUint64(0, BigInt(headerLen), true);
  out.set(json, 8);
  out.fill(0x20, 8 + json.length, 8 + headerLen);
  let at = 8 + headerLen;
  for (const name of names) {
    const { data } = tensors.get(name)!;
    out.set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength), at);
    at += data.byteLength;
  }
  return out;
}
