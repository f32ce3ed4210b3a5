/**
 * A `dnnlib.tflib.network.Network` as its `__getstate__` pickles it: a dict with `version`,
 * `name`, `static_kwargs` (the build function's keyword arguments), `components` (named
 * sub-Networks, e.g. G's `mapping` and `synthesis`), `build_module_src` (Python source — never
 * run), `build_func_name` and `variables` (a list of (name, numpy array) pairs); stylegan2-ada
 * adds input/output shapes and names. Checked here, with the variables of a network and its
 * components flattened as TensorFlow scopes them (`synthesis/8x8/Conv1/weight`).
 */
import { tensor, type Tensor } from '@stylegraph/core';
import { CheckpointError } from './errors.js';
import { NdArray } from './numpy-array.js';
import { PyDict, PyTuple, shownName, type PyValue } from './pickle.js';
import { TfNetwork } from './tf-globals.js';
import type { TensorBudget } from './torch-storage.js';

/** Pickle versions of dnnlib.tflib.network: 4 (stylegan2), 5 (stylegan2-ada). Older ones are StyleGAN1's. */
const VERSIONS = [4, 5];
const REQUIRED = ['version', 'name', 'static_kwargs', 'components', 'build_func_name', 'variables'] as const;
/** Components nest at most this deep (G → mapping, synthesis) … */
const MAX_DEPTH = 8;
/** … and a file holds at most this many networks and variables (counting shared ones per use). */
const MAX_NETWORKS = 256;
const MAX_VARIABLES = 1 << 16;

/** One checked network: where it is (`Gs`, `Gs/synthesis`), its settings and its own variables. */
export interface TfNet {
  readonly path: string;
  readonly version: number;
  readonly name: string;
  readonly buildFunc: string;
  readonly kwargs: PyDict;
  readonly components: ReadonlyMap<string, TfNet>;
  readonly variables: ReadonlyMap<string, PyValue>;
}

/** A value from the file described without recursing into it. */
export const kindOf = (v: PyValue | undefined): string =>
  v === undefined ? 'nothing' : v === null ? 'None' : v instanceof NdArray ? 'a numpy array' : v instanceof TfNetwork ? 'a Network' : v instanceof PyDict ? 'a dict' : v instanceof PyTuple ? 'a tuple' : Array.isArray(v) ? 'a list' : v instanceof Uint8Array ? 'bytes' : typeof v === 'function' ? 'a global' : `a ${typeof v}`;

/** Checks a Network's state (and its components'); `path` names it in errors. */
export function readNetwork(file: string, value: PyValue | undefined, path: string): TfNet {
  const budget = { networks: 0, variables: 0 };
  return read(file, value, path, [], budget);
}

function read(file: string, value: PyValue | undefined, path: string, ancestors: TfNetwork[], count: { networks: number; variables: number }): TfNet {
  const bad = (msg: string): never => {
    throw new CheckpointError('CHECKPOINT_STRUCTURE', `${file}: ${path} ${msg}`);
  };
  if (!(value instanceof TfNetwork)) return bad(`is ${kindOf(value)}, not a dnnlib.tflib.network.Network`);
  if (++count.networks > MAX_NETWORKS) throw new CheckpointError('CHECKPOINT_STRUCTURE', `${file}: the pickle holds more than ${MAX_NETWORKS} networks (at ${path})`);
  const s = value.state;
  if (!(s instanceof PyDict)) return bad(`has no pickled state (a dict with ${REQUIRED.join(', ')})`);
  const missing = REQUIRED.filter((k) => !s.map.has(k));
  if (missing.length) bad(`is missing ${missing.join(', ')} from its pickled state (not a Network as dnnlib.tflib pickles it)`);
  const version = s.get('version');
  if (typeof version !== 'number' || !VERSIONS.includes(version)) {
    bad(`has pickle version ${typeof version === 'number' ? version : kindOf(version)}; stylegraph reads versions ${VERSIONS.join(' and ')} (StyleGAN2, StyleGAN2-ADA), not StyleGAN1's`);
  }
  const [name, buildFunc, kwargs, comps, vars] = ['name', 'build_func_name', 'static_kwargs', 'components', 'variables'].map((k) => s.get(k));
  if (typeof name !== 'string') bad(`has a name that is ${kindOf(name)}`);
  if (typeof buildFunc !== 'string') bad(`has a build_func_name that is ${kindOf(buildFunc)}`);
  if (!(kwargs instanceof PyDict)) return bad(`has static_kwargs that are ${kindOf(kwargs)}, not a dict`);
  if (!(comps instanceof PyDict)) return bad(`has components that are ${kindOf(comps)}, not a dict`);
  if (!Array.isArray(vars)) return bad(`has variables that are ${kindOf(vars)}, not a list`);

  const variables = new Map<string, PyValue>();
  for (const v of vars as PyValue[]) {
    if (++count.variables > MAX_VARIABLES) throw new CheckpointError('CHECKPOINT_STRUCTURE', `${file}: the pickle holds more than ${MAX_VARIABLES} variables (at ${path})`);
    const pair = v instanceof PyTuple ? v.items : [];
    const [vname, array] = pair;
    if (pair.length !== 2 || typeof vname !== 'string') return bad(`lists a variable that is ${kindOf(v)}, not a (name, numpy array) pair`);
    if (variables.has(vname)) bad(`lists variable ${shownName(vname)} twice`);
    variables.set(vname, array!);
  }

  const path2 = [...ancestors, value];
  const components = new Map<string, TfNet>();
  for (const [k, c] of comps.map) {
    if (typeof k !== 'string' || !/^\w{1,100}$/.test(k)) bad(`has a component named ${typeof k === 'string' ? JSON.stringify(shownName(k)) : kindOf(k as PyValue)}`);
    const key = k as string;
    if (c instanceof TfNetwork && path2.includes(c)) bad(`has component ${key} that contains itself`);
    if (path2.length >= MAX_DEPTH) bad(`has components nested more than ${MAX_DEPTH} deep`);
    components.set(key, read(file, c, `${path}/${key}`, path2, count));
  }
  return { path, version: version as number, name: name as string, buildFunc: buildFunc as string, kwargs, components, variables };
}

/** A variable of the flattened network, with the network that holds it. */
export interface TfVariable {
  readonly value: PyValue;
  /** `Gs variable synthesis/8x8/Conv1/weight` — for messages. */
  readonly what: string;
}

/** Every variable of a network and its components, named as TensorFlow scopes them (`mapping/Dense0/weight`). */
export function flatVariables(file: string, net: TfNet): Map<string, TfVariable> {
  const out = new Map<string, TfVariable>();
  const todo: { n: TfNet; prefix: string }[] = [{ n: net, prefix: '' }];
  while (todo.length) {
    const { n, prefix } = todo.pop()!;
    for (const [k, value] of n.variables) {
      const full = `${prefix}${k}`;
      const what = `${file}: ${net.path} variable ${shownName(full)}`;
      if (out.has(full)) throw new CheckpointError('CHECKPOINT_STRUCTURE', `${what} is defined twice`);
      out.set(full, { value, what });
    }
    for (const [k, c] of n.components) todo.push({ n: c, prefix: `${prefix}${k}/` });
  }
  return out;
}

/** A variable's value as a float32 tensor: a numpy array, or a number (numpy scalars come out as numbers). */
export function variableTensor(v: TfVariable, budget: TensorBudget): Tensor<'float32'> {
  if (v.value instanceof NdArray) return v.value.toTensor(v.what, budget);
  if (typeof v.value === 'number') return tensor('float32', [], Float32Array.of(v.value));
  throw new CheckpointError('CHECKPOINT_STRUCTURE', `${v.what} is ${kindOf(v.value)}, not a numpy array`);
}

/** A static keyword argument (undefined when absent). */
export const kwarg = (net: TfNet, key: string): PyValue | undefined => net.kwargs.get(key);
