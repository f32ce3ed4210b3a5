/**
 * NumPy's `.npy` format (version 1–3), so latents and images can be exchanged with NumPy and
 * NVIDIA's scripts: little-endian float32/float64/int32/int64/uint8/bool, C order.
 */
import { DTYPE_ARRAYS, sizeOf, tensor, type DType, type Tensor } from './tensor.js';
import { DTYPE_BYTES as BYTES } from '../types/port-dtypes.js';

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY
const DESCR: Record<string, DType> = { '<f4': 'float32', '<f8': 'float64', '<i4': 'int32', '<i8': 'int64', '|u1': 'uint8', '|b1': 'bool' };

export class NpyError extends Error {
  override readonly name = 'NpyError';
}

/** The longest header accepted: NumPy's own default limit (`max_header_size`). */
export const MAX_NPY_HEADER = 10_000;

/**
 * Parses `.npy` bytes. The file is hostile until parsed: the version, the header's length and
 * contents, and the data's length (exactly what the shape needs, no more and no less) are
 * checked before anything is allocated.
 */
export function readNpy(bytes: Uint8Array, file = 'npy'): Tensor {
  if (bytes.length < 10 || MAGIC.some((b, i) => bytes[i] !== b)) throw new NpyError(`${file}: not a .npy file`);
  const major = bytes[6]!;
  if (major < 1 || major > 3) throw new NpyError(`${file}: unsupported .npy format version ${major} (1–3 supported)`);
  const headerStart = major === 1 ? 10 : 12;
  if (bytes.length < headerStart) throw new NpyError(`${file}: truncated header`);
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLen = major === 1 ? v.getUint16(8, true) : v.getUint32(8, true);
  if (headerLen > MAX_NPY_HEADER) throw new NpyError(`${file}: header of ${headerLen} bytes is longer than the ${MAX_NPY_HEADER}-byte limit (corrupt file?)`);
  const start = headerStart + headerLen;
  if (start > bytes.length) throw new NpyError(`${file}: truncated header`);
  const header = new TextDecoder().decode(bytes.subarray(headerStart, start));
  const descr = /'descr':\s*'([^']+)'/.exec(header)?.[1];
  const fortran = /'fortran_order':\s*(True|False)/.exec(header)?.[1];
  const shapeText = /'shape':\s*\(([^)]*)\)/.exec(header)?.[1];
  const dtype = descr !== undefined && Object.hasOwn(DESCR, descr) ? DESCR[descr] : undefined;
  const shown = (s: string) => (s.length > 60 ? `${s.slice(0, 60)}…` : s);
  if (!dtype) throw new NpyError(`${file}: unsupported dtype ${shown(descr ?? '?')} (little-endian float32/float64/int32/int64/uint8/bool only)`);
  if (fortran !== 'False') throw new NpyError(`${file}: Fortran-order arrays are not supported`);
  if (shapeText === undefined) throw new NpyError(`${file}: header has no shape`);
  const parts = shapeText.split(',').map((s) => s.trim());
  if (parts.length > 1 && parts[parts.length - 1] === '') parts.pop(); // (3,) and (2, 3,)
  if (parts.length === 1 && parts[0] === '') parts.pop(); // ()
  if (parts.some((s) => !/^\d{1,16}$/.test(s))) throw new NpyError(`${file}: invalid shape (${shown(shapeText)})`);
  const dims = parts.map(Number);
  const n = sizeOf(dims);
  const need = n * BYTES[dtype];
  if (!dims.every((d) => Number.isSafeInteger(d)) || !Number.isSafeInteger(need)) throw new NpyError(`${file}: shape (${shown(shapeText)}) has too many elements`);
  if (start + need > bytes.length) throw new NpyError(`${file}: data is shorter than shape (${shown(shapeText)}) needs`);
  if (start + need < bytes.length) throw new NpyError(`${file}: ${bytes.length - start - need} bytes after the data that shape (${shown(shapeText)}) needs (corrupt file?)`);
  // A copy into a fresh buffer: Node's Buffer.slice shares memory (and the pool) with the input.
  const raw = new Uint8Array(bytes.subarray(start, start + need)).buffer;
  const data = DTYPE_ARRAYS[dtype];
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
