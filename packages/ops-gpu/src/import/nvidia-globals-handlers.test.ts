/**
 * What each allowed global of a network pickle builds, through hand-written pickles as NVIDIA's
 * training code writes them: persistent classes, dicts, sets, numpy scalars, codecs.encode.
 */
import { describe, expect, it } from 'vitest';
import { PersistentObject, explainRefusal, nvidiaGlobals } from './nvidia-globals.js';
import { PyDict, UnpickleError, unpickle, type PyValue } from './pickle.js';
import { OP, PickleWriter } from '../testing/pickle-writer.js';

const load = (p: PickleWriter) => unpickle(p.stop(), { file: 'n.pkl', findGlobal: nvidiaGlobals('n.pkl'), refuse: explainRefusal }).value;
const w = () => new PickleWriter(2);
const fails = (p: PickleWriter) => {
  try {
    load(p);
  } catch (e) {
    expect(e).toBeInstanceOf(UnpickleError);
    return { code: (e as UnpickleError).code, message: (e as Error).message };
  }
  throw new Error('loaded');
};

/** numpy.core.multiarray.scalar(numpy.dtype(code, False, True) + BUILD state, raw bytes). */
const npScalar = (code: string, raw: number[], module = 'numpy.core.multiarray') =>
  w().call(module, 'scalar', (a) => {
    a.call('numpy', 'dtype', (d) => void d.str(code).bool(false).bool(true));
    a.tuple((s) => void s.int(3).str('<').none().none().none().int(-1).int(-1).int(0)).op(OP.BUILD);
    a.bytes(Uint8Array.from(raw));
  });

const le = (n: number, set: (v: DataView) => void) => {
  const b = new Uint8Array(n);
  set(new DataView(b.buffer));
  return Array.from(b);
};

describe('network pickle globals', () => {
  it('turns persistent classes into PersistentObjects with their state, ignoring the module source', () => {
    const obj = load(
      w().call('torch_utils.persistence', '_reconstruct_persistent_obj', (a) =>
        a.dict((m) => {
          m.str('type').str('class').str('version').int(6).str('module_src').str('import os; os.system("id")').str('class_name').str('training.networks.Generator');
          m.str('state').dict((s) => void s.str('z_dim').int(512));
        }),
      ),
    );
    expect(obj).toBeInstanceOf(PersistentObject);
    expect((obj as PersistentObject).className).toBe('training.networks.Generator');
    expect((obj as PersistentObject).state.get('z_dim')).toBe(512);
    // No state dict: an empty one.
    const bare = load(w().call('torch_utils.persistence', '_reconstruct_persistent_obj', (a) => a.dict((m) => void m.str('type').str('class').str('class_name').str('C').str('state').none())));
    expect((bare as PersistentObject).state).toBeInstanceOf(PyDict);
    expect((bare as PersistentObject).state.map.size).toBe(0);
  });

  it.each([
    ['a persistent function', (m: PickleWriter) => void m.str('type').str('function').str('class_name').str('f')],
    ['no class name', (m: PickleWriter) => void m.str('type').str('class')],
    ['a class name that is no string', (m: PickleWriter) => void m.str('type').str('class').str('class_name').int(1)],
  ])('refuses %s', (_what, meta) => {
    expect(fails(w().call('torch_utils.persistence', '_reconstruct_persistent_obj', (a) => a.dict(meta)))).toEqual({
      code: 'PICKLE_STRUCTURE',
      message: expect.stringContaining('n.pkl: unsupported persistent object (only persistent classes are)'),
    });
    expect(fails(w().call('torch_utils.persistence', '_reconstruct_persistent_obj', (a) => a.str('class'))).code).toBe('PICKLE_STRUCTURE');
  });

  it('builds a fresh dict for each dict-like class', () => {
    for (const [m, n] of [
      ['collections', 'OrderedDict'],
      ['builtins', 'dict'],
      ['dnnlib', 'EasyDict'],
      ['dnnlib.util', 'EasyDict'],
    ] as const) {
      const v = load(w().list((l) => void l.call(m, n, () => {}).call(m, n, () => {})));
      const [a, b] = v as PyDict[];
      expect(a).toBeInstanceOf(PyDict);
      expect(b).toBeInstanceOf(PyDict);
      expect(a).not.toBe(b);
      // And state merges into it.
      expect(Object.fromEntries((load(w().call(m, n, () => {}).dict((d) => void d.str('k').int(1)).op(OP.BUILD)) as PyDict).map)).toEqual({ k: 1 });
    }
  });

  it('builds sets and frozensets from their item lists (Python 3 and 2 names)', () => {
    for (const [m, n] of [
      ['builtins', 'set'],
      ['builtins', 'frozenset'],
      ['__builtin__', 'set'],
      ['__builtin__', 'frozenset'],
    ] as const) {
      expect(load(w().call(m, n, (a) => a.list((l) => void l.str('a').str('b')))), `${m}.${n}`).toEqual(['a', 'b']);
      expect(load(w().call(m, n, () => {})), `${m}.${n}()`).toEqual([]);
      expect(load(w().call(m, n, (a) => a.str('ab'))), `${m}.${n}('ab')`).toEqual([]);
    }
  });

  it('copyreg._reconstructor calls a known class with no arguments, or builds a dict', () => {
    for (const m of ['copyreg', 'copy_reg']) {
      // (builtins.object, the usual second argument, is not on the allow-list.)
      const d = load(w().call(m, '_reconstructor', (a) => a.global('collections', 'OrderedDict').none().none()));
      expect(d).toBeInstanceOf(PyDict);
      const set = load(w().call(m, '_reconstructor', (a) => a.global('builtins', 'set').none().none()));
      expect(set).toEqual([]);
      expect(load(w().call(m, '_reconstructor', (a) => a.str('cls').none().none()))).toBeInstanceOf(PyDict);
    }
  });

  it('_codecs.encode turns latin-1 text into bytes (protocol-2 bytes objects)', () => {
    const v = load(w().call('_codecs', 'encode', (a) => a.str('\u0000A\u00ff\u0100').str('latin1')));
    expect(v).toBeInstanceOf(Uint8Array);
    expect(Array.from(v as Uint8Array)).toEqual([0, 65, 255, 0]);
  });

  it('_rebuild_parameter returns its tensor, torch.device its name', () => {
    const t = { dims: [1], data: new Float32Array(1) };
    const find = nvidiaGlobals('n.pkl');
    expect(find('torch._utils', '_rebuild_parameter')!([t, true, new PyDict()])).toBe(t);
    expect(load(w().call('torch', 'device', (a) => a.str('cuda')))).toBe('cuda');
    expect(fails(w().call('torch', 'device', (a) => a.int(0)))).toEqual({ code: 'PICKLE_STRUCTURE', message: expect.stringContaining('n.pkl: torch.device expects a string') });
  });

  it('torch.storage._load_from_bytes wants bytes', () => {
    expect(fails(w().call('torch.storage', '_load_from_bytes', (a) => a.str('no')))).toEqual({ code: 'PICKLE_STRUCTURE', message: expect.stringContaining('n.pkl: storage bytes expected') });
  });

  it('reads numpy scalars of each supported dtype, under both module names', () => {
    for (const module of ['numpy.core.multiarray', 'numpy._core.multiarray']) {
      expect(load(npScalar('f8', le(8, (v) => v.setFloat64(0, 0.1, true)), module))).toBe(0.1);
      expect(load(npScalar('f4', le(4, (v) => v.setFloat32(0, 0.5, true)), module))).toBe(0.5);
      expect(load(npScalar('i8', le(8, (v) => v.setBigInt64(0, -5n, true)), module))).toBe(-5);
      expect(load(npScalar('i4', le(4, (v) => v.setInt32(0, -70000, true)), module))).toBe(-70000);
      expect(load(npScalar('u1', [200], module))).toBe(200);
      expect(load(npScalar('b1', [1], module))).toBe(true);
      expect(load(npScalar('b1', [0], module))).toBe(false);
    }
    // Little-endian, at the bytes' own offset.
    expect(load(npScalar('i4', [1, 0, 0, 0]))).toBe(1);
    expect(load(npScalar('f8', le(8, (v) => v.setFloat64(0, 1e300, true))))).toBe(1e300);
  });

  it('refuses numpy scalars of other dtypes, and malformed ones', () => {
    expect(fails(npScalar('c16', new Array(16).fill(0)))).toEqual({ code: 'PICKLE_STRUCTURE', message: expect.stringContaining('numpy scalars of dtype "c16" are not supported') });
    expect(fails(w().call('numpy.core.multiarray', 'scalar', (a) => a.str('f8').bytes(new Uint8Array(8))))).toEqual({ code: 'PICKLE_STRUCTURE', message: expect.stringContaining('malformed numpy scalar') });
    expect(fails(w().call('numpy.core.multiarray', 'scalar', (a) => a.call('numpy', 'dtype', (d) => void d.str('f8')).str('x'))).message).toContain('malformed numpy scalar');
    // Fewer bytes than the dtype needs.
    expect(fails(npScalar('f8', [0, 0, 0, 0]))).toEqual({ code: 'PICKLE_STRUCTURE', message: expect.stringContaining('a numpy f8 scalar of 4 bytes') });
    expect(fails(npScalar('i4', [0, 0, 0])).message).toContain('a numpy i4 scalar of 3 bytes');
    expect(fails(npScalar('u1', [])).message).toContain('a numpy u1 scalar of 0 bytes');
  });

  it('numpy.dtype keeps its code and takes BUILD state', () => {
    const find = nvidiaGlobals('n.pkl');
    const dt = find('numpy', 'dtype')!(['f4', false, true]) as { code: string; setState(s: PyValue): void };
    expect(dt.code).toBe('f4');
    expect(() => dt.setState(null)).not.toThrow();
  });
});

describe('network pickle globals: arguments', () => {
  it('reads int64 numpy scalars beyond 32 bits', () => {
    expect(load(npScalar('i8', le(8, (v) => v.setBigInt64(0, 2n ** 40n + 3n, true))))).toBe(2 ** 40 + 3);
  });

  it('cuts long dtype codes in messages', () => {
    expect(fails(npScalar('x'.repeat(30), [0])).message).toContain(`numpy scalars of dtype "${'x'.repeat(20)}" are not supported`);
  });

  it('copyreg._reconstructor calls the class with no arguments', () => {
    expect(fails(w().call('copyreg', '_reconstructor', (a) => a.global('torch', 'device').none().none())).message).toContain('n.pkl: torch.device expects a string');
    expect(fails(w().call('copy_reg', '_reconstructor', (a) => a.global('_codecs', 'encode').none().none())).message).toContain('n.pkl: _codecs.encode expects a string');
  });

  it('names the file when a string argument is not a string', () => {
    expect(fails(w().call('_codecs', 'encode', (a) => a.int(1).str('latin1')))).toEqual({ code: 'PICKLE_STRUCTURE', message: expect.stringContaining('n.pkl: _codecs.encode expects a string') });
    expect(fails(w().call('numpy', 'dtype', (a) => a.int(8)))).toEqual({ code: 'PICKLE_STRUCTURE', message: expect.stringContaining('n.pkl: numpy.dtype expects a string') });
  });
});
