/**
 * Byte-level mutations for the binary-format fuzz tests (npy, zip, PNG, JPEG, pickle,
 * safetensors): bit flips, cuts, insertions, deletions and extreme integers written over the
 * bytes, as data (so counterexamples print), and the function that applies one. Each fuzz test
 * keeps its own list of extreme integers and any mutation kinds of its own.
 */
import fc from 'fast-check';

/** The parts, one after another, in a new array. */
export const concat = (parts: readonly ArrayLike<number>[]): Uint8Array => {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  parts.reduce((at, p) => (out.set(p, at), at + p.length), 0);
  return out;
};

/** One byte-level mutation; `at` is taken modulo the input's length + 1. */
export type ByteMutation =
  | { kind: 'flip'; at: number; bit: number }
  | { kind: 'cut'; at: number }
  | { kind: 'insert'; at: number; bytes: Uint8Array }
  | { kind: 'delete'; at: number; n: number }
  /** `value`'s low `width` bytes, little-endian when `le`, big-endian otherwise. */
  | { kind: 'int'; at: number; value: number; width: 1 | 2 | 4; le: boolean };

export interface ByteMutationOptions {
  /** The integers the `int` kind writes; none: no `int` kind. */
  extremes: readonly number[];
  /** Where the `int` kind writes (default: anywhere). */
  at?: fc.Arbitrary<number>;
  /** Fixes the `int` kind's byte order (true: little-endian); by default each mutation draws one. */
  le?: boolean;
}

/** Flips, cuts, insertions and deletions of up to 16 bytes, and extreme integers of 1, 2 or 4 bytes. */
export function byteMutations({ extremes, at = fc.nat(), le }: ByteMutationOptions): fc.Arbitrary<ByteMutation> {
  const kinds: fc.Arbitrary<ByteMutation>[] = [
    fc.record({ kind: fc.constant('flip' as const), at: fc.nat(), bit: fc.integer({ min: 0, max: 7 }) }),
    fc.record({ kind: fc.constant('cut' as const), at: fc.nat() }),
    fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), bytes: fc.uint8Array({ minLength: 1, maxLength: 16 }) }),
    fc.record({ kind: fc.constant('delete' as const), at: fc.nat(), n: fc.integer({ min: 1, max: 16 }) }),
  ];
  if (extremes.length) {
    // A fixed byte order is a constant: it draws nothing, so the other fields come out as before.
    kinds.push(fc.record({ kind: fc.constant('int' as const), at, value: fc.constantFrom(...extremes), width: fc.constantFrom(1 as const, 2 as const, 4 as const), le: le === undefined ? fc.boolean() : fc.constant(le) }));
  }
  return fc.oneof(...kinds);
}

/** `b` with the mutation applied: a new array (a cut is a view into `b`; `b` itself is never changed). */
export function applyBytes(b: Uint8Array, m: ByteMutation): Uint8Array {
  const at = m.at % (b.length + 1);
  switch (m.kind) {
    case 'flip': {
      if (!b.length) return b;
      const c = b.slice();
      c[at % c.length]! ^= 1 << m.bit;
      return c;
    }
    case 'cut':
      return b.subarray(0, at);
    case 'insert':
      return concat([b.subarray(0, at), m.bytes, b.subarray(at)]);
    case 'delete':
      return concat([b.subarray(0, at), b.subarray(at + m.n)]);
    case 'int': {
      const c = b.slice();
      for (let k = 0; k < m.width && at + k < c.length; k++) c[at + k] = (m.value >>> (8 * (m.le ? k : m.width - 1 - k))) & 0xff;
      return c;
    }
  }
}
