/** Shorthands for the unpickler's tests: load hand-written pickles, expect them to fail, read dicts. */
import { expect } from 'vitest';
import { UnpickleError, unpickle, type GlobalHandler, type PyDict, type PyValue, type UnpickleOptions } from '../import/pickle.js';
import { PickleWriter } from './pickle-writer.js';

export const none = (): GlobalHandler | undefined => undefined;
export const load = (bytes: Uint8Array, opts: Partial<UnpickleOptions> = {}) => unpickle(bytes, { findGlobal: none, file: 'p.pkl', ...opts }).value;
export const w = (protocol: number | null = 2) => new PickleWriter(protocol);
export const fails = (bytes: Uint8Array, opts: Partial<UnpickleOptions> = {}) => {
  try {
    unpickle(bytes, { findGlobal: none, file: 'p.pkl', ...opts });
  } catch (e) {
    expect(e).toBeInstanceOf(UnpickleError);
    expect((e as Error).name).toBe('UnpickleError');
    return { code: (e as UnpickleError).code, message: (e as Error).message };
  }
  throw new Error('unpickled');
};
export const dictOf = (v: PyValue) => Object.fromEntries((v as PyDict).map);
