/** Cycles of every size, including a node wired to itself, are reported as CYCLE naming the cycle. */
import { describe, expect, it } from 'vitest';
import { checkGraph } from './validate.js';
import { findCycles } from './cycles.js';
import type { Diagnostic } from './diagnostics.js';
import type { Wiring } from './check-edges.js';
import { Registry } from '../plugin/registry.js';
import { doc, fixturePlugin } from '../testing/fixture-plugin.js';

const registry = new Registry([fixturePlugin]);
const add = { type: 'test/Add', version: 2 };
const cycles = (input: unknown) => checkGraph(input, registry).diagnostics.filter((d) => d.code === 'CYCLE');

/** Wiring from `from → to` pairs, each into the next free port of `to`. */
const wiring = (pairs: [string, string][]): Wiring => {
  const w: Wiring = new Map();
  pairs.forEach(([from, to], edge) => {
    const inputs = w.get(to) ?? new Map();
    inputs.set(`in${inputs.size}`, { node: from, port: 'out', edge });
    w.set(to, inputs);
  });
  return w;
};

describe('cycles', () => {
  it('reports a node wired to itself', () => {
    const r = checkGraph(doc({ a: add }, [['a.out', 'a.a']]), registry);
    expect(r.ok).toBe(false);
    expect(r.graph).toBeUndefined();
    const cs = r.diagnostics.filter((d) => d.code === 'CYCLE');
    expect(cs).toEqual([{ severity: 'error', code: 'CYCLE', node: 'a', message: 'cycle: a → a' }]);
  });

  it('reports a two-node cycle once, from its smallest id', () => {
    expect(cycles(doc({ b: add, a: add }, [['a.out', 'b.a'], ['b.out', 'a.a']]))).toEqual([
      { severity: 'error', code: 'CYCLE', node: 'a', message: 'cycle: a → b → a' },
    ]);
    // Wired the other way round, and through the second port: the same cycle.
    expect(cycles(doc({ x: add, y: add }, [['y.out', 'x.b'], ['x.out', 'y.b'], ['x.out', 'y.a'], ['y.out', 'x.a']])).map((d) => d.message)).toEqual(['cycle: x → y → x']);
  });

  it('reports each of several separate cycles, self-loops included', () => {
    const g = doc(
      { a: add, b: add, c: add, d: add, e: add, ok: add },
      [
        ['a.out', 'b.a'],
        ['b.out', 'a.a'],
        ['c.out', 'd.a'],
        ['d.out', 'c.a'],
        ['e.out', 'e.a'],
        ['d.out', 'ok.a'],
      ],
    );
    expect(cycles(g).map((d) => [d.node, d.message]).sort()).toEqual([
      ['a', 'cycle: a → b → a'],
      ['c', 'cycle: c → d → c'],
      ['e', 'cycle: e → e'],
    ]);
  });

  it('finds the shortest cycle through the smallest id of a component', () => {
    const out: Diagnostic[] = [];
    // a → b → c → d → a, plus the shortcut c → a: one component, printed a → b → c → a.
    const on = findCycles(['a', 'b', 'c', 'd'], wiring([['a', 'b'], ['b', 'c'], ['c', 'd'], ['d', 'a'], ['c', 'a']]), out);
    expect([...on].sort()).toEqual(['a', 'b', 'c', 'd']);
    expect(out).toEqual([{ severity: 'error', code: 'CYCLE', node: 'a', message: 'cycle: a → b → c → a' }]);
  });

  it('returns only the nodes on cycles, and no diagnostic for an acyclic graph', () => {
    const out: Diagnostic[] = [];
    const on = findCycles(['s', 'a', 'b', 't'], wiring([['s', 'a'], ['a', 'b'], ['b', 'a'], ['b', 't']]), out);
    expect([...on].sort()).toEqual(['a', 'b']);
    expect(out.map((d) => d.message)).toEqual(['cycle: a → b → a']);
    const none: Diagnostic[] = [];
    expect(findCycles(['a', 'b', 'c'], wiring([['a', 'b'], ['b', 'c'], ['a', 'c']]), none).size).toBe(0);
    expect(none).toEqual([]);
    const self: Diagnostic[] = [];
    expect([...findCycles(['a', 'b'], wiring([['a', 'b'], ['b', 'b']]), self)]).toEqual(['b']);
    expect(self.map((d) => d.message)).toEqual(['cycle: b → b']);
  });
});
