/**
 * Reading any supported checkpoint into a stylegraph model: NVIDIA network pickles (PyTorch, or
 * original TensorFlow StyleGAN2 / StyleGAN2-ADA ones — those referring to dnnlib.tflib), and state
 * dicts with NVIDIA names saved by `torch.save` (zip format) or as safetensors. State-dict
 * keys may be unprefixed (a generator) or prefixed `G_ema.` / `G.` and `D.`.
 */
import { ZipError, readStoredZip as readZip, type Tensor } from '@stylegraph/core';
import type { LoadedModel } from '../model/load.js';
import { readSafetensors } from '../model/safetensors.js';
import { CheckpointError } from './errors.js';
import { assembleModel, inferConfig, modelName, readNvidiaPickle, type InferOptions } from './nvidia-pkl.js';
import { PyDict, PyTuple, UnpickleError, shownName, unpickle, type PyValue } from './pickle.js';
import { refersToTfNetwork, readTfPickle } from './tf-pkl.js';
import { Storage, TensorBudget, isCount, rebuildTensor, storageTypeGlobal, storageTypeOf } from './torch-storage.js';

/** A key from the file as a string: primitives as String() gives them, anything else by kind (no recursion). */
const nameOf = (k: unknown): string => (k === null || (typeof k !== 'object' && typeof k !== 'function') ? String(k) : '[object]');

/** A `torch.save` zip archive holding a dict of tensors. */
function readTorchZip(bytes: Uint8Array, file: string): Map<string, Tensor> {
  let entries: Map<string, Uint8Array>;
  try {
    entries = readZip(bytes, file);
  } catch (e) {
    if (e instanceof ZipError) throw new CheckpointError('CHECKPOINT_FORMAT', e.message);
    throw e;
  }
  const pkl = [...entries.keys()].find((k) => k.endsWith('/data.pkl') || k === 'data.pkl');
  if (!pkl) throw new CheckpointError('CHECKPOINT_FORMAT', `${file}: a zip archive without data.pkl is not a torch.save checkpoint`);
  const root = pkl.slice(0, -'data.pkl'.length);
  const storages = new Map<string, Storage>();
  const budget = new TensorBudget(file, bytes.length);
  const findGlobal = (module: string, name: string) => {
    const key = `${module}.${name}`;
    if (key === 'collections.OrderedDict' || key === 'builtins.dict') return () => new PyDict();
    if (key === 'torch._utils._rebuild_tensor_v2') return (args: PyValue[]) => rebuildTensor(args, file, budget);
    if (key === 'torch._utils._rebuild_parameter') return ([data]: PyValue[]) => data ?? null;
    return storageTypeGlobal(module, name);
  };
  let top: PyValue;
  try {
    top = unpickle(entries.get(pkl)!, {
      file,
      findGlobal,
      persistentLoad: (pid) => {
        const items = pid instanceof PyTuple ? pid.items : [];
        const [tag, type, key, , numel] = items;
        const st = storageTypeOf(type);
        if (tag !== 'storage' || !st || !isCount(numel) || (typeof key !== 'string' && typeof key !== 'number')) {
          throw new UnpickleError('PICKLE_STRUCTURE', `${file}: unexpected persistent id`);
        }
        const k = String(key);
        let s = storages.get(k);
        if (!s) {
          s = new Storage(st[0], st[1], numel);
          const data = entries.get(`${root}data/${k}`);
          if (!data || data.length < numel * st[1]) throw new UnpickleError('PICKLE_TRUNCATED', `${file}: storage ${shownName(k)} is missing or shorter than ${numel} elements`);
          // A view of the archive, not a copy: zip entries may overlap, and copying each would multiply the file.
          s.bytes = data.subarray(0, numel * st[1]);
          storages.set(k, s);
        }
        return s;
      },
    }).value;
  } catch (e) {
    if (e instanceof UnpickleError) throw new CheckpointError(e.code === 'PICKLE_GLOBAL_REFUSED' ? 'CHECKPOINT_UNSUPPORTED' : 'CHECKPOINT_FORMAT', e.message);
    throw e;
  }
  if (!(top instanceof PyDict)) throw new CheckpointError('CHECKPOINT_STRUCTURE', `${file}: expected a state dict (name → tensor)`);
  const out = new Map<string, Tensor>();
  for (const [k, v] of top.map) {
    if (!v || typeof v !== 'object' || !('dims' in v)) throw new CheckpointError('CHECKPOINT_STRUCTURE', `${file}: entry ${shownName(nameOf(k))} is not a tensor`);
    out.set(nameOf(k), v as Tensor);
  }
  return out;
}

/** Splits `G_ema.` / `G.` / `D.` prefixed keys; unprefixed keys are the generator's. */
function split(sd: Map<string, Tensor>): { g: Map<string, Tensor>; d?: Map<string, Tensor> } {
  const pick = (prefix: string) => new Map([...sd].filter(([k]) => k.startsWith(prefix)).map(([k, v]) => [k.slice(prefix.length), v]));
  const hasEma = [...sd.keys()].some((k) => k.startsWith('G_ema.'));
  const hasG = [...sd.keys()].some((k) => k.startsWith('G.'));
  const hasD = [...sd.keys()].some((k) => k.startsWith('D.'));
  if (!hasEma && !hasG) return { g: sd };
  const g = pick(hasEma ? 'G_ema.' : 'G.');
  return hasD ? { g, d: pick('D.') } : { g };
}

/** Reads a .pkl (PyTorch or TensorFlow), torch.save (zip) or safetensors checkpoint. */
export async function readCheckpoint(bytes: Uint8Array, file: string, opts: InferOptions = {}): Promise<LoadedModel> {
  const isSafetensors = bytes.length > 9 && bytes[8] === 0x7b && new DataView(bytes.buffer, bytes.byteOffset).getBigUint64(0, true) < BigInt(bytes.length);
  if (!isSafetensors && bytes[0] === 0x80) return refersToTfNetwork(bytes) ? readTfPickle(bytes, file) : readNvidiaPickle(bytes, file);
  let sd: Map<string, Tensor>;
  if (bytes[0] === 0x50 && bytes[1] === 0x4b && bytes[2] === 0x03 && bytes[3] === 0x04) sd = readTorchZip(bytes, file);
  else if (isSafetensors) sd = readSafetensors(bytes, file).tensors;
  else {
    throw new CheckpointError(
      'CHECKPOINT_FORMAT',
      `${file}: not a checkpoint stylegraph reads (expected a network pickle, a torch.save zip archive or safetensors)`,
    );
  }
  const { g, d } = split(sd);
  const config = inferConfig(modelName(file), undefined, g, undefined, d, opts);
  return assembleModel(file, config, g, d, bytes);
}
