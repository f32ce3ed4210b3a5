/**
 * The safetensors format, read and written without dependencies: an 8-byte little-endian
 * header length, a JSON header `{ name: { dtype, shape, data_offsets } }`, then the raw
 * little-endian data. The reader treats the file as hostile: every length, offset and shape is
 * checked before any data is touched. F16/BF16/F64 weights are widened/narrowed to float32.
 */
import { sizeOf, tensor, type DType, type Tensor } from '@stylegraph/core';
import { ModelFileError } from './errors.js';
import { bf16ToF32, f16ToF32 } from './half.js';

const MAX_HEADER = 100 * 1024 * 1024;
const BYTES: Record<string, number> = { F64: 8, F32: 4, F16: 2, BF16: 2, I64: 8, I32: 4, U8: 1, BOOL: 1 };
const TO_DTYPE: Record<string, DType> = { F64: 'float32', F32: 'float32', F16: 'float32', BF16: 'float32', I64: 'int64', I32: 'int32', U8: 'uint8', BOOL: 'bool' };
const FROM_DTYPE: Record<DType, string> = { float32: 'F32', float64: 'F64', int32: 'I32', int64: 'I64', uint8: 'U8', bool: 'BOOL' };

export interface SafetensorsFile {
  readonly tensors: Map<string, Tensor>;
  readonly metadata: Record<string, string>;
}


type Reader = { out: (n: number) => Tensor['data']; get: (v: DataView, i: number) => number | bigint };
const f32 = (n: number) => new Float32Array(n);
// Element readers by stored dtype (little-endian); floating types all become float32.
const READERS: Record<string, Reader> = {
  F32: { out: f32, get: (v, i) => v.getFloat32(i * 4, true) },
  F64: { out: f32, get: (v, i) => v.getFloat64(i * 8, true) },
  F16: { out: f32, get: (v, i) => f16ToF32(v.getUint16(i * 2, true)) },
  BF16: { out: f32, get: (v, i) => bf16ToF32(v.getUint16(i * 2, true)) },
  I64: { out: (n) => new BigInt64Array(n), get: (v, i) => v.getBigInt64(i * 8, true) },
  I32: { out: (n) => new Int32Array(n), get: (v, i) => v.getInt32(i * 4, true) },
  U8: { out: (n) => new Uint8Array(n), get: (v, i) => v.getUint8(i) },
  BOOL: { out: (n) => new Uint8Array(n), get: (v, i) => v.getUint8(i) },
};

/** Copies n elements out of (possibly misaligned) bytes. */
function decode(kind: string, bytes: Uint8Array, n: number): Tensor['data'] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const { out, get } = READERS[kind]!;
  const data = out(n) as { [i: number]: number | bigint };
  for (let i = 0; i < n; i++) data[i] = get(view, i);
  return data as Tensor['data'];
}

/** Parses a safetensors file; `file` names it in errors. */
export function readSafetensors(bytes: Uint8Array, file = 'safetensors'): SafetensorsFile {
  const fail = (code: ConstructorParameters<typeof ModelFileError>[0], msg: string, t?: string): never => {
    throw new ModelFileError(code, file, msg, t);
  };
  if (bytes.length < 8) fail('SAFETENSORS_HEADER', `is ${bytes.length} bytes, too short for a safetensors header`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLen = Number(view.getBigUint64(0, true));
  if (headerLen > MAX_HEADER || 8 + headerLen > bytes.length) {
    fail('SAFETENSORS_HEADER', `declares a ${headerLen}-byte header but the file has ${bytes.length} bytes (truncated, or not safetensors)`);
  }
  let header: unknown;
  try {
    header = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(8, 8 + headerLen)));
  } catch (e) {
    fail('SAFETENSORS_HEADER', `header is not valid UTF-8 JSON (${(e as Error).message})`);
  }
  if (!header || typeof header !== 'object' || Array.isArray(header)) fail('SAFETENSORS_HEADER', 'header is not a JSON object');
  const data = bytes.subarray(8 + headerLen);
  const tensors = new Map<string, Tensor>();
  let metadata: Record<string, string> = {};
  const spans: [number, number, string][] = [];
  for (const [name, raw] of Object.entries(header as Record<string, unknown>)) {
    if (name === '__metadata__') {
      if (!raw || typeof raw !== 'object' || Array.isArray(raw) || !Object.values(raw).every((v) => typeof v === 'string')) {
        fail('SAFETENSORS_HEADER', '__metadata__ must map strings to strings');
      }
      metadata = raw as Record<string, string>;
      continue;
    }
    const info = raw as { dtype?: unknown; shape?: unknown; data_offsets?: unknown };
    if (!info || typeof info !== 'object') fail('SAFETENSORS_HEADER', 'entry is not an object', name);
    const kind = info.dtype;
    if (typeof kind !== 'string' || !(kind in BYTES)) fail('SAFETENSORS_DTYPE', `has unsupported dtype ${JSON.stringify(kind)}`, name);
    const shape = info.shape;
    if (!Array.isArray(shape) || shape.length > 8 || !shape.every((d) => Number.isSafeInteger(d) && d >= 0)) {
      fail('SAFETENSORS_SHAPE', `has an invalid shape ${JSON.stringify(shape)}`, name);
    }
    const dims = shape as number[];
    const n = sizeOf(dims);
    const off = info.data_offsets;
    if (!Array.isArray(off) || off.length !== 2 || !off.every((o) => Number.isSafeInteger(o) && o >= 0)) {
      fail('SAFETENSORS_OFFSETS', `has invalid data_offsets ${JSON.stringify(off)}`, name);
    }
    const [begin, end] = off as [number, number];
    const need = n * BYTES[kind as string]!;
    if (!Number.isSafeInteger(need) || end - begin !== need) {
      fail('SAFETENSORS_OFFSETS', `needs ${need} bytes for shape [${dims.join(', ')}] ${kind as string} but data_offsets span ${end - begin}`, name);
    }
    if (end > data.length || begin > end) fail('SAFETENSORS_OFFSETS', `data_offsets [${begin}, ${end}] lie outside the ${data.length}-byte data section`, name);
    spans.push([begin, end, name]);
    tensors.set(name, tensor(TO_DTYPE[kind as string]!, dims, decode(kind as string, data.subarray(begin, end), n) as never));
  }
  spans.sort((a, b) => a[0] - b[0]);
  let covered = 0;
  for (const [begin, end, name] of spans) {
    if (begin < covered) fail('SAFETENSORS_OFFSETS', 'overlaps another tensor', name);
    covered = Math.max(covered, end);
  }
  if (covered !== data.length) fail('SAFETENSORS_OFFSETS', `has ${data.length - covered} bytes of data no tensor uses`);
  return { tensors, metadata };
}

/** Writes tensors (names sorted, header padded to 8 bytes) as safetensors bytes. */
export function writeSafetensors(tensors: ReadonlyMap<string, Tensor>, metadata?: Record<string, string>): Uint8Array {
  const names = [...tensors.keys()].sort();
  const header: Record<string, unknown> = {};
  if (metadata && Object.keys(metadata).length) header.__metadata__ = metadata;
  let offset = 0;
  for (const name of names) {
    const t = tensors.get(name)!;
    const len = t.data.byteLength;
    header[name] = { dtype: FROM_DTYPE[t.dtype], shape: t.dims, data_offsets: [offset, offset + len] };
    offset += len;
  }
  let json = JSON.stringify(header);
  json += ' '.repeat((8 - ((new TextEncoder().encode(json).length) % 8)) % 8);
  const headerBytes = new TextEncoder().encode(json);
  const out = new Uint8Array(8 + headerBytes.length + offset);
  new DataView(out.buffer).setBigUint64(0, BigInt(headerBytes.length), true);
  out.set(headerBytes, 8);
  let at = 8 + headerBytes.length;
  for (const name of names) {
    const t = tensors.get(name)!;
    // Host tensors are little-endian on every platform stylegraph runs on.
    out.set(new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength), at);
    at += t.data.byteLength;
  }
  return out;
}
