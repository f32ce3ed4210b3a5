import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { Registry, execute, checkGraph, type FileAccess } from '@stylegraph/core';
import { stdPlugin } from './index.js';

const registry = new Registry([stdPlugin]);
const written = new Map<string, string>();
const files: FileAccess = {
  read: async (p) => {
    throw new Error(`unexpected read ${p}`);
  },
  exists: async () => false,
  write: async (p, d) => {
    written.set(p, new TextDecoder().decode(d));
    return p;
  },
};

async function run(nodes: Record<string, unknown>, edges: [string, string][] = [], targets?: string[]) {
  const checked = checkGraph(
    { format: 'stylegraph.graph', formatVersion: 1, plugins: { '@stylegraph/plugin-std': '^0.1.0' }, nodes, edges: edges.map(([from, to]) => ({ from, to })) },
    registry,
  );
  expect(checked.diagnostics).toEqual([]);
  return execute(checked.graph!, { files, ...(targets && { targets }) });
}

const c = (value: number) => ({ type: 'std/Constant', version: 1, params: { value } });

describe('@stylegraph/plugin-std', () => {
  it('declares the version of its package', () => {
    const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
    expect(stdPlugin.version).toBe(pkg.version);
  });

  it.each([
    ['add', 7, 2, 9],
    ['sub', 7, 2, 5],
    ['mul', 7, 2, 14],
    ['div', 7, 2, 3.5],
    ['pow', 7, 2, 49],
    ['min', 7, 2, 2],
    ['max', 7, 2, 7],
  ])('Math %s', async (op, a, b, want) => {
    const s = await run({ a: c(a), b: c(b), m: { type: 'std/Math', version: 1, params: { op } } }, [
      ['a.value', 'm.a'],
      ['b.value', 'm.b'],
    ]);
    expect(s.outputs['m.value']).toBe(want);
  });

  it('Math fails clearly on a binary op without b, and on NaN', async () => {
    const s = await run({ a: c(1), m: { type: 'std/Math', version: 1, params: { op: 'add' } } }, [['a.value', 'm.a']]);
    expect(s.nodes.m).toMatchObject({ status: 'failed', error: { code: 'INPUT_MISSING' } });
    const n = await run({ a: c(0), b: c(0), m: { type: 'std/Math', version: 1, params: { op: 'div' } } }, [
      ['a.value', 'm.a'],
      ['b.value', 'm.b'],
    ]);
    expect(n.nodes.m).toMatchObject({ status: 'failed', error: { code: 'MATH_NAN' } });
    const u = await run({ a: c(-4), m: { type: 'std/Math', version: 1, params: { op: 'abs' } } }, [['a.value', 'm.a']]);
    expect(u.outputs['m.value']).toBe(4);
  });

  it('RandomNormal is np.random.RandomState(seed).randn(*shape), and Statistic summarizes it', async () => {
    const s = await run(
      {
        z: { type: 'std/RandomNormal', version: 1, params: { seed: 42, shape: [2, 3] } },
        mean: { type: 'std/Statistic', version: 1, params: { stat: 'mean' } },
        max: { type: 'std/Statistic', version: 1, params: { stat: 'max' } },
      },
      [
        ['z.tensor', 'mean.tensor'],
        ['z.tensor', 'max.tensor'],
      ],
      ['z', 'mean', 'max'],
    );
    const z = s.outputs['z.tensor'] as { dims: number[]; data: Float64Array };
    expect(z.dims).toEqual([2, 3]);
    // np.random.RandomState(42).randn(2, 3)
    expect(Array.from(z.data)).toEqual([
      0.4967141530112327, -0.13826430117118466, 0.6476885381006925, 1.5230298564080254, -0.23415337472333597, -0.23413695694918055,
    ]);
    expect(s.outputs['max.value']).toBe(1.5230298564080254);
    expect(s.outputs['mean.value']).toBeCloseTo(0.3434796524460415, 14);
  });

  it('Report chains values, Assert passes or fails with the message, SaveReport writes JSON', async () => {
    const nodes = {
      a: c(3),
      b: c(4),
      r1: { type: 'std/Report', version: 1, params: { key: 'a' } },
      r2: { type: 'std/Report', version: 1, params: { key: 'b' } },
      ok: { type: 'std/Assert', version: 1, params: { key: 'b', op: '>', than: 3 } },
      bad: { type: 'std/Assert', version: 1, params: { key: 'a', op: '>=', than: 5, message: 'a too small' } },
      save: { type: 'std/SaveReport', version: 1, params: { path: 'r/report.json' } },
    };
    const s = await run(nodes, [
      ['a.value', 'r1.value'],
      ['r1.report', 'r2.into'],
      ['b.value', 'r2.value'],
      ['r2.report', 'ok.report'],
      ['r2.report', 'bad.report'],
      ['r2.report', 'save.report'],
    ]);
    expect(s.outputs['ok.passed']).toBe(true);
    expect(s.nodes.bad).toMatchObject({
      status: 'failed',
      error: { code: 'ASSERTION_FAILED', message: 'a too small: expected a >= 5, but a = 3' },
    });
    expect(JSON.parse(written.get('r/report.json')!)).toEqual({ a: 3, b: 4 });
  });

  it('SaveReport refuses paths that leave the output folder', () => {
    const r = checkGraph(
      {
        format: 'stylegraph.graph',
        formatVersion: 1,
        plugins: { '@stylegraph/plugin-std': '^0.1.0' },
        nodes: { s: { type: 'std/SaveReport', version: 1, params: { path: '../../etc/x.json' } } },
        edges: [],
      },
      registry,
    );
    expect(r.diagnostics.map((d) => [d.code, d.param])).toContainEqual(['PARAM_INVALID', 'path']);
  });
});
