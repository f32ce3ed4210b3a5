/**
 * Reading a pickled torch module tree (NVIDIA's persistent objects) as data: a child module by
 * dotted path, an attribute, an `_init_kwargs` entry, a number. Nothing here executes anything
 * from the file; absent or differently typed values read as undefined.
 */
import { PersistentObject } from './nvidia-globals.js';
import { PyDict, type PyValue } from './pickle.js';

/** A name from the file as a string: primitives as String() gives them, anything else by kind (no recursion). */
export const nameOf = (k: unknown): string => (k === null || (typeof k !== 'object' && typeof k !== 'function') ? String(k) : '[object]');

export function child(obj: PersistentObject | undefined, path: string): PersistentObject | undefined {
  let cur: PersistentObject | undefined = obj;
  for (const part of path.split('.')) {
    const mods: PyValue | undefined = cur?.state.get('_modules');
    const next: PyValue | undefined = mods instanceof PyDict ? mods.get(part) : undefined;
    cur = next instanceof PersistentObject ? next : undefined;
  }
  return cur;
}

/** The names of a module's direct children. */
export function childNames(obj: PersistentObject | undefined): string[] {
  const mods = obj?.state.get('_modules');
  return mods instanceof PyDict ? [...mods.map.keys()].map(nameOf) : [];
}

export const attr = (obj: PersistentObject | undefined, name: string): PyValue | undefined => obj?.state.get(name);

export const kwarg = (obj: PersistentObject | undefined, ...path: string[]): PyValue | undefined => {
  let cur: PyValue | undefined = obj?.state.get('_init_kwargs');
  for (const p of path) cur = cur instanceof PyDict ? cur.get(p) : undefined;
  return cur;
};

export const num = (v: PyValue | undefined): number | undefined => (typeof v === 'number' ? v : undefined);
