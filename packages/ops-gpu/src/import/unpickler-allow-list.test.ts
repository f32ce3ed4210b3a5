/**
 * The restricted unpickler's allow-list is a security boundary: it is pinned here name by name,
 * and pickles that reach for anything else (getattr, eval, os.system, subprocess …) are refused
 * with an error naming the global, before anything is called.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { explainRefusal, nvidiaGlobals } from './nvidia-globals.js';
import { UnpickleError, unpickle } from './pickle.js';
import { storageTypeGlobal } from './torch-storage.js';
import { CheckpointError, readNvidiaPickle } from './nvidia-pkl.js';
import { readCheckpoint } from './checkpoint.js';
import { OP, PickleWriter, storedZip } from '../testing/pickle-writer.js';

/** Every global an NVIDIA network pickle may name — and nothing else. */
const ALLOWED = [
  '__builtin__.frozenset',
  '__builtin__.set',
  '_codecs.encode',
  'builtins.dict',
  'builtins.frozenset',
  'builtins.set',
  'collections.OrderedDict',
  'copy_reg._reconstructor',
  'copyreg._reconstructor',
  'dnnlib.EasyDict',
  'dnnlib.util.EasyDict',
  'numpy._core.multiarray._reconstruct',
  'numpy._core.multiarray.scalar',
  'numpy.core.multiarray._reconstruct',
  'numpy.core.multiarray.scalar',
  'numpy.dtype',
  'numpy.ndarray',
  'torch._utils._rebuild_parameter',
  'torch._utils._rebuild_tensor_v2',
  'torch.device',
  'torch.storage._load_from_bytes',
  'torch_utils.persistence._reconstruct_persistent_obj',
];

const STORAGES = ['BFloat16Storage', 'BoolStorage', 'ByteStorage', 'CharStorage', 'DoubleStorage', 'FloatStorage', 'HalfStorage', 'IntStorage', 'LongStorage', 'ShortStorage'];

const split = (q: string): [string, string] => {
  const i = q.lastIndexOf('.');
  return [q.slice(0, i), q.slice(i + 1)];
};

// Modules and names a malicious pickle would use, plus near misses of the allowed ones.
const MODULES = [
  'builtins', '__builtin__', 'os', 'posix', 'nt', 'subprocess', 'sys', 'importlib', 'pickle', '_pickle', 'shutil', 'socket', 'runpy', 'code',
  'codecs', '_codecs', 'functools', 'operator', 'types', 'ctypes', 'pty', 'webbrowser', 'torch', 'torch._utils', 'torch.storage', 'torch.serialization',
  'numpy', 'numpy.core.multiarray', 'numpy.lib.npyio', 'collections', 'copyreg', 'copy_reg', 'dnnlib', 'dnnlib.util', 'torch_utils', 'torch_utils.persistence',
  'dnnlib.tflib.network',
];
const NAMES = [
  'getattr', 'setattr', 'delattr', 'eval', 'exec', 'execfile', 'compile', 'open', 'file', '__import__', 'apply', 'input', 'globals', 'locals', 'vars',
  'type', 'object', 'breakpoint', 'memoryview', 'bytearray', 'list', 'tuple', 'str', 'print', 'help', 'exit', 'quit', 'system', 'popen', 'Popen', 'call',
  'check_call', 'check_output', 'run', 'spawnl', 'execv', 'execve', 'fork', 'remove', 'unlink', 'rmtree', 'load', 'loads', 'import_module', 'attrgetter',
  'itemgetter', 'methodcaller', 'partial', 'reduce', 'FunctionType', 'CodeType', 'CDLL', 'spawn', 'connect', 'run_path', 'run_module', 'interact',
  'decode', 'lookup', 'encode', 'OrderedDict', 'defaultdict', 'namedtuple', 'dict', 'set', 'frozenset', 'EasyDict', '_reconstructor', '_reconstruct',
  '_reconstruct_persistent_obj', '_rebuild_tensor', '_rebuild_tensor_v2', '_rebuild_parameter', '_rebuild_from_type_v2', '_load_from_bytes', 'device',
  'dtype', 'scalar', 'ndarray', '_reconstruct_persistent_obj_v2', 'FloatStorage', 'UntypedStorage', 'Tensor', 'persistent_class',
];

const refusedBy = (bytes: Uint8Array, findGlobal = nvidiaGlobals('x.pkl')) => {
  try {
    unpickle(bytes, { file: 'x.pkl', findGlobal, refuse: explainRefusal });
  } catch (e) {
    expect(e).toBeInstanceOf(UnpickleError);
    return e as UnpickleError;
  }
  throw new Error('unpickled without refusal');
};

describe('the unpickler allow-list', () => {
  it('allows exactly the listed globals of network pickles (in the source table too)', () => {
    const find = nvidiaGlobals('x.pkl');
    for (const q of ALLOWED) expect(typeof find(...split(q)), q).toBe('function');
    const probed = new Set<string>();
    for (const m of MODULES) for (const n of NAMES) probed.add(`${m}.${n}`);
    for (const q of ALLOWED) probed.add(`${q}_`).add(`${q.toUpperCase()}`).add(`x${q}`);
    const allowed = [...probed].filter((q) => find(...split(q)) !== undefined).sort();
    expect(allowed).toEqual(ALLOWED.filter((q) => probed.has(q)).sort());
    // The same table, read from the source: a new entry there fails here until it is listed above.
    const src = readFileSync(fileURLToPath(new URL('./nvidia-globals.ts', import.meta.url)), 'utf8');
    const table = src.slice(src.indexOf('const table'), src.indexOf('return (module, name) =>'));
    const keys = [...table.matchAll(/^\s*'([\w.]+)':/gm)].map((m) => m[1]).sort();
    expect(keys).toEqual([...ALLOWED].sort());
  });

  it('resolves module and name as given, with no fallback by name alone', () => {
    const find = nvidiaGlobals('x.pkl');
    expect(find('builtins', 'getattr')).toBeUndefined();
    expect(find('collections', 'OrderedDict')).toBeDefined();
    expect(find('collections.OrderedDict', '')).toBeUndefined();
    expect(find('', 'collections.OrderedDict')).toBeUndefined();
    expect(find('builtins', 'constructor')).toBeUndefined();
    expect(find('builtins', '__proto__')).toBeUndefined();
    expect(find('builtins', 'toString')).toBeUndefined();
  });

  it('allows the storage classes of torch.save, and only them, from module torch', () => {
    for (const n of STORAGES) expect(typeof storageTypeGlobal('torch', n), n).toBe('function');
    expect(NAMES.filter((n) => storageTypeGlobal('torch', n) !== undefined)).toEqual(['FloatStorage']);
    expect(NAMES.filter((n) => storageTypeGlobal('builtins', n) !== undefined)).toEqual([]);
    for (const n of STORAGES) expect(storageTypeGlobal('os', n)).toBeUndefined();
    expect(() => storageTypeGlobal('torch', 'FloatStorage')!([])).toThrow('torch.FloatStorage cannot be called');
  });

  // Names of Object.prototype's members must not pass the storage-type lookup.
  it('refuses torch.constructor / torch.toString / torch.__proto__ as storage types', () => {
    for (const n of ['constructor', 'toString', '__proto__', 'hasOwnProperty']) expect(storageTypeGlobal('torch', n), n).toBeUndefined();
  });

  it.each([
    ['builtins', 'getattr'],
    ['os', 'system'],
    ['posix', 'system'],
    ['builtins', 'eval'],
    ['builtins', 'exec'],
    ['__builtin__', 'eval'],
    ['subprocess', 'Popen'],
    ['subprocess', 'check_output'],
    ['importlib', 'import_module'],
  ])('refuses a pickle that calls %s.%s, naming it, before calling anything', (module, name) => {
    let called = false;
    const find = nvidiaGlobals('x.pkl');
    // GLOBAL (protocol 2) and STACK_GLOBAL (protocol 4) both go through the allow-list.
    const viaGlobal = new PickleWriter(2).call(module, name, (w) => w.str('touch /tmp/stylegraph-pwned')).stop();
    const viaStack = new PickleWriter(4).stackGlobal(module, name).tuple((w) => w.str('id')).op(OP.REDUCE).stop();
    for (const bytes of [viaGlobal, viaStack]) {
      const e = refusedBy(bytes, (m, n) => {
        const h = find(m, n);
        return h && ((args) => ((called = true), h(args)));
      });
      expect(e.code).toBe('PICKLE_GLOBAL_REFUSED');
      expect(e.message).toContain(`refusing to load global ${module}.${name}`);
      expect(e.message).toMatch(/^x\.pkl: /);
    }
    expect(called).toBe(false);
  });

  it('refuses builtins.getattr nested inside an allowed call, as a network pickle would hide it', async () => {
    // {'G_ema': getattr(dict(), 'update')}
    const bytes = new PickleWriter(2)
      .dict((w) => w.str('G_ema').call('builtins', 'getattr', (a) => a.call('builtins', 'dict', () => {}).str('update')))
      .stop();
    const err = await readNvidiaPickle(bytes, 'net.pkl').then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(CheckpointError);
    expect(err).toMatchObject({ code: 'CHECKPOINT_UNSUPPORTED', message: expect.stringContaining('refusing to load global builtins.getattr') });
    // readCheckpoint sends pickles the same way.
    await expect(readCheckpoint(bytes, 'net.pkl')).rejects.toMatchObject({ code: 'CHECKPOINT_UNSUPPORTED', message: expect.stringContaining('net.pkl: refusing to load global builtins.getattr') });
  });

  it('refuses os.system in a torch.save zip too: its table is smaller still', async () => {
    const pkl = new PickleWriter(2).dict((w) => w.str('w').call('os', 'system', (a) => a.str('id'))).stop();
    await expect(readCheckpoint(storedZip({ 'archive/data.pkl': pkl }), 'sd.pt')).rejects.toMatchObject({
      code: 'CHECKPOINT_UNSUPPORTED',
      message: expect.stringContaining('sd.pt: refusing to load global os.system'),
    });
    // Globals a network pickle may use but a state dict has no need of are refused there.
    for (const q of ['torch.storage._load_from_bytes', 'copyreg._reconstructor', 'numpy.dtype', 'torch_utils.persistence._reconstruct_persistent_obj']) {
      const [m, n] = split(q);
      const p = new PickleWriter(2).dict((w) => w.str('w').call(m, n, () => {})).stop();
      await expect(readCheckpoint(storedZip({ 'archive/data.pkl': p }), 'sd.pt'), q).rejects.toMatchObject({ code: 'CHECKPOINT_UNSUPPORTED', message: expect.stringContaining(`refusing to load global ${q}`) });
    }
  });

  it('explains TensorFlow globals (read by the TensorFlow reader, not this table) and nothing else', () => {
    expect(explainRefusal('dnnlib.tflib.network', 'Network')).toBe(
      'this is an original TensorFlow StyleGAN/StyleGAN2 pickle (it refers to dnnlib.tflib.network.Network), not a PyTorch one; import it with readCheckpoint, which reads TensorFlow StyleGAN2 and StyleGAN2-ADA pickles',
    );
    expect(explainRefusal('dnnlib.tflib', 'x')).toContain('TensorFlow');
    expect(explainRefusal('dnnlib', 'tflib')).toBeUndefined();
    expect(explainRefusal('os', 'system')).toBeUndefined();
    expect(explainRefusal('x.dnnlib.tflib', 'y')).toBeUndefined();
    const e = refusedBy(new PickleWriter(2).global('dnnlib.tflib.network', 'Network').stop());
    expect(e.message).toBe(`x.pkl: ${explainRefusal('dnnlib.tflib.network', 'Network')} (at byte 32)`);
  });
});
