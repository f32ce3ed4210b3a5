/**
 * The safetensors format, read and written without dependencies: an 8-byte little-endian
 * header length N, N bytes of UTF-8 JSON `{ name: { dtype, shape, data_offsets }, __metadata__? }`,
 * then the little-endian data, offsets relative to its start. The reader treats the file as
 * hostile: every length, name, shape and offset is checked before data is touched, and the data
 * section must be covered exactly (no overlaps, holes or trailing bytes). Floating-point tensors
 * (F32, F16, BF16, F64) all become float32. Browser-safe.
 */
import { sizeOf, tensor, type DType, type Tensor } from '@stylegraph/core';
import { ModelFileError, type ModelFileErrorCode } from './errors.js';

/** The largest header accepted (the format's own limit). */
export const MAX_SAFETENSORS_HEADER = 100 * 1024 * 1024;
const MAX_RANK = 8;

export interface SafetensorsFile {
  readonly tensors: Map<string, Tensor>;
  readonly metadata: Record<string, string>;
}

const LITTLE_ENDIAN_HOST = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

function f16ToF32(h: number): number {
  const s = h & 0x8000 ? -1 : 1;
  const e = (h >> 10) & 0x1f;
  const m = h & 0x3ff;
  if (e === 0) return s * m * 2 ** -24;
  if (e === 31) return m ? NaN : s * Infinity;
  return s * (1 + m / 1024) * 2 ** (e - 15);
}
const bf16ToF32 = (h: number): number => new Float32Array(new Uint32Array([h << 16]).buffer)[0]!;

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

/** Decodes n elements from (possibly misaligned) little-endian bytes. */
function decode(kind: Kind, bytes: Uint8Array, n: number): Tensor['data'] {
  if (kind.get) {
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const out = new Float32Array(n);
    for (let i = 0; i < n; i++) out[i] = kind.get(view, i);
    return out;
  }
  if (!LITTLE_ENDIAN_HOST && kind.bytes > 1) throw new Error('safetensors: big-endian hosts are not supported');
  // slice() copies into a fresh, aligned buffer; the host's byte order is the file's.
  return new ARRAYS[kind.dtype as keyof typeof ARRAYS](bytes.slice().buffer);
}

/**
 * The keys of the top-level object in valid JSON `text`, duplicates kept (JSON.parse keeps only
 * the last of each).
 */
function topLevelKeys(text: string): string[] {
  const keys: string[] = [];
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    if (ch === 0x22 /* " */) {
      const start = i;
      for (i++; text.charCodeAt(i) !== 0x22; i++) if (text.charCodeAt(i) === 0x5c /* \ */) i++;
      if (depth !== 1) continue;
      let j = i + 1;
      while (/\s/.test(text[j] ?? '')) j++;
      if (text[j] === ':') keys.push(JSON.parse(text.slice(start, i + 1)) as string);
    } else if (ch === 0x7b || ch === 0x5b) depth++;
    else if (ch === 0x7d || ch === 0x5d) depth--;
  }
  return keys;
}

const isPlainObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const shapeText = (v: unknown) => (Array.isArray(v) ? `[${v.join(', ')}]` : JSON.stringify(v));

/** Parses a safetensors file; `file` names it in errors. */
export function readSafetensors(bytes: Uint8Array, file = 'safetensors'): SafetensorsFile {
  const fail = (code: ModelFileErrorCode, msg: string, name?: string): never => {
    throw new ModelFileError(code, file, msg, name);
  };
  if (bytes.length < 8) fail('SAFETENSORS_HEADER', `is ${bytes.length} bytes, too short for a safetensors header`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const declared = view.getBigUint64(0, true);
  if (declared > BigInt(MAX_SAFETENSORS_HEADER)) fail('SAFETENSORS_HEADER', `declares a ${declared}-byte header, more than the ${MAX_SAFETENSORS_HEADER}-byte limit (not safetensors?)`);
  const headerLen = Number(declared);
  if (8 + headerLen > bytes.length) fail('SAFETENSORS_HEADER', `declares a ${headerLen}-byte header but the file has only ${bytes.length} bytes (truncated?)`);

  let text = '';
  let header: unknown;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(8, 8 + headerLen));
    header = JSON.parse(text);
  } catch (e) {
    fail('SAFETENSORS_HEADER', `has a header that is not valid UTF-8 JSON (${(e as Error).message})`);
  }
  if (!isPlainObject(header)) return fail('SAFETENSORS_HEADER', 'has a header that is not a JSON object');
  const seen = new Set<string>();
  for (const key of topLevelKeys(text)) {
    if (seen.has(key)) fail('SAFETENSORS_DUPLICATE', 'appears twice in the header', key);
    seen.add(key);
  }

  const data = bytes.subarray(8 + headerLen);
  const tensors = new Map<string, Tensor>();
  let metadata: Record<string, string> = {};
  const spans: { begin: number; end: number; name: string }[] = [];
  for (const [name, entry] of Object.entries(header)) {
    if (name === '__metadata__') {
      if (!isPlainObject(entry) || !Object.values(entry).every((v) => typeof v === 'string')) fail('SAFETENSORS_HEADER', 'has __metadata__ that is not a map of strings to strings');
      metadata = { ...(entry as Record<string, string>) };
      continue;
    }
    if (!isPlainObject(entry)) return fail('SAFETENSORS_HEADER', 'has a header entry that is not an object', name);
    const kind = typeof entry['dtype'] === 'string' && Object.hasOwn(KINDS, entry['dtype']) ? KINDS[entry['dtype']] : undefined;
    if (!kind) return fail('SAFETENSORS_DTYPE', `has unsupported dtype ${JSON.stringify(entry['dtype'])} (supported: ${Object.keys(KINDS).join(', ')})`, name);
    const shape = entry['shape'];
    if (!Array.isArray(shape) || shape.length > MAX_RANK || !shape.every((d) => Number.isSafeInteger(d) && (d as number) >= 0)) {
      return fail('SAFETENSORS_SHAPE', `has an invalid shape ${shapeText(shape)} (need at most ${MAX_RANK} non-negative integers)`, name);
    }
    const dims = shape as number[];
    const n = sizeOf(dims);
    const need = n * kind.bytes;
    if (!Number.isSafeInteger(need)) fail('SAFETENSORS_SHAPE', `has shape ${shapeText(dims)}, too many elements`, name);
    const off = entry['data_offsets'];
    if (!Array.isArray(off) || off.length !== 2 || !off.every((o) => Number.isSafeInteger(o) && (o as number) >= 0)) {
      return fail('SAFETENSORS_OFFSETS', `has invalid data_offsets ${JSON.stringify(off)}`, name);
    }
    const [begin, end] = off as [number, number];
    if (begin > end || end > data.length) fail('SAFETENSORS_OFFSETS', `has data_offsets [${begin}, ${end}] outside the ${data.length}-byte data section`, name);
    if (end - begin !== need) fail('SAFETENSORS_OFFSETS', `needs ${need} bytes for shape ${shapeText(dims)} ${entry['dtype'] as string} but data_offsets [${begin}, ${end}] span ${end - begin}`, name);
    spans.push({ begin, end, name });
    tensors.set(name, tensor(kind.dtype, dims, decode(kind, data.subarray(begin, end), n) as never));
  }

  spans.sort((a, b) => a.begin - b.begin || a.end - b.end);
  let covered = 0;
  for (const { begin, end, name } of spans) {
    if (begin < covered) fail('SAFETENSORS_OFFSETS', `has data_offsets [${begin}, ${end}] overlapping another tensor`, name);
    if (begin > covered) fail('SAFETENSORS_OFFSETS', `has data_offsets [${begin}, ${end}], leaving bytes ${covered}…${begin} unused`, name);
    covered = end;
  }
  if (covered !== data.length) fail('SAFETENSORS_OFFSETS', `has ${data.length - covered} trailing bytes after the last tensor`);
  return { tensors, metadata };
}

/**
 * Writes tensors as safetensors bytes, deterministically: names sorted, data in that order,
 * header padded with spaces to a multiple of 8 bytes (so the data section stays 8-aligned).
 */
export function writeSafetensors(tensors: ReadonlyMap<string, Tensor>, metadata?: Readonly<Record<string, string>>): Uint8Array {
  const fail = (msg: string, name?: string): never => {
    throw new ModelFileError('SAFETENSORS_WRITE', 'safetensors writer', msg, name);
  };
  if (!LITTLE_ENDIAN_HOST) fail('big-endian hosts are not supported');
  const names = [...tensors.keys()].sort();
  const header: Record<string, unknown> = {};
  if (metadata && Object.keys(metadata).length) header['__metadata__'] = Object.fromEntries(Object.entries(metadata).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  let offset = 0;
  for (const name of names) {
    const t = tensors.get(name)!;
    if (name === '__metadata__' || name === '') fail('is a reserved name', name);
    if (t.data.length !== sizeOf(t.dims)) fail(`has ${t.data.length} elements but shape [${t.dims.join(', ')}]`, name);
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
