/**
 * The globals NVIDIA's StyleGAN2-ADA network pickles use, each implemented here without
 * executing anything from the file. Every other global is refused by name.
 */
import type { Tensor } from '@stylegraph/core';
import { PyDict, UnpickleError, type GlobalHandler, type PyValue } from './pickle.js';
import { loadLegacyStorage, rebuildTensor } from './torch-storage.js';

/** A `torch_utils.persistence` object: its class name and its state (the module's __dict__). */
export class PersistentObject {
  constructor(
    readonly className: string,
    readonly state: PyDict,
  ) {}
}

class NumpyDType {
  constructor(readonly code: string) {}
  setState(): void {}
}

function numpyScalar(args: PyValue[]): PyValue {
  const [dtype, data] = args;
  if (!(dtype instanceof NumpyDType) || !(data instanceof Uint8Array)) throw new UnpickleError('PICKLE_STRUCTURE', 'malformed numpy scalar');
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
      throw new UnpickleError('PICKLE_STRUCTURE', `numpy scalars of dtype ${dtype.code} are not supported`);
  }
}

const dict = (): PyDict => new PyDict();

export function nvidiaGlobals(file: string): (module: string, name: string) => GlobalHandler | undefined {
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
    '_codecs.encode': ([s]) => Uint8Array.from(String(s), (ch) => ch.charCodeAt(0) & 0xff),
    'torch._utils._rebuild_tensor_v2': (args) => rebuildTensor(args, file),
    'torch._utils._rebuild_parameter': ([data]) => data as Tensor,
    'torch.storage._load_from_bytes': ([b]) => {
      if (!(b instanceof Uint8Array)) throw new UnpickleError('PICKLE_STRUCTURE', `${file}: storage bytes expected`);
      return loadLegacyStorage(b, file);
    },
    'torch.device': ([d]) => String(d),
    'numpy.dtype': ([code]) => new NumpyDType(String(code)),
    'numpy.core.multiarray.scalar': numpyScalar,
    'numpy._core.multiarray.scalar': numpyScalar,
  };
  return (module, name) => table[`${module}.${name}`];
}

/** Why a refused global is refused, when there is more to say than its name. */
export function explainRefusal(module: string, name: string): string | undefined {
  if (module.startsWith('dnnlib.tflib')) {
    return `this is an original TensorFlow StyleGAN/StyleGAN2 pickle (it refers to ${module}.${name}); stylegraph reads the PyTorch stylegan2-ada pickles — convert it first with NVIDIA's stylegan2-ada-pytorch legacy.py`;
  }
  return undefined;
}

