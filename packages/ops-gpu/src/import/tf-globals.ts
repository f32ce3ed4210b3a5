/**
 * The globals original TensorFlow StyleGAN2 / StyleGAN2-ADA pickles use — the network class
 * `dnnlib.tflib.network.Network` (pickled as NEWOBJ + BUILD of its `__getstate__` dict), numpy
 * arrays and scalars, dicts — each implemented here as data, without executing anything from
 * the file (the Python source a Network carries is never run). Every other global is refused.
 */
import { NDARRAY, reconstructArray } from './numpy-array.js';
import { nvidiaGlobals } from './nvidia-globals.js';
import { UnpickleError, type GlobalHandler, type PyValue } from './pickle.js';

/** A `dnnlib.tflib.network.Network` before and after BUILD: its pickled state, unchecked. */
export class TfNetwork {
  state?: PyValue;

  setState(state: PyValue): void {
    if (this.state !== undefined) throw new UnpickleError('PICKLE_STRUCTURE', 'a TensorFlow Network is given its state twice (BUILD)');
    this.state = state;
  }
}

/** Globals shared with the PyTorch pickles' table (same handlers, same bounds). */
const SHARED = [
  '_codecs.encode',
  'builtins.dict',
  'collections.OrderedDict',
  'dnnlib.EasyDict',
  'dnnlib.util.EasyDict',
  'numpy.dtype',
  'numpy.core.multiarray.scalar',
  'numpy._core.multiarray.scalar',
];

/** The globals of one TensorFlow pickle; `fileBytes` (its size) bounds what they allocate. */
export function tfGlobals(file: string, fileBytes = 0): (module: string, name: string) => GlobalHandler | undefined {
  const shared = nvidiaGlobals(file, fileBytes);
  const table: Record<string, GlobalHandler> = {
    'dnnlib.tflib.network.Network': (args) => {
      if (args.length > 0) throw new UnpickleError('PICKLE_STRUCTURE', `${file}: dnnlib.tflib.network.Network is created without arguments`);
      return new TfNetwork();
    },
    'numpy.core.multiarray._reconstruct': reconstructArray,
    'numpy._core.multiarray._reconstruct': reconstructArray,
    'numpy.ndarray': NDARRAY,
  };
  for (const q of SHARED) {
    const i = q.lastIndexOf('.');
    table[q] = shared(q.slice(0, i), q.slice(i + 1))!;
  }
  return (module, name) => {
    const key = `${module}.${name}`;
    return Object.hasOwn(table, key) ? table[key] : undefined;
  };
}

/** Why a global is refused in a TensorFlow pickle, when there is more to say than its name. */
export function explainTfRefusal(module: string, name: string): string | undefined {
  if (module.startsWith('dnnlib.tflib')) {
    return `refusing to load global ${module}.${name}: a TensorFlow StyleGAN2 pickle holds dnnlib.tflib.network.Network objects and nothing else of dnnlib.tflib`;
  }
  if ((module === 'numpy.core.numeric' || module === 'numpy._core.numeric') && name === '_frombuffer') {
    return `refusing to load global ${module}.${name}: numpy arrays pickled with protocol 5 are not supported; save the pickle with protocol 4 or lower`;
  }
  return undefined;
}
