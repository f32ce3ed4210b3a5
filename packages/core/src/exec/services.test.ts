import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { execute } from './executor.js';
import { MemoryCache } from './cache.js';
import { checkGraph } from '../graph/validate.js';
import { defineNode, definePlugin, PLUGIN_API_VERSION } from '../plugin/define.js';
import { Registry } from '../plugin/registry.js';
import { memoryFiles } from '../testing/fixture-plugin.js';

declare module '../plugin/services.js' {
  interface RunServices {
    scale?: { factor: number; name: string; cacheIdentity(): string };
  }
}

const runs: string[] = [];
const Source = defineNode({
  type: 'svc/Source',
  version: 1,
  title: 'Source',
  category: 'T',
  inputs: {},
  outputs: { out: { type: 'number' } },
  params: z.object({ v: z.number().default(2) }),
  purity: 'pure',
  run: ({ params, ctx }) => (runs.push(ctx.nodeId), { out: params.v }),
});
/** Computes on the host's "scale" service, as a node computes on `ctx.services.compute`. */
const Scaled = defineNode({
  type: 'svc/Scaled',
  version: 1,
  title: 'Scaled',
  category: 'T',
  inputs: { a: { type: 'number' } },
  outputs: { out: { type: 'number' } },
  params: z.object({}),
  purity: 'pure',
  run: ({ inputs, ctx }) => (runs.push(ctx.nodeId), { out: inputs.a * ctx.services.scale!.factor }),
});
const Plus = defineNode({
  type: 'svc/Plus',
  version: 1,
  title: 'Plus',
  category: 'T',
  inputs: { a: { type: 'number' } },
  outputs: { out: { type: 'number' } },
  params: z.object({}),
  purity: 'pure',
  run: ({ inputs, ctx }) => (runs.push(ctx.nodeId), { out: inputs.a + 1 }),
});
const pluginAt = (version: string) => new Registry([definePlugin({ name: 'svc', version, apiVersion: PLUGIN_API_VERSION, nodes: [Source, Scaled, Plus] })]);
const registry = pluginAt('1.0.0');
const doc = () => ({
    format: 'stylegraph.graph',
    formatVersion: 1,
    plugins: { svc: '^1.0.0' },
    nodes: { s: { type: 'svc/Source', version: 1 }, x: { type: 'svc/Scaled', version: 1 }, p: { type: 'svc/Plus', version: 1 } },
    edges: [
      { from: 's.out', to: 'x.a' },
      { from: 'x.out', to: 'p.a' },
    ],
  });
const graph = checkGraph(doc(), registry).graph!;

const scale = (name: string, factor: number) => ({ name, factor, cacheIdentity: () => name });

describe('host services', () => {
  it('a node that used a service is recomputed when the service’s identity changes; nodes that did not are not', async () => {
    const cache = new MemoryCache();
    const files = memoryFiles().access;
    runs.length = 0;
    const a = await execute(graph, { files, cache, services: { scale: scale('cpu', 10) } });
    expect(a.outputs['p.out']).toBe(21);
    expect(runs).toEqual(['s', 'x', 'p']);

    runs.length = 0;
    const same = await execute(graph, { files, cache, services: { scale: scale('cpu', 10) } });
    expect(runs).toEqual([]);
    expect(same.counts).toMatchObject({ ran: 0, cached: 3 });

    runs.length = 0;
    const other = await execute(graph, { files, cache, services: { scale: scale('gpu', 100) } });
    // The source did not use the service: cached. The scaled node did, and its dependent follows.
    expect(runs).toEqual(['x', 'p']);
    expect(other.outputs['p.out']).toBe(201);
    expect(other.nodes.s!.key).toBe(a.nodes.s!.key);
    expect(other.nodes.x!.key).not.toBe(a.nodes.x!.key);
    expect(other.nodes.p!.key).not.toBe(a.nodes.p!.key);

    // Back on the first backend: its entries were replaced, so it recomputes, with the first keys.
    runs.length = 0;
    const back = await execute(graph, { files, cache, services: { scale: scale('cpu', 10) } });
    expect(back.nodes.x!.key).toBe(a.nodes.x!.key);
    expect(back.outputs['p.out']).toBe(21);
  });

  it('a node reading a service the host lacks fails with SERVICE_MISSING naming it', async () => {
    const s = await execute(graph, { files: memoryFiles().access, services: {} });
    expect(s.nodes.x!.error).toEqual({ code: 'SERVICE_MISSING', message: 'svc/Scaled needs the host service "scale", which this host does not provide (it provides: none)' });
    expect(s.nodes.p!.status).toBe('skipped');
  });

  it('keys of nodes that use no service do not depend on the host’s services', async () => {
    const plain = await execute(graph, { files: memoryFiles().access, targets: ['s'] });
    const lent = await execute(graph, { files: memoryFiles().access, targets: ['s'], services: { scale: scale('gpu', 1) } });
    expect(lent.nodes.s!.key).toBe(plain.nodes.s!.key);
  });
});

describe('cache keys', () => {
  it('an upgraded plugin recomputes its nodes, even at the same node version', async () => {
    const cache = new MemoryCache();
    const files = memoryFiles().access;
    const services = { scale: scale('cpu', 10) };
    const a = await execute(graph, { files, cache, services });
    runs.length = 0;
    const upgraded = await execute(checkGraph(doc(), pluginAt('1.0.1')).graph!, { files, cache, services });
    expect(runs).toEqual(['s', 'x', 'p']);
    expect(upgraded.nodes.s!.key).not.toBe(a.nodes.s!.key);
  });

  it('a cached value that is no longer a value of its port is recomputed', async () => {
    const cache = new MemoryCache();
    const files = memoryFiles().access;
    const services = { scale: scale('cpu', 10) };
    await execute(graph, { files, cache, services, targets: ['s'] });
    // Corrupt the stored entry, as a cache written by another version might hold.
    const entries = [...(cache as unknown as { entries: Map<string, { outputs: object }> }).entries];
    expect(entries).toHaveLength(1);
    const [preKey, entry] = entries[0]!;
    entry.outputs = { out: 'two' };
    runs.length = 0;
    const again = await execute(graph, { files, cache, services, targets: ['s'] });
    expect(runs).toEqual(['s']);
    expect(again.outputs['s.out']).toBe(2);
    expect(preKey).toBeTruthy();
  });
});
