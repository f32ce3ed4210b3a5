/**
 * The TensorFlow pickles' allow-list (pinned name by name, like the PyTorch one) and what its
 * globals build, through hand-written pickles: Networks and numpy arrays as data, in C and
 * Fortran order, little-endian floats only.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { CheckpointError } from './errors.js';
import { NdArray } from './numpy-array.js';
import { UnpickleError, unpickle, type PyDict, type PyTuple, type PyValue } from './pickle.js';
import { TfNetwork, explainTfRefusal, tfGlobals } from './tf-globals.js';
import { TensorBudget } from './torch-storage.js';
import { OP, PickleWriter } from '../testing/pickle-writer.js';

const ALLOWED = [
  '_codecs.encode',
  'builtins.dict',
  'collections.OrderedDict',
  'dnnlib.EasyDict',
  'dnnlib.tflib.network.Network',
  'dnnlib.util.EasyDict',
  'numpy._core.multiarray._reconstruct',
  'numpy._core.multiarray.scalar',
  'numpy.core.multiarray._reconstruct',
  'numpy.core.multiarray.scalar',
  'numpy.dtype',
  'numpy.ndarray',
];

const split = (q: string): [string, string] => {
  const i = q.lastIndexOf('.');
  return [q.slice(0, i), q.slice(i + 1)];
};

const load = (bytes: Uint8Array) => unpickle(bytes, { file: 't.pkl', findGlobal: tfGlobals('t.pkl', bytes.length), refuse: explainTfRefusal }).value;
const fails = (bytes: Uint8Array) => {
  try {
    load(bytes);
  } catch (e) {
    expect(e).toBeInstanceOf(UnpickleError);
    return e as UnpickleError;
  }
  throw new Error('loaded');
};

/** numpy.dtype(code, False, True) with BUILD state (3, order, …), as numpy pickles it. */
const dtype = (w: PickleWriter, code: string, order: string | null = '<') => {
  w.call('numpy', 'dtype', (d) => void d.str(code).bool(false).bool(true));
  if (order !== null) w.tuple((s) => void s.int(3).str(order).none().none().none().int(-1).int(-1).int(0)).op(OP.BUILD);
  return w;
};

interface ArrayOpts {
  dims: number[];
  raw: Uint8Array;
  code?: string;
  order?: string | null;
  fortran?: boolean;
  version?: boolean;
}

/** `_reconstruct(ndarray, (0,), b'b')` + BUILD (1, shape, dtype, is_fortran, raw). */
const ndarray = (w: PickleWriter, o: ArrayOpts, module = 'numpy.core.multiarray') => {
  w.call(module, '_reconstruct', (a) => void a.global('numpy', 'ndarray').tuple((t) => void t.int(0)).bytes(Uint8Array.of(0x62)));
  w.tuple((s) => {
    if (o.version !== false) s.int(1);
    s.tuple((t) => o.dims.forEach((d) => t.int(d)));
    dtype(s, o.code ?? 'f4', o.order === undefined ? '<' : o.order);
    s.bool(o.fortran ?? false);
    s.bytes(o.raw);
  });
  return w.op(OP.BUILD);
};

const f32 = (xs: number[]) => new Uint8Array(Float32Array.from(xs).buffer);
const budget = () => new TensorBudget('t.pkl', 1 << 20);
const decode = (o: ArrayOpts, module?: string) => {
  const a = load(ndarray(new PickleWriter(2), o, module).stop());
  expect(a).toBeInstanceOf(NdArray);
  return (a as NdArray).toTensor('t.pkl: x', budget());
};
const refusal = (o: ArrayOpts) => {
  try {
    decode(o);
  } catch (e) {
    expect(e).toBeInstanceOf(CheckpointError);
    return { code: (e as CheckpointError).code, message: (e as Error).message };
  }
  throw new Error('decoded');
};

describe('the TensorFlow pickles allow-list', () => {
  it('allows exactly the listed globals (in the source table too)', () => {
    const find = tfGlobals('x.pkl');
    for (const q of ALLOWED) expect(typeof find(...split(q)), q).toBe('function');
    const probes = ['builtins.getattr', 'builtins.eval', 'os.system', 'posix.system', 'subprocess.Popen', 'torch._utils._rebuild_tensor_v2',
      'torch.storage._load_from_bytes', 'torch_utils.persistence._reconstruct_persistent_obj', 'copyreg._reconstructor', 'numpy.core.numeric._frombuffer',
      'numpy.frombuffer', 'numpy.memmap', 'numpy.core.multiarray.ndarray', 'dnnlib.tflib.network.constructor', 'dnnlib.tflib.tfutil.run',
      'dnnlib.tflib.network.__proto__', 'builtins.toString', ...ALLOWED.flatMap((q) => [`${q}_`, `x${q}`, q.toUpperCase()])];
    expect(probes.filter((q) => find(...split(q)) !== undefined)).toEqual([]);
    const src = readFileSync(fileURLToPath(new URL('./tf-globals.ts', import.meta.url)), 'utf8');
    const own = [...src.slice(src.indexOf('const table'), src.indexOf('for (const q of SHARED)')).matchAll(/^\s*'([\w.]+)':/gm)].map((m) => m[1]);
    const shared = [...src.slice(src.indexOf('const SHARED'), src.indexOf('];', src.indexOf('const SHARED'))).matchAll(/'([\w.]+)'/g)].map((m) => m[1]);
    expect([...own, ...shared].sort()).toEqual([...ALLOWED].sort());
  });

  it('explains dnnlib.tflib globals other than Network, and protocol-5 numpy arrays', () => {
    expect(fails(new PickleWriter(2).call('dnnlib.tflib.tfutil', 'run', () => {}).stop()).message).toBe(
      't.pkl: refusing to load global dnnlib.tflib.tfutil.run: a TensorFlow StyleGAN2 pickle holds dnnlib.tflib.network.Network objects and nothing else of dnnlib.tflib (at byte 27)',
    );
    expect(explainTfRefusal('numpy.core.numeric', '_frombuffer')).toContain('protocol 5');
    expect(explainTfRefusal('os', 'system')).toBeUndefined();
    const e = fails(new PickleWriter(2).call('os', 'system', (a) => void a.str('touch /tmp/stylegraph-pwned')).stop());
    expect(e).toMatchObject({ code: 'PICKLE_GLOBAL_REFUSED', message: expect.stringContaining('refusing to load global os.system') });
  });
});

describe('TensorFlow Network objects', () => {
  it('are created by NEWOBJ without arguments and keep their BUILD state as data', () => {
    const net = load(new PickleWriter(2).global('dnnlib.tflib.network', 'Network').op(OP.EMPTY_TUPLE, OP.NEWOBJ).dict((d) => void d.str('build_module_src').str('import os; os.system("id")')).op(OP.BUILD).stop());
    expect(net).toBeInstanceOf(TfNetwork);
    expect(((net as TfNetwork).state as PyDict).get('build_module_src')).toBe('import os; os.system("id")');
    expect(fails(new PickleWriter(2).call('dnnlib.tflib.network', 'Network', (a) => void a.int(1)).stop()).message).toContain('created without arguments');
    const twice = new PickleWriter(2).global('dnnlib.tflib.network', 'Network').op(OP.EMPTY_TUPLE, OP.NEWOBJ).dict(() => {}).op(OP.BUILD).dict(() => {}).op(OP.BUILD).stop();
    expect(() => load(twice)).toThrow('given its state twice');
  });
});

describe('numpy arrays', () => {
  it('decode float32/float64/float16 little-endian arrays in C order, under both module names', () => {
    expect(decode({ dims: [2, 3], raw: f32([1, 2, 3, 4, 5, 6]) })).toEqual({ dtype: 'float32', dims: [2, 3], data: Float32Array.of(1, 2, 3, 4, 5, 6) });
    expect(decode({ dims: [2], raw: new Uint8Array(Float64Array.of(0.1, -2).buffer), code: 'f8' }).data).toEqual(Float32Array.of(0.1, -2));
    expect(decode({ dims: [2], raw: Uint8Array.of(0x00, 0x3c, 0x00, 0xc0), code: 'f2' }).data).toEqual(Float32Array.of(1, -2));
    expect(decode({ dims: [], raw: f32([7]) }, 'numpy._core.multiarray')).toEqual({ dtype: 'float32', dims: [], data: Float32Array.of(7) });
    expect(decode({ dims: [1], raw: f32([3]), version: false }).data).toEqual(Float32Array.of(3));
  });

  it('reorders Fortran-order data to C order', () => {
    // C order a[i][j][k] = 100i + 10j + k for dims [2, 3, 4]; Fortran order stores i fastest.
    const dims = [2, 3, 4];
    const fortran: number[] = [];
    for (let k = 0; k < 4; k++) for (let j = 0; j < 3; j++) for (let i = 0; i < 2; i++) fortran.push(100 * i + 10 * j + k);
    const c: number[] = [];
    for (let i = 0; i < 2; i++) for (let j = 0; j < 3; j++) for (let k = 0; k < 4; k++) c.push(100 * i + 10 * j + k);
    expect(Array.from(decode({ dims, raw: f32(fortran), fortran: true }).data)).toEqual(c);
    expect(Array.from(decode({ dims: [3], raw: f32([1, 2, 3]), fortran: true }).data)).toEqual([1, 2, 3]);
  });

  it.each([
    ['big-endian', { dims: [1], raw: f32([1]), order: '>' }, 'CHECKPOINT_UNSUPPORTED', 'a big-endian numpy array (>f4)'],
    ['integer', { dims: [1], raw: new Uint8Array(8), code: 'i8' }, 'CHECKPOINT_UNSUPPORTED', 'a numpy array of dtype "i8"; only float16, float32 and float64 are supported'],
    ['unbuilt dtype', { dims: [1], raw: f32([1]), order: null }, 'CHECKPOINT_STRUCTURE', "whose dtype has no byte order ('<' expected"],
    ['short data', { dims: [2, 2], raw: f32([1, 2, 3]) }, 'CHECKPOINT_STRUCTURE', 'a numpy array of shape [2, 2] (f4) needs 16 bytes of data but has 12'],
    ['too many dims', { dims: new Array(33).fill(1), raw: f32([1]) }, 'CHECKPOINT_STRUCTURE', 'malformed state (shape)'],
  ] as const)('refuse %s arrays, naming them', (_what, o, code, message) => {
    const r = refusal({ ...o, dims: [...o.dims] });
    expect(r.code).toBe(code);
    expect(r.message).toMatch(/^t\.pkl: x: /);
    expect(r.message).toContain(message);
  });

  it('refuse object arrays, arrays built twice, other subtypes, and bound what decoding allocates', () => {
    const objects = new PickleWriter(2).call('numpy.core.multiarray', '_reconstruct', (a) => void a.global('numpy', 'ndarray').tuple((t) => void t.int(0)).bytes(Uint8Array.of(0x62)));
    objects.tuple((s) => void dtype(s.int(1).tuple((t) => void t.int(1)), 'f4').bool(false).list((l) => void l.none())).op(OP.BUILD);
    expect(() => (load(objects.stop()) as NdArray).toTensor('t.pkl: x', budget())).toThrow('t.pkl: x: a numpy array whose data is not raw bytes (an object array?)');
    const a = new NdArray();
    a.setState(null);
    expect(() => a.setState(null)).toThrow('given its data twice');
    expect(() => new NdArray().toTensor('t.pkl: x', budget())).toThrow('without data');
    expect(fails(new PickleWriter(2).call('numpy.core.multiarray', '_reconstruct', (r) => void r.global('numpy', 'memmap').tuple((t) => void t.int(0)).bytes(Uint8Array.of(0x62))).stop()).code).toBe('PICKLE_GLOBAL_REFUSED');
    expect(fails(new PickleWriter(2).call('numpy.core.multiarray', '_reconstruct', (r) => void r.global('collections', 'OrderedDict').tuple((t) => void t.int(0)).bytes(Uint8Array.of(0x62))).stop()).message).toContain('expects (numpy.ndarray, (0,), b"b")');
    expect(fails(new PickleWriter(2).call('numpy', 'ndarray', () => {}).stop()).message).toContain('numpy.ndarray cannot be called');
    // 1 MiB of data against a budget of 4 × 16 bytes + 16 MiB: four decodes of distinct arrays fit, …
    const big = f32(new Array(1 << 18).fill(1));
    const small = new TensorBudget('t.pkl', 16);
    const arr = () => load(ndarray(new PickleWriter(2), { dims: [1 << 18], raw: big }).stop()) as NdArray;
    for (let i = 0; i < 16; i++) arr().toTensor('t.pkl: x', small);
    // … then the budget is spent.
    expect(() => arr().toTensor('t.pkl: x', small)).toThrow(/t\.pkl: x: its tensors would take more memory/);
    // One array decodes once, however often it is asked for.
    const once = arr();
    const b2 = new TensorBudget('t.pkl', 0);
    for (let i = 0; i < 100; i++) once.toTensor('t.pkl: x', b2);
  });

  it('keep their raw data as given (a value pickled once, shared by memo)', () => {
    const v: PyValue = load(new PickleWriter(2).tuple((t) => void ndarray(t, { dims: [1], raw: f32([5]) }).op(OP.BINPUT, 0).op(OP.BINGET, 0)).stop());
    const [x, y] = (v as PyTuple).items;
    expect(x).toBe(y);
  });
});
