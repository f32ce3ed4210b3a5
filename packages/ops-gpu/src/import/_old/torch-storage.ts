/**
 * Tensors in NVIDIA's network pickles: storages serialized by `torch.storage._load_from_bytes`
 * in torch's legacy (non-zip) `torch.save` format — magic number, protocol version, system
 * info, a pickle whose storages are persistent ids, the list of storage keys, then each
 * storage's element count and raw little-endian bytes — and tensors rebuilt from a storage
 * with `_rebuild_tensor_v2(storage, offset, size, stride, …)`.
 */
import { sizeOf, tensor, type Tensor } from '@stylegraph/core';
import { PyDict, PyTuple, UnpickleError, unpickle, type GlobalHandler, type PyValue } from './pickle.js';
import { bf16ToF32, f16ToF32 } from '../../model/half.js';

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

/** Globals a legacy torch.save of a storage refers to (its storage classes). */
export function storageTypeGlobal(module: string, name: string): GlobalHandler | undefined {
  if (module !== 'torch' || !STORAGE_TYPES[name]) return undefined;
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
  if (magic.value !== LEGACY_MAGIC && BigInt(magic.value as number) !== LEGACY_MAGIC) {
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
        const st = (type as Partial<StorageTypeMarker> | undefined)?.storageType;
        if (tag !== 'storage' || !st || typeof key !== 'string' || typeof numel !== 'number' || numel < 0) {
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
    const s = storages.get(String(key));
    if (!s) throw new UnpickleError('PICKLE_STRUCTURE', `${where}: data for unknown storage ${String(key)}`);
    if (pos + 8 > bytes.length) throw new UnpickleError('PICKLE_TRUNCATED', `${where}: storage ${String(key)} is missing its data`);
    const count = Number(view.getBigUint64(pos, true));
    pos += 8;
    const n = count * s.elementSize;
    if (count !== s.numel || pos + n > bytes.length) {
      throw new UnpickleError(
        'PICKLE_TRUNCATED',
        `${where}: storage ${String(key)} should hold ${s.numel} elements (${s.numel * s.elementSize} bytes) but the data is shorter`,
      );
    }
    s.bytes = bytes.slice(pos, pos + n);
    pos += n;
  }
  if (!(main.value instanceof Storage) || !main.value.bytes) throw new UnpickleError('PICKLE_STRUCTURE', `${where}: does not hold a storage`);
  return main.value;
}


/** `_rebuild_tensor_v2(storage, offset, size, stride, …)` → a dense host tensor (floats as float32). */
export function rebuildTensor(args: PyValue[], file: string): Tensor {
  const [storage, offset, size, stride] = args;
  const dims = size instanceof PyTuple ? size.items.map(Number) : [];
  const strides = stride instanceof PyTuple ? stride.items.map(Number) : [];
  if (!(storage instanceof Storage) || !storage.bytes || typeof offset !== 'number' || dims.length !== strides.length || dims.some((d) => !Number.isSafeInteger(d) || d < 0)) {
    throw new UnpickleError('PICKLE_STRUCTURE', `${file}: malformed tensor`);
  }
  const n = sizeOf(dims);
  const last = n === 0 ? 0 : offset + dims.reduce((acc, d, i) => acc + (d - 1) * strides[i]!, 0);
  if (n > 0 && (offset < 0 || strides.some((s) => s < 0) || last >= storage.numel)) {
    throw new UnpickleError('PICKLE_TRUNCATED', `${file}: a tensor of shape [${dims.join(', ')}] reads past the end of its ${storage.numel}-element storage`);
  }
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
