/**
 * Test helper: synthetic NVIDIA network pickles. A module tree (persistent classes with
 * `_parameters`, `_buffers`, `_modules`, `_init_kwargs` and plain attributes) is written with
 * the test PickleWriter; every tensor is a contiguous view at offset 0 of one shared float32
 * storage whose element k is `k / 8`, so a tensor's values are known from its shape alone.
 */
import { OP, PickleWriter, f32Bytes, legacyStorageBytes } from './pickle-writer.js';

/** A plain value in a module's state: numbers, strings, None, booleans, nested dicts and lists. */
export type Attr = number | string | null | boolean | Attr[] | { readonly [k: string]: Attr };

export interface Module {
  className: string;
  parameters: Map<string, readonly number[] | null>;
  buffers: Map<string, readonly number[] | null>;
  /** Buffers listed in `_non_persistent_buffers_set`. */
  nonPersistent: string[];
  modules: Map<string, Module>;
  kwargs?: { [k: string]: Attr };
  attrs: { [k: string]: Attr };
  /** Extra raw state entries: key → writes the value. */
  raw: Map<string, (w: PickleWriter) => void>;
}

export const module = (className: string): Module => ({ className, parameters: new Map(), buffers: new Map(), nonPersistent: [], modules: new Map(), attrs: {}, raw: new Map() });

const BUFFERS = new Set(['resample_filter', 'noise_const', 'w_avg']);

/** A module tree holding the tensors `name → shape` (NVIDIA names, dot-separated). */
export function treeOf(className: string, tensors: ReadonlyMap<string, readonly number[]>): Module {
  const root = module(className);
  for (const [name, shape] of tensors) {
    const parts = name.split('.');
    let m = root;
    for (const p of parts.slice(0, -1)) {
      let next = m.modules.get(p);
      if (!next) m.modules.set(p, (next = module(`torch_utils.${p}`)));
      m = next;
    }
    const leaf = parts.at(-1)!;
    (BUFFERS.has(leaf) ? m.buffers : m.parameters).set(leaf, shape);
  }
  return root;
}

/** Finds the module at a dot path (creating nothing). */
export function at(root: Module, path: string): Module {
  let m = root;
  for (const p of path.split('.')) {
    const next = m.modules.get(p);
    if (!next) throw new Error(`no module ${path}`);
    m = next;
  }
  return m;
}

/** The value the shared storage holds at element k. */
export const storageValue = (k: number) => k / 8;

const STORAGE_MEMO = 100_000;

function writeAttr(w: PickleWriter, v: Attr): void {
  if (v === null) w.none();
  else if (typeof v === 'boolean') w.bool(v);
  else if (typeof v === 'number' && Number.isInteger(v)) w.int(v);
  else if (typeof v === 'number') w.float(v);
  else if (typeof v === 'string') w.str(v);
  else if (Array.isArray(v)) w.list((l) => v.forEach((x) => writeAttr(l, x)));
  else w.dict((d) => Object.entries(v).forEach(([k, x]) => (d.str(k), writeAttr(d, x))));
}

function writeTensor(w: PickleWriter, shape: readonly number[]): void {
  const strides = shape.map((_, i) => shape.slice(i + 1).reduce((a, b) => a * b, 1));
  w.call('torch._utils', '_rebuild_tensor_v2', (a) => {
    a.op(OP.LONG_BINGET).u32(STORAGE_MEMO);
    a.int(0);
    a.tuple((t) => shape.forEach((d) => t.int(d)));
    a.tuple((t) => strides.forEach((d) => t.int(d)));
    a.bool(false);
    a.call('collections', 'OrderedDict', () => {});
  });
}

/** Writes one module (a persistent class) and everything below it. */
export function writeModule(w: PickleWriter, m: Module): void {
  w.call('torch_utils.persistence', '_reconstruct_persistent_obj', (a) =>
    a.dict((meta) => {
      meta.str('type').str('class').str('version').int(6).str('module_src').str('# not executed').str('class_name').str(m.className);
      meta.str('state').dict((s) => {
        s.str('training').bool(false);
        s.str('_parameters').dict((d) => m.parameters.forEach((shape, k) => (d.str(k), shape ? writeTensor(d, shape) : d.none())));
        s.str('_buffers').dict((d) => m.buffers.forEach((shape, k) => (d.str(k), shape ? writeTensor(d, shape) : d.none())));
        s.str('_non_persistent_buffers_set').call('builtins', 'set', (x) => x.list((l) => m.nonPersistent.forEach((n) => l.str(n))));
        s.str('_modules').dict((d) => m.modules.forEach((child, k) => (d.str(k), writeModule(d, child))));
        if (m.kwargs) s.str('_init_kwargs').call('dnnlib', 'EasyDict', () => {}).dict((d) => Object.entries(m.kwargs!).forEach(([k, v]) => (d.str(k), writeAttr(d, v)))).op(OP.BUILD);
        for (const [k, v] of Object.entries(m.attrs)) writeAttr(s.str(k), v);
        for (const [k, v] of m.raw) v(s.str(k));
      });
    }),
  );
}

/** Largest element count of any tensor in the tree. */
function maxNumel(m: Module): number {
  let n = 1;
  for (const shape of [...m.parameters.values(), ...m.buffers.values()]) if (shape) n = Math.max(n, shape.reduce((a, b) => a * b, 1));
  for (const c of m.modules.values()) n = Math.max(n, maxNumel(c));
  return n;
}

/** `{ key: network, … }` as a protocol-2 pickle, every tensor viewing one shared storage. */
export function networkPickle(networks: Record<string, Module | ((w: PickleWriter) => void)>, opts: { protocol?: number } = {}): Uint8Array {
  const numel = Math.max(1, ...Object.values(networks).map((n) => (typeof n === 'function' ? 1 : maxNumel(n))));
  const w = new PickleWriter(opts.protocol ?? 2);
  w.call('torch.storage', '_load_from_bytes', (a) => a.bytes(legacyStorageBytes('FloatStorage', f32Bytes(Array.from({ length: numel }, (_, k) => storageValue(k))), { numel })));
  w.op(OP.LONG_BINPUT).u32(STORAGE_MEMO).op(OP.POP);
  w.dict((d) => {
    for (const [k, n] of Object.entries(networks)) {
      d.str(k);
      if (typeof n === 'function') n(d);
      else writeModule(d, n);
    }
  });
  return w.stop();
}
