/**
 * The globals NVIDIA's StyleGAN2-ADA network pickles use, each implemented here without
 * executing anything from the file. Every other global is refused by name.
 */
import type { Tensor } from '@stylegraph/core';
import { PyDict, PyTuple, UnpickleError, type GlobalHandler, type PyValue } from './pickle.js';
import { TensorBudget, loadLegacyStorage, rebuildTensor, type Storage } from './torch-storage.js';
import { NDARRAY, reconstructArray } from './numpy-array.js';

/** A `torch_utils.persistence` object: its class name and its state (the module's __dict__). */
export class PersistentObject {
  constructor(
    readonly className: string,
    readonly state: PyDict,
  ) {}
}

/** `numpy.dtype(code, align, copy)`; BUILD gives its state `(version, byteorder, …)`. */
export class NumpyDType {
  /** '<', '>', '|' or '=' from the BUILD state; undefined before (or without) one. */
  byteOrder?: string;
  constructor(readonly code: string) {}
  setState(state: PyValue): void {
    const order = state instanceof PyTuple ? state.items[1] : undefined;
    if (typeof order === 'string') this.byteOrder = order;
  }
}

const SCALAR_BYTES: Record<string, number> = { b1: 1, f8: 8, f4: 4, i8: 8, i4: 4, u1: 1 };

function numpyScalar(args: PyValue[]): PyValue {
  const [dtype, data] = args;
  if (!(dtype instanceof NumpyDType) || !(data instanceof Uint8Array)) throw new UnpickleError('PICKLE_STRUCTURE', 'malformed numpy scalar');
  if (Object.hasOwn(SCALAR_BYTES, dtype.code) && data.length < SCALAR_BYTES[dtype.code]!) {
    throw new UnpickleError('PICKLE_STRUCTURE', `a numpy ${dtype.code} scalar of ${data.length} bytes`);
  }
  const v = new DataView(data.buffer, data.byteOffset, data.byteLength);
  switch (dtype.code) {
    case 'b1':
      return data[0] !== 0;
    case 'f8':
      return v.getFloat64(0, true);
    case 'f4':
      return v.getFloat32(0, true);
    case 'i8':
      return Number(v.getBigInt64(0, true));
    case 'i4':
      return v.getInt32(0, true);
    case 'u1':
      return data[0]!;
    default:
      throw new UnpickleError('PICKLE_STRUCTURE', `numpy scalars of dtype ${JSON.stringify(dtype.code.slice(0, 20))} are not supported`);
  }
}

const dict = (): PyDict => new PyDict();

/** A string argument, or a structure error (String() of a hostile nested list would recurse). */
const str = (v: PyValue | undefined, what: string): string => {
  if (typeof v !== 'string') throw new UnpickleError('PICKLE_STRUCTURE', `${what} expects a string`);
  return v;
};

/**
 * The globals of one file. `fileBytes` (the file's size) bounds what they may allocate together:
 * a pickle can call a global any number of times on the same memoized arguments.
 */
export function nvidiaGlobals(file: string, fileBytes = 0): (module: string, name: string) => GlobalHandler | undefined {
  const budget = new TensorBudget(file, fileBytes);
  // Each embedded storage is parsed once, however often the pickle refers to its bytes.
  const storages = new WeakMap<Uint8Array, Storage>();
  const table: Record<string, GlobalHandler> = {
    'torch_utils.persistence._reconstruct_persistent_obj': ([meta]) => {
      if (!(meta instanceof PyDict) || meta.get('type') !== 'class' || typeof meta.get('class_name') !== 'string') {
        throw new UnpickleError('PICKLE_STRUCTURE', `${file}: unsupported persistent object (only persistent classes are)`);
      }
      const state = meta.get('state');
      // The embedded module source (meta.module_src) is deliberately ignored.
      return new PersistentObject(meta.get('class_name') as string, state instanceof PyDict ? state : new PyDict());
    },
    'collections.OrderedDict': dict,
    'builtins.dict': dict,
    'dnnlib.EasyDict': dict,
    'dnnlib.util.EasyDict': dict,
    'builtins.set': ([items]) => (Array.isArray(items) ? items : []),
    'builtins.frozenset': ([items]) => (Array.isArray(items) ? items : []),
    // Protocol-2 pickles name Python 3 builtins by their Python 2 modules.
    '__builtin__.set': ([items]) => (Array.isArray(items) ? items : []),
    '__builtin__.frozenset': ([items]) => (Array.isArray(items) ? items : []),
    'copyreg._reconstructor': ([cls]) => (typeof cls === 'function' ? (cls as GlobalHandler)([]) : dict()),
    'copy_reg._reconstructor': ([cls]) => (typeof cls === 'function' ? (cls as GlobalHandler)([]) : dict()),
    '_codecs.encode': ([s]) => {
      const text = str(s, `${file}: _codecs.encode`);
      budget.take(text.length);
      const out = new Uint8Array(text.length);
      for (let i = 0; i < text.length; i++) out[i] = text.charCodeAt(i) & 0xff;
      return out;
    },
    'torch._utils._rebuild_tensor_v2': (args) => rebuildTensor(args, file, budget),
    'torch._utils._rebuild_parameter': ([data]) => data as Tensor,
    'torch.storage._load_from_bytes': ([b]) => {
      if (!(b instanceof Uint8Array)) throw new UnpickleError('PICKLE_STRUCTURE', `${file}: storage bytes expected`);
      let s = storages.get(b);
      if (!s) storages.set(b, (s = loadLegacyStorage(b, file)));
      return s;
    },
    'torch.device': ([d]) => str(d, `${file}: torch.device`),
    'numpy.dtype': ([code]) => new NumpyDType(str(code, `${file}: numpy.dtype`)),
    'numpy.core.multiarray.scalar': numpyScalar,
    'numpy._core.multiarray.scalar': numpyScalar,
    // numpy arrays, kept as data (StyleGAN3 modules hold sizes as arrays; nothing here reads them as tensors).
    'numpy.core.multiarray._reconstruct': reconstructArray,
    'numpy._core.multiarray._reconstruct': reconstructArray,
    'numpy.ndarray': NDARRAY,
  };
  return (module, name) => table[`${module}.${name}`];
}

/** Why a refused global is refused, when there is more to say than its name. */
export function explainRefusal(module: string, name: string): string | undefined {
  if (module.startsWith('dnnlib.tflib')) {
    return `this is an original TensorFlow StyleGAN/StyleGAN2 pickle (it refers to ${module}.${name}), not a PyTorch one; import it with readCheckpoint, which reads TensorFlow StyleGAN2 and StyleGAN2-ADA pickles`;
  }
  return undefined;
}

