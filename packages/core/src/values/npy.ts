/**
 * NumPy's `.npy` format (version 1–3), so latents and images can be exchanged with NumPy and
 * NVIDIA's scripts: little-endian float32/float64/int32/int64/uint8/bool, C order.
 */
import { sizeOf, tensor, type DType, type Tensor } from './tensor.js';

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY
const DESCR: Record<string, DType> = { '<f4': 'float32', '<f8': 'float64', '<i4': 'int32', '<i8': 'int64', '|u1': 'uint8', '|b1': 'bool' };
const BYTES: Record<DType, number> = { float32: 4, float64: 8, int32: 4, int64: 8, uint8: 1, bool: 1 };

export class NpyError extends Error {
  override readonly name = 'NpyError';
}

export function readNpy(bytes: Uint8Array, file = 'npy'): Tensor {
  if (bytes.length < 10 || MAGIC.some((b, i) => bytes[i] !== b)) throw new NpyError(`${file}: not a .npy file`);
  const major = bytes[6]!;
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLen = major === 1 ? v.getUint16(8, true) : v.getUint32(8, true);
  const start = (major === 1 ? 10 : 12) + headerLen;
  if (start > bytes.length) throw new NpyError(`${file}: truncated header`);
  const header = new TextDecoder().decode(bytes.subarray(major === 1 ? 10 : 12, start));
  const descr = /'descr':\s*'([^']+)'/.exec(header)?.[1];
  const fortran = /'fortran_order':\s*(True|False)/.exec(header)?.[1];
  const shapeText = /'shape':\s*\(([^)]*)\)/.exec(header)?.[1];
  const dtype = descr !== undefined ? DESCR[descr] : undefined;
  if (!dtype) throw new NpyError(`${file}: unsupported dtype ${descr ?? '?'} (little-endian float32/float64/int32/int64/uint8/bool only)`);
  if (fortran !== 'False') throw new NpyError(`${file}: Fortran-order arrays are not supported`);
  if (shapeText === undefined) throw new NpyError(`${file}: header has no shape`);
  const dims = shapeText.split(',').map((s) => s.trim()).filter(Boolean).map(Number);
  if (dims.some((d) => !Number.isSafeInteger(d) || d < 0)) throw new NpyError(`${file}: invalid shape (${shapeText})`);
  const n = sizeOf(dims);
  if (start + n * BYTES[dtype] > bytes.length) throw new NpyError(`${file}: data is shorter than shape (${shapeText}) needs`);
  // A copy into a fresh buffer: Node's Buffer.slice shares memory (and the pool) with the input.
  const raw = new Uint8Array(bytes.subarray(start, start + n * BYTES[dtype])).buffer;
  const data = { float32: Float32Array, float64: Float64Array, int32: Int32Array, int64: BigInt64Array, uint8: Uint8Array, bool: Uint8Array }[dtype];
  return tensor(dtype, dims, new data(raw) as never);
}

export function writeNpy(t: Tensor): Uint8Array {
  const descr = Object.entries(DESCR).find(([, d]) => d === t.dtype)![0];
  const shape = t.dims.length === 1 ? `(${t.dims[0]},)` : `(${t.dims.join(', ')})`;
  let header = `{'descr': '${descr}', 'fortran_order': False, 'shape': ${shape}, }`;
  header += ' '.repeat(63 - ((10 + header.length) % 64)) + '\n'; // total header multiple of 64
  const h = new TextEncoder().encode(header);
  const out = new Uint8Array(10 + h.length + t.data.byteLength);
  out.set(MAGIC);
  out.set([1, 0], 6);
  new DataView(out.buffer).setUint16(8, h.length, true);
  out.set(h, 10);
  out.set(new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength), 10 + h.length);
  return out;
}
