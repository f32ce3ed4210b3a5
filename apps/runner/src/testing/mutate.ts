/**
 * Fuzzing helpers: hostile JSON values and random structural mutations of a graph document
 * (replace, delete, duplicate or rename at a random place), for the fuzz suites.
 */
import fc from 'fast-check';

/** Values that have broken parsers before: extremes, paths, odd strings, deep nesting. */
export const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.jsonValue({ maxDepth: 3 }),
  fc.constantFrom(-1, 0, 0.5, 1e308, -1e308, 2 ** 31, 2 ** 32, 2 ** 32 - 1, 2 ** 53 + 2, -0, 1e-320),
  fc.constantFrom('', '..', '.', '../../etc/passwd', '/etc/passwd', 'a\0b', '__proto__', 'constructor', 'toString', '0-99999999', 'NaN', '1,,2', '\u202e', 'C:\\x', 'file:///etc/passwd', './x.mjs', 'x'.repeat(5000), '\ud800', 'a\nb'),
  fc.string({ maxLength: 40 }),
  fc.integer({ min: 1, max: 200 }).map((n) => JSON.parse(`${'['.repeat(n)}${']'.repeat(n)}`) as unknown),
  fc.array(fc.integer({ min: -5, max: 100_000 }), { maxLength: 6 }),
);

export type Mutation = { readonly at: readonly number[]; readonly op: 'replace' | 'delete' | 'duplicate' | 'rename'; readonly value: unknown; readonly key: string };

export const mutation: fc.Arbitrary<Mutation> = fc.record({
  at: fc.array(fc.nat({ max: 50 }), { minLength: 0, maxLength: 6 }),
  op: fc.constantFrom('replace', 'delete', 'duplicate', 'rename'),
  value: hostileValue,
  key: fc.oneof(fc.constantFrom('__proto__', 'constructor', 'nodes', 'params', 'type', 'x', '', 'a.b', 'seeds'), fc.string({ maxLength: 8 })),
}) as fc.Arbitrary<Mutation>;

/** Applies one mutation in place: walks `at` (each step picks a key or index modulo the count), then edits there. */
export function mutate(doc: unknown, m: Mutation): unknown {
  if (!doc || typeof doc !== 'object') return m.op === 'replace' ? m.value : doc;
  let parent = doc as Record<string, unknown> | unknown[];
  let key: string | number | undefined;
  for (const step of m.at) {
    const keys = Array.isArray(parent) ? parent.map((_, i) => i) : Object.keys(parent);
    if (!keys.length) break;
    const k = keys[step % keys.length]!;
    const child = (parent as Record<string | number, unknown>)[k];
    key = k;
    if (!child || typeof child !== 'object') break;
    parent = child as Record<string, unknown> | unknown[];
    key = undefined;
  }
  const target = parent as Record<string | number, unknown>;
  if (key === undefined) {
    // At a container: add or replace a member.
    if (Array.isArray(parent)) parent.push(m.value);
    else Object.defineProperty(parent, m.key, { value: m.value, enumerable: true, writable: true, configurable: true });
    return doc;
  }
  switch (m.op) {
    case 'replace':
      target[key] = m.value;
      break;
    case 'delete':
      if (Array.isArray(parent)) parent.splice(Number(key), 1);
      else delete target[key];
      break;
    case 'duplicate':
      if (Array.isArray(parent)) parent.push(structuredClone(target[key]));
      else Object.defineProperty(parent, `${String(key)}_${m.key}`, { value: structuredClone(target[key]), enumerable: true, writable: true, configurable: true });
      break;
    case 'rename':
      if (!Array.isArray(parent)) {
        const v = target[key];
        delete target[key];
        Object.defineProperty(parent, m.key, { value: v, enumerable: true, writable: true, configurable: true });
      }
      break;
  }
  return doc;
}

/** A deep copy of `doc` with the mutations applied in order. */
export const mutated = (doc: unknown, ms: readonly Mutation[]): unknown => ms.reduce((d, m) => mutate(d, m), structuredClone(doc));
