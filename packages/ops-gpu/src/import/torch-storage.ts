/**
 * Tensors in NVIDIA's network pickles: storages serialized by `torch.storage._load_from_bytes`
 * in torch's legacy (non-zip) `torch.save` format — magic number, protocol version, system
 * info, a pickle whose storages are persistent ids, the list of storage keys, then each
 * storage's element count and raw little-endian bytes — and tensors rebuilt from a storage
 * with `_rebuild_tensor_v2(storage, offset, size, stride, …)`.
 */
import { sizeOf, tensor, type Tensor } from '@stylegraph/core';
import { PyDict, PyTuple, UnpickleError, shownName, unpickle, type GlobalHandler, type PyValue } from './pickle.js';
import { bf16ToF32, f16ToF32 } from '../model/half.js';

const LEGACY_MAGIC = 0x1950a86a20f9469cfc6cn;
const PROTOCOL_VERSION = 1001;

export type StorageDType = 'float32' | 'float64' | 'float16' | 'bfloat16' | 'int64' | 'int32' | 'int16' | 'int8' | 'uint8' | 'bool';

const STORAGE_TYPES: Record<string, [StorageDType, number]> = {
  FloatStorage: ['float32', 4],
  DoubleStorage: ['float64', 8],
  HalfStorage: ['float16', 2],
  BFloat16Storage: ['bfloat16', 2],
  LongStorage: ['int64', 8],
  IntStorage: ['int32', 4],
  ShortStorage: ['int16', 2],
  CharStorage: ['int8', 1],
  ByteStorage: ['uint8', 1],
  BoolStorage: ['bool', 1],
};

/** A storage's raw bytes and element type. */
export class Storage {
  bytes?: Uint8Array;
  constructor(
    readonly dtype: StorageDType,
    readonly elementSize: number,
    readonly numel: number,
  ) {}
}

interface StorageTypeMarker {
  (args: PyValue[]): PyValue;
  storageType: [StorageDType, number];
}

/** The storage type a persistent id names, if it is one of the storage classes (and nothing else). */
export function storageTypeOf(type: PyValue | undefined): [StorageDType, number] | undefined {
  const st = typeof type === 'function' ? (type as Partial<StorageTypeMarker>).storageType : undefined;
  return Array.isArray(st) && st.length === 2 && Object.values(STORAGE_TYPES).some(([d, n]) => d === st[0] && n === st[1]) ? st : undefined;
}

/** Whether a pickled value is a usable element count. */
export const isCount = (v: PyValue | undefined): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;

/** A storage key as shown in messages: as is when short printable ASCII (torch's keys are "0", "1", …). */
const keyText = (k: PyValue | undefined) =>
  typeof k === 'string' ? (/^[\x21-\x7e]{1,200}$/.test(k) ? k : JSON.stringify(shownName(k))) : typeof k === 'number' ? String(k) : `(a ${k === null ? 'None' : typeof k})`;

/**
 * What rebuilding tensors may allocate for one file: at most 4 bytes per byte of the file (int8
 * storages widen to int32) plus 16 MiB — tensors may share a storage (views, tied weights), but
 * not so often, nor with strides so broadcast, that a small file becomes gigabytes.
 */
export class TensorBudget {
  private left: number;
  constructor(
    readonly file: string,
    fileBytes: number,
  ) {
    this.left = 4 * fileBytes + 16 * 2 ** 20;
  }

  /** Takes `bytes` from the budget, or refuses. */
  take(bytes: number): void {
    if (!(bytes <= this.left)) {
      throw new UnpickleError('PICKLE_LIMIT', `${this.file}: its tensors would take more memory than the file's size allows (tensors repeated or broadcast from small storages; a hostile file?)`);
    }
    this.left -= bytes;
  }
}

/** Globals a legacy torch.save of a storage refers to (its storage classes). */
export function storageTypeGlobal(module: string, name: string): GlobalHandler | undefined {
  if (module !== 'torch' || !Object.hasOwn(STORAGE_TYPES, name)) return undefined;
  const marker = (_args: PyValue[]): PyValue => {
    throw new UnpickleError('PICKLE_STRUCTURE', `torch.${name} cannot be called`);
  };
  return Object.assign(marker, { storageType: STORAGE_TYPES[name]! }) satisfies StorageTypeMarker;
}

/** Parses torch's legacy `torch.save` bytes whose object is a single storage. */
export function loadLegacyStorage(bytes: Uint8Array, file: string): Storage {
  const where = `${file}: embedded torch storage`;
  const plain = { findGlobal: () => undefined, file: where };
  const magic = unpickle(bytes, plain);
  const m = magic.value;
  if (m !== LEGACY_MAGIC && !(typeof m === 'number' && Number.isSafeInteger(m) && BigInt(m) === LEGACY_MAGIC)) {
    throw new UnpickleError('PICKLE_STRUCTURE', `${where}: not torch's legacy serialization format (wrong magic number)`);
  }
  const proto = unpickle(bytes, plain, magic.end);
  if (proto.value !== PROTOCOL_VERSION) throw new UnpickleError('PICKLE_STRUCTURE', `${where}: unsupported torch protocol version ${String(proto.value)}`);
  const sys = unpickle(bytes, plain, proto.end);
  if (!(sys.value instanceof PyDict) || sys.value.get('little_endian') !== true) {
    throw new UnpickleError('PICKLE_STRUCTURE', `${where}: only little-endian storages are supported`);
  }
  const storages = new Map<string, Storage>();
  const main = unpickle(
    bytes,
    {
      file: where,
      findGlobal: storageTypeGlobal,
      persistentLoad: (pid) => {
        const t = pid instanceof PyTuple ? pid.items : [];
        const [tag, type, key, , numel, view] = t;
        const st = storageTypeOf(type);
        if (tag !== 'storage' || !st || typeof key !== 'string' || !isCount(numel)) {
          throw new UnpickleError('PICKLE_STRUCTURE', `${where}: unexpected persistent id`);
        }
        if (view !== null && view !== undefined) throw new UnpickleError('PICKLE_STRUCTURE', `${where}: storage views are not supported`);
        const s = storages.get(key) ?? new Storage(st[0], st[1], numel);
        storages.set(key, s);
        return s;
      },
    },
    sys.end,
  );
  const keys = unpickle(bytes, plain, main.end);
  if (!Array.isArray(keys.value)) throw new UnpickleError('PICKLE_STRUCTURE', `${where}: missing storage key list`);
  let pos = keys.end;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (const key of keys.value) {
    const s = typeof key === 'string' ? storages.get(key) : undefined;
    if (!s) throw new UnpickleError('PICKLE_STRUCTURE', `${where}: data for unknown storage ${keyText(key)}`);
    if (pos + 8 > bytes.length) throw new UnpickleError('PICKLE_TRUNCATED', `${where}: storage ${keyText(key)} is missing its data`);
    const count = Number(view.getBigUint64(pos, true));
    pos += 8;
    const n = count * s.elementSize;
    if (count !== s.numel || pos + n > bytes.length) {
      throw new UnpickleError(
        'PICKLE_TRUNCATED',
        `${where}: storage ${keyText(key)} should hold ${s.numel} elements (${s.numel * s.elementSize} bytes) but the data is shorter`,
      );
    }
    s.bytes = bytes.slice(pos, pos + n);
    pos += n;
  }
  if (!(main.value instanceof Storage) || !main.value.bytes) throw new UnpickleError('PICKLE_STRUCTURE', `${where}: does not hold a storage`);
  return main.value;
}


/** The most dimensions a tensor may have (torch's own limit). */
const MAX_TENSOR_RANK = 64;

/** A pickled integer as a number (NaN for anything else: Number() of a nested list would recurse). */
const intOf = (v: PyValue): number => (typeof v === 'number' ? v : typeof v === 'bigint' ? Number(v) : Number.NaN);

/**
 * `_rebuild_tensor_v2(storage, offset, size, stride, …)` → a dense host tensor (floats as float32).
 * `budget`, shared by a file's tensors, bounds what they allocate together.
 */
export function rebuildTensor(args: PyValue[], file: string, budget?: TensorBudget): Tensor {
  const [storage, rawOffset, size, stride] = args;
  const dims = size instanceof PyTuple && size.items.length <= MAX_TENSOR_RANK ? size.items.map(intOf) : [];
  const strides = stride instanceof PyTuple && stride.items.length <= MAX_TENSOR_RANK ? stride.items.map(intOf) : [];
  if (
    !(storage instanceof Storage) ||
    !storage.bytes ||
    !(size instanceof PyTuple) ||
    !(stride instanceof PyTuple) ||
    dims.length !== size.items.length ||
    dims.length !== strides.length ||
    !Number.isSafeInteger(rawOffset) ||
    !dims.every((d) => isCount(d)) ||
    !strides.every((s) => Number.isSafeInteger(s)) ||
    !isCount(storage.numel) ||
    storage.bytes.length < storage.numel * storage.elementSize
  ) {
    throw new UnpickleError('PICKLE_STRUCTURE', `${file}: malformed tensor`);
  }
  const offset = rawOffset as number;
  const n = sizeOf(dims);
  if (!Number.isSafeInteger(n)) throw new UnpickleError('PICKLE_STRUCTURE', `${file}: a tensor of shape [${dims.join(', ')}] has too many elements`);
  const last = n === 0 ? 0 : offset + dims.reduce((acc, d, i) => acc + (d - 1) * strides[i]!, 0);
  if (n > 0 && (offset < 0 || strides.some((s) => s < 0) || last >= storage.numel)) {
    throw new UnpickleError('PICKLE_TRUNCATED', `${file}: a tensor of shape [${dims.join(', ')}] reads past the end of its ${storage.numel}-element storage`);
  }
  budget?.take(n * (storage.dtype === 'int64' ? 8 : 4));
  const v = new DataView(storage.bytes.buffer, storage.bytes.byteOffset, storage.bytes.byteLength);
  const es = storage.elementSize;
  const read: (i: number) => number | bigint = {
    float32: (i: number) => v.getFloat32(i * es, true),
    float64: (i: number) => v.getFloat64(i * es, true),
    float16: (i: number) => f16ToF32(v.getUint16(i * es, true)),
    bfloat16: (i: number) => bf16ToF32(v.getUint16(i * es, true)),
    int64: (i: number) => v.getBigInt64(i * es, true),
    int32: (i: number) => v.getInt32(i * es, true),
    int16: (i: number) => v.getInt16(i * es, true),
    int8: (i: number) => v.getInt8(i * es),
    uint8: (i: number) => v.getUint8(i * es),
    bool: (i: number) => v.getUint8(i * es),
  }[storage.dtype];
  if (!read) throw new UnpickleError('PICKLE_STRUCTURE', `${file}: malformed tensor`);
  const isInt64 = storage.dtype === 'int64';
  const isFloat = ['float32', 'float64', 'float16', 'bfloat16'].includes(storage.dtype);
  const out = isInt64 ? new BigInt64Array(n) : isFloat ? new Float32Array(n) : new Int32Array(n);
  // Row-major walk over the (possibly strided) view.
  const idx = new Array<number>(dims.length).fill(0);
  for (let k = 0; k < n; k++) {
    let src = offset;
    for (let a = 0; a < dims.length; a++) src += idx[a]! * strides[a]!;
    (out as { [i: number]: number | bigint })[k] = read(src);
    for (let a = dims.length - 1; a >= 0; a--) {
      if (++idx[a]! < dims[a]!) break;
      idx[a] = 0;
    }
  }
  return isInt64 ? tensor('int64', dims, out as BigInt64Array) : isFloat ? tensor('float32', dims, out as Float32Array) : tensor('int32', dims, out as Int32Array);
}
