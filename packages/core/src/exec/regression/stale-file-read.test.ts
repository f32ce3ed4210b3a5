/**
 * Regression: a node's derivation key must include the hashes of the files it read. Otherwise
 * a pure node downstream of a file reader keeps its pre-key when the file changes and is served
 * stale from the cache.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { execute } from '../executor.js';
import { MemoryCache } from '../cache.js';
import { checkGraph } from '../../graph/validate.js';
import { Registry } from '../../plugin/registry.js';
import { doc, fixturePlugin, memoryFiles, runs } from '../../testing/fixture-plugin.js';

const registry = new Registry([fixturePlugin]);
const checked = (d: unknown) => {
  const r = checkGraph(d, registry);
  expect(r.diagnostics).toEqual([]);
  return r.graph!;
};

// read (ReadLen of data.bin) ─ plus (Add, offset 100) ─ twice (Add, a + a)
const chain = () =>
  checked(
    doc(
      {
        read: { type: 'test/ReadLen', version: 1, params: { path: 'data.bin' } },
        plus: { type: 'test/Add', version: 2, params: { offset: 100 } },
        twice: { type: 'test/Add', version: 2 },
      },
      [
        ['read.out', 'plus.a'],
        ['plus.out', 'twice.a'],
        ['plus.out', 'twice.b'],
      ],
    ),
  );

beforeEach(() => runs.clear());

describe('derivation keys cover the files read', () => {
  it('recomputes pure nodes downstream of a reader when the file changes', async () => {
    const cache = new MemoryCache();
    const mem = memoryFiles({ 'data.bin': 'abc' });
    const g = chain();
    const first = await execute(g, { files: mem.access, cache });
    expect(first.outputs['twice.out']).toBe(2 * (3 + 100));

    mem.files['data.bin'] = 'abcdefgh';
    const second = await execute(g, { files: mem.access, cache });
    expect(second.nodes.read!.status).toBe('done');
    expect(second.nodes.plus!.status).toBe('done');
    expect(second.nodes.twice!.status).toBe('done');
    expect(second.outputs['twice.out']).toBe(2 * (8 + 100));
    // The reader's key changed, and with it every key downstream.
    for (const id of ['read', 'plus', 'twice']) expect(second.nodes[id]!.key, id).not.toBe(first.nodes[id]!.key);
    expect(Object.fromEntries(runs)).toEqual({ read: 2, plus: 2, twice: 2 });

    // Unchanged file: everything is cached and the outputs are the new ones.
    const third = await execute(g, { files: mem.access, cache });
    expect(third.counts).toMatchObject({ ran: 0, cached: 3 });
    expect(third.outputs['twice.out']).toBe(2 * (8 + 100));
    expect(third.nodes.twice!.key).toBe(second.nodes.twice!.key);
  });

  it('gives a reader different keys for different file contents, equal keys for equal ones, without a cache', async () => {
    const g = chain();
    const a = await execute(g, { files: memoryFiles({ 'data.bin': 'abc' }).access });
    const b = await execute(g, { files: memoryFiles({ 'data.bin': 'xyz' }).access });
    const c = await execute(g, { files: memoryFiles({ 'data.bin': 'abc' }).access });
    // Same length, so the same outputs — but the files differ, so the keys must.
    expect(b.outputs['twice.out']).toBe(a.outputs['twice.out']);
    expect(b.nodes.read!.key).not.toBe(a.nodes.read!.key);
    expect(b.nodes.twice!.key).not.toBe(a.nodes.twice!.key);
    expect(c.nodes.read!.key).toBe(a.nodes.read!.key);
    expect(c.nodes.twice!.key).toBe(a.nodes.twice!.key);
  });

  it('uses the host’s hash when it has one, for the key and for freshness', async () => {
    const cache = new MemoryCache();
    const mem = memoryFiles({ 'data.bin': 'abc' });
    let version = 'v1';
    const files = { ...mem.access, hash: async (p: string) => `${p}@${version}` };
    const g = chain();
    const first = await execute(g, { files, cache });
    // The host says the file changed (its bytes did not): the reader and its dependents re-run.
    version = 'v2';
    const second = await execute(g, { files, cache });
    expect(second.nodes.read!.status).toBe('done');
    expect(second.nodes.twice!.status).toBe('done');
    expect(second.nodes.twice!.key).not.toBe(first.nodes.twice!.key);
    const third = await execute(g, { files, cache });
    expect(third.counts).toMatchObject({ ran: 0, cached: 3 });
  });
});
