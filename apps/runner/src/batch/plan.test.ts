/**
 * Planning and running shards without a queue: which nodes are on the item axis, which graphs
 * cannot be sharded, and that shards together write exactly the files one run writes.
 */
import { mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GraphDocumentSchema, Registry, checkGraph, execute, type GraphDocument } from '@stylegraph/core';
import type { Compute } from '@stylegraph/ops-gpu';
import { BUILTIN_PLUGINS } from '../host/plugins.js';
import { NodeFiles } from '../host/node-files.js';
import { nodeCompute } from '../host/compute.js';
import { planBatch } from './plan.js';
import { HandleCache, ShardFailure, runShard } from './run-shard.js';
import { withAxisValue } from './axis.js';

const examples = fileURLToPath(new URL('../../../../examples/', import.meta.url));
const registry = new Registry(BUILTIN_PLUGINS);
const readDoc = async (name: string) => GraphDocumentSchema.parse(JSON.parse(await readFile(join(examples, name), 'utf8')));
const setParam = (doc: GraphDocument, node: string, param: string, value: unknown) => withAxisValue(doc, { node, param }, value);

/** The dataset example with random noise, so a shard that drew image i's noise from its local index would differ. */
async function noisyDataset(seeds: string): Promise<GraphDocument> {
  const doc = setParam(await readDoc('dataset.graph.json'), 'seeds', 'seeds', seeds);
  return {
    ...doc,
    nodes: { ...doc.nodes, noise: { type: 'stylegan/Noise', version: 1, params: { mode: 'random', seed: 5 } } },
    edges: [...doc.edges, { from: 'model.generator', to: 'noise.generator' }, { from: 'noise.noise', to: 'synthesis.noise' }],
  };
}

let dir: string;
let compute: Compute;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sg-batch-plan-'));
  compute = await nodeCompute('cpu');
});
afterAll(async () => {
  compute?.clear();
  await rm(dir, { recursive: true, force: true });
});

const files = async (d: string) => (await readdir(d)).sort();

describe('planBatch', () => {
  it('splits the items into consecutive shards and finds the nodes on the item axis', async () => {
    const plan = planBatch(await noisyDataset('0-9,40,41,42,100-106'), registry, { shard: 'seeds.seeds', size: 7, backend: 'cpu', out: '/o' });
    expect(plan.axis).toMatchObject({ node: 'seeds', param: 'seeds', kind: 'seeds', total: 20 });
    expect(plan.shards).toEqual([
      { index: 0, offset: 0, count: 7, value: '0-6' },
      { index: 1, offset: 7, count: 7, value: '7-9,40-42,100' },
      { index: 2, offset: 14, count: 6, value: '101-106' },
    ]);
    // The model is the same in every shard; the rest carries the items (the noise spec's batch is synthesis's).
    expect([...plan.perItem].sort()).toEqual(['mapping', 'noise', 'save', 'seeds', 'synthesis', 'truncation']);
    // The job's document holds the list as written: what one run would embed in its PNGs.
    expect(plan.document.nodes.seeds!.params!.seeds).toBe('0-9,40,41,42,100-106');
  });

  it('gives one id to the same job and another when anything that changes the outputs does', async () => {
    const doc = await noisyDataset('0-99');
    const id = (d: GraphDocument, o: Partial<{ size: number; out: string; backend: string }> = {}) => planBatch(d, registry, { shard: 'seeds.seeds', size: 10, backend: 'cpu', out: '/o', ...o }).id;
    expect(id(doc)).toBe(id(structuredClone(doc)));
    expect(id(doc, { size: 11 })).not.toBe(id(doc));
    expect(id(doc, { out: '/p' })).not.toBe(id(doc));
    expect(id(doc, { backend: 'webgpu' })).not.toBe(id(doc));
    expect(id(setParam(doc, 'truncation', 'psi', 0.5))).not.toBe(id(doc));
    const where = (o: object) => planBatch(doc, registry, { shard: 'seeds.seeds', size: 10, backend: 'cpu', out: '/o', ...o }).id;
    expect(where({ root: '/a' })).not.toBe(where({ root: '/b' }));
    expect(where({ root: '/a' })).not.toBe(where({ root: '/a', confine: '/a' }));
    expect(where({ inputs: { 'model.path:m': 'h1' } })).not.toBe(where({ inputs: { 'model.path:m': 'h2' } }));
  });

  it('refuses a graph whose effect node sees all items at once (a grid), naming the node', async () => {
    const doc = await readDoc('generate.graph.json');
    expect(() => planBatch(doc, registry, { shard: 'seeds.seeds', size: 4, backend: 'cpu', out: '/o' })).toThrow(/node "save" \(io\/SaveImage\) would run once per shard on values that are not per item/);
  });

  it('refuses an effect node that writes its whole batch as one file', async () => {
    const base = await noisyDataset('0-9');
    const doc = { ...base, nodes: { ...base.nodes, save: { type: 'io/SaveTensor', version: 1, params: { path: 'w.npy' } } }, edges: base.edges.map((e) => (e.to === 'save.image' ? { from: 'mapping.w', to: 'save.tensor' } : e)) };
    expect(checkGraph(doc, registry).ok).toBe(true);
    expect(() => planBatch(doc, registry, { shard: 'seeds.seeds', size: 4, backend: 'cpu', out: '/o' })).toThrow(/node "save" \(io\/SaveTensor\) writes its whole batch as one result/);
  });

  it('names what is wrong with the axis', async () => {
    const doc = await noisyDataset('0-9');
    const plan = (shard: string, size = 4) => () => planBatch(doc, registry, { shard, size, backend: 'cpu', out: '/o' });
    expect(plan('nope.seeds')).toThrow(/the graph has no node "nope"/);
    expect(plan('seeds.nope')).toThrow(/stylegan\/SeedLatents has no param "nope" \(it has seeds\)/);
    expect(plan('truncation.psi')).toThrow(/neither a seed list nor a list/);
    expect(plan('seeds')).toThrow(/expected node\.param/);
    expect(plan('seeds.seeds', 0)).toThrow(/--size 0/);
  });

  it('names what is wrong with the axis value, and a graph that is invalid once narrowed', async () => {
    const doc = await noisyDataset('0-9');
    const plan = (d: GraphDocument, shard: string) => () => planBatch(d, registry, { shard, size: 4, backend: 'cpu', out: '/o' });
    expect(plan(setParam(doc, 'seeds', 'seeds', 7), 'seeds.seeds')).toThrow(/--shard seeds\.seeds: the seed list must be a string like "0-999", not 7/);
    expect(plan(setParam(doc, 'seeds', 'seeds', '0-x'), 'seeds.seeds')).toThrow(/--shard seeds\.seeds: seed list: "0-x" is not a seed/);
    expect(plan({ ...doc, nodes: { ...doc.nodes, seeds: { ...doc.nodes.seeds!, type: 'nope/Seeds' } } }, 'seeds.seeds')).toThrow(/node "seeds" has the unknown type nope\/Seeds/);
    const images: GraphDocument = { ...doc, nodes: { ...doc.nodes, load: { type: 'io/LoadImages', version: 1, params: { paths: [] } } } };
    expect(plan(images, 'load.paths')).toThrow(/--shard load\.paths: the list is empty; there is nothing to shard/);
    // A list that is not what the batch is made of.
    expect(plan(setParam(doc, 'noise', 'layerStrength', Array(9).fill(1)), 'noise.layerStrength')).toThrow(/--shard noise\.layerStrength: the batch of node "noise" \(stylegan\/Noise\) does not follow this param/);
    // Narrowed to one item, a graph that no longer checks: said before anything is queued.
    const strict = { ...images, nodes: { ...images.nodes, load: { type: 'io/LoadImages', version: 1, params: { paths: ['a.txt', 'b.png'] } } } };
    expect(plan(strict, 'load.paths')).toThrow(/the graph is invalid with one item: .*load/);
  });

  it('shards a default seed list (the param left out) and keeps it left out in the job’s document', async () => {
    const doc = await noisyDataset('0-9');
    const params = { ...doc.nodes.seeds!.params };
    delete params.seeds;
    const plan = planBatch({ ...doc, nodes: { ...doc.nodes, seeds: { ...doc.nodes.seeds!, params } } }, registry, { shard: 'seeds.seeds', size: 1, backend: 'cpu', out: '/o' });
    expect(plan.shards.map((s) => s.value)).toEqual(['0', '1', '2', '3', '4', '5', '6', '7']);
    expect(plan.document.nodes.seeds!.params).toEqual({});
    expect(plan.document.nodes.model).toEqual(doc.nodes.model);
  });

  it('gives another id when a plugin’s version differs', async () => {
    const doc = await noisyDataset('0-99');
    const other = new Registry(BUILTIN_PLUGINS.map((p) => (p.name === '@stylegraph/plugin-io' ? { ...p, version: '0.1.1' } : p)));
    const opts = { shard: 'seeds.seeds', size: 10, backend: 'cpu', out: '/o' };
    expect(planBatch(doc, other, opts).id).not.toBe(planBatch(doc, registry, opts).id);
  });

  it('takes seed lists longer than one node may hold, since each shard holds a part', async () => {
    const plan = planBatch(await noisyDataset('0-999999'), registry, { shard: 'seeds.seeds', size: 100_000, backend: 'cpu', out: '/o' });
    expect(plan.shards.map((s) => s.value)).toEqual(Array.from({ length: 10 }, (_, i) => `${i * 100_000}-${i * 100_000 + 99_999}`));
  });
});

describe('runShard', () => {
  it('writes, shard by shard, the bytes one run writes: names, noise and the embedded graph', async () => {
    const doc = await noisyDataset('3-5, 6,7,8-12');
    const single = join(dir, 'single');
    const checked = checkGraph(doc, registry);
    const summary = await execute(checked.graph!, { files: new NodeFiles({ readRoot: examples, outDir: single }), services: { compute } });
    expect(summary.status).toBe('ok');

    const plan = planBatch(doc, registry, { shard: 'seeds.seeds', size: 4, backend: 'cpu', out: join(dir, 'sharded') });
    const job = { document: plan.document, axis: plan.axis, perItem: plan.perItem, root: examples, out: join(dir, 'sharded') };
    const cache = new HandleCache();
    const results = [];
    // In reverse order: a shard's outputs never depend on which shards ran before it.
    for (const shard of [...plan.shards].reverse()) results.push(await runShard(job, shard, { registry, services: { compute }, cache }));
    expect(await files(join(dir, 'sharded'))).toEqual(await files(single));
    expect(await files(single)).toHaveLength(10);
    for (const f of await files(single)) expect(Buffer.compare(await readFile(join(dir, 'sharded', f)), await readFile(join(single, f))), f).toBe(0);
    expect(results.map((r) => r.files.map((f) => f.path))).toEqual([['seed-00008.png', 'seed-00009.png'], ['seed-00004.png', 'seed-00005.png', 'seed-00006.png', 'seed-00007.png'], ['seed-00000.png', 'seed-00001.png', 'seed-00002.png', 'seed-00003.png']]);
    // One file name for every image would be overwritten shard after shard: refused in a shard even of one image.
    const oneName = planBatch(setParam(doc, 'save', 'path', 'face.png'), registry, { shard: 'seeds.seeds', size: 1, backend: 'cpu', out: join(dir, 'one') });
    await expect(runShard({ ...job, document: oneName.document }, oneName.shards[0]!, { registry, services: { compute } })).rejects.toThrow(/PATH_TEMPLATE: a batch job's images need \{index\}/);
    // The generator was opened once: later shards took it from the worker's cache.
    expect(results.slice(1).every((r) => r.counts.cached >= 1)).toBe(true);
  });

  it('shards a list of image files, and a bad file fails its shard with the node and the file named', async () => {
    const pics = join(dir, 'pics');
    const doc: GraphDocument = {
      format: 'stylegraph.graph',
      formatVersion: 1,
      plugins: { '@stylegraph/plugin-io': '^0.1.0' },
      nodes: { load: { type: 'io/LoadImages', version: 1, params: { paths: ['a.png', 'b.png', 'bad.png'], size: 8 } }, save: { type: 'io/SaveImage', version: 1, params: { path: 'copy-{index}.png', embedGraph: false } } },
      edges: [{ from: 'load.image', to: 'save.image' }],
    };
    const plan = planBatch(doc, registry, { shard: 'load.paths', size: 2, backend: 'cpu', out: join(pics, 'out') });
    expect(plan.shards.map((s) => s.value)).toEqual([['a.png', 'b.png'], ['bad.png']]);
    const one = await readFile(join(examples, '../test/golden/examples/generate/generate.png'));
    await Promise.all([writeFile(join(dir, 'a.png'), one), writeFile(join(dir, 'b.png'), one), writeFile(join(dir, 'bad.png'), one.subarray(0, 100))]);
    const job = { document: plan.document, axis: plan.axis, perItem: plan.perItem, root: dir, out: join(pics, 'out') };
    await mkdir(pics, { recursive: true });
    const r = await runShard(job, plan.shards[0]!, { registry, services: { compute } });
    expect(r.files.map((f) => f.path)).toEqual(['copy-0.png', 'copy-1.png']);
    await expect(runShard(job, plan.shards[1]!, { registry, services: { compute } })).rejects.toThrow(ShardFailure);
    await expect(runShard(job, plan.shards[1]!, { registry, services: { compute } })).rejects.toThrow(/shard 1: node "load" \(io\/LoadImages\) failed: IMAGE_INVALID: .*bad\.png/);

    // A shard whose graph is invalid, and a failing node that is not the first: each named.
    await expect(runShard(job, { index: 5, offset: 0, count: 1, value: 'not-a-list' }, { registry, services: { compute } })).rejects.toThrow(/^shard 5: the graph is invalid: .*paths/);
    const blocked = { ...job, document: plan.document, out: join(dir, 'a.png', 'x') };
    await expect(runShard(blocked, plan.shards[0]!, { registry, services: { compute } })).rejects.toThrow(/shard 0: node "save" \(io\/SaveImage\) failed: FILE_WRITE/);
    // A cancelled shard says so.
    const stop = new AbortController();
    stop.abort();
    await expect(runShard(job, plan.shards[0]!, { registry, services: { compute }, signal: stop.signal })).rejects.toThrow(/^shard 0: cancelled$/);

    // A job a client sent to the server is confined to its workspace: no reads outside it.
    const outside = planBatch(setParam(doc, 'load', 'paths', ['a.png', '../a.png']), registry, { shard: 'load.paths', size: 2, backend: 'cpu', out: join(pics, 'out') });
    const confined = { ...job, document: outside.document, root: pics, confine: pics };
    await writeFile(join(pics, 'a.png'), one);
    await expect(runShard(confined, outside.shards[0]!, { registry, services: { compute } })).rejects.toThrow(/FILE_READ: cannot read \.\.\/a\.png: outside the workspace/);
  });
});
