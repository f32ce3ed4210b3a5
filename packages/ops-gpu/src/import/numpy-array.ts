/**
 * numpy arrays as `ndarray.__reduce__` pickles them (protocols 2–4):
 * `numpy.core.multiarray._reconstruct(numpy.ndarray, (0,), b'b')` makes an empty array, then
 * BUILD gives it `(version, shape, dtype, is_fortran, raw bytes)`. Kept as data until a reader
 * asks for it as a row-major float32 tensor; only little-endian float16/32/64 arrays are, in C
 * or Fortran order. Nothing is called but these functions.
 */
import { sizeOf, tensor, type Tensor } from '@stylegraph/core';
import { f16ToF32 } from '../model/half.js';
import { CheckpointError } from './errors.js';
import { NumpyDType } from './nvidia-globals.js';
import { PyTuple, UnpickleError, type GlobalHandler, type PyValue } from './pickle.js';
import { isCount, type TensorBudget } from './torch-storage.js';

/** numpy's own limit on dimensions (NPY_MAXDIMS of numpy 1). */
export const MAX_NDARRAY_RANK = 32;

/** Bytes per element of the dtypes accepted. */
const ITEM_BYTES: Record<string, number> = { f2: 2, f4: 4, f8: 8 };

/** A pickled numpy array: its BUILD state, decoded on demand (once). */
export class NdArray {
  private state?: PyValue;
  private decoded?: Tensor<'float32'>;

  setState(state: PyValue): void {
    if (this.state !== undefined) throw new UnpickleError('PICKLE_STRUCTURE', 'a numpy array is given its data twice (BUILD)');
    this.state = state;
  }

  /** The array as a row-major float32 tensor; `what` names it in errors; `budget` bounds what decoding allocates. */
  toTensor(what: string, budget: TensorBudget): Tensor<'float32'> {
    if (this.decoded) return this.decoded;
    const bad = (msg: string, code: CheckpointError['code'] = 'CHECKPOINT_STRUCTURE'): never => {
      throw new CheckpointError(code, `${what}: ${msg}`);
    };
    const s = this.state;
    if (s === undefined) return bad('a numpy array without data (no BUILD state)');
    const items = s instanceof PyTuple ? s.items : [];
    // (1, shape, dtype, is_fortran, raw) — or, from old numpy, without the leading version.
    const [shape, dtype, fortran, raw] = items.length === 5 && items[0] === 1 ? items.slice(1) : items.length === 4 ? items : [];
    if (!(shape instanceof PyTuple) || shape.items.length > MAX_NDARRAY_RANK || !shape.items.every(isCount)) return bad('a numpy array with a malformed state (shape)');
    const dims = shape.items as number[];
    if (!(dtype instanceof NumpyDType)) return bad('a numpy array with a malformed state (dtype)');
    const code = dtype.code.slice(0, 20);
    const item = Object.hasOwn(ITEM_BYTES, code) ? ITEM_BYTES[code]! : bad(`a numpy array of dtype ${JSON.stringify(code)}; only float16, float32 and float64 are supported`, 'CHECKPOINT_UNSUPPORTED');
    if (dtype.byteOrder === '>') return bad(`a big-endian numpy array (>${code}); only little-endian ones are supported`, 'CHECKPOINT_UNSUPPORTED');
    if (dtype.byteOrder !== '<') return bad(`a numpy array whose dtype has no byte order ('<' expected, got ${JSON.stringify(String(dtype.byteOrder).slice(0, 20))})`);
    if (typeof fortran !== 'boolean' && fortran !== 0 && fortran !== 1) return bad('a numpy array with a malformed state (is_fortran)');
    if (!(raw instanceof Uint8Array)) return bad('a numpy array whose data is not raw bytes (an object array?)');
    const n = sizeOf(dims);
    if (!Number.isSafeInteger(n) || raw.length !== n * item) return bad(`a numpy array of shape [${dims.join(', ')}] (${code}) needs ${n * item} bytes of data but has ${raw.length}`);
    try {
      budget.take(4 * n);
    } catch (e) {
      if (e instanceof UnpickleError) bad(e.message.replace(/^[^:]*: /, ''));
      throw e;
    }
    this.decoded = tensor('float32', dims, readFloats(raw, item, dims, !!fortran));
    return this.decoded;
  }
}

/** Little-endian floats of `item` bytes → float32, reordered from Fortran to C order when asked. */
function readFloats(raw: Uint8Array, item: number, dims: readonly number[], fortran: boolean): Float32Array {
  const n = sizeOf(dims);
  const v = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
  const read = item === 4 ? (i: number) => v.getFloat32(4 * i, true) : item === 8 ? (i: number) => v.getFloat64(8 * i, true) : (i: number) => f16ToF32(v.getUint16(2 * i, true));
  const out = new Float32Array(n);
  if (!fortran || dims.length < 2) {
    for (let i = 0; i < n; i++) out[i] = read(i);
    return out;
  }
  // Walk the C-order index; in Fortran order axis a has stride d0·…·d(a−1).
  const fstride = dims.map((_, a) => sizeOf(dims.slice(0, a)));
  const idx = new Array<number>(dims.length).fill(0);
  let src = 0;
  for (let k = 0; k < n; k++) {
    out[k] = read(src);
    for (let a = dims.length - 1; a >= 0; a--) {
      src += fstride[a]!;
      if (++idx[a]! < dims[a]!) break;
      src -= idx[a]! * fstride[a]!;
      idx[a] = 0;
    }
  }
  return out;
}

/** `numpy.ndarray`: only ever an argument of `_reconstruct`. */
export const NDARRAY: GlobalHandler = () => {
  throw new UnpickleError('PICKLE_STRUCTURE', 'numpy.ndarray cannot be called');
};

/** `numpy.core.multiarray._reconstruct(numpy.ndarray, (0,), b'b')` → an empty array awaiting BUILD. */
export const reconstructArray: GlobalHandler = ([subtype, shape, code]) => {
  const empty = shape instanceof PyTuple && shape.items.length === 1 && shape.items[0] === 0;
  const b = code instanceof Uint8Array ? code.length === 1 && code[0] === 0x62 : code === 'b';
  if (subtype !== NDARRAY || !empty || !b) throw new UnpickleError('PICKLE_STRUCTURE', 'numpy _reconstruct expects (numpy.ndarray, (0,), b"b")');
  return new NdArray();
};
