/** The edges of the plugin API: names, versions, namespaces, services and kinds as data. */
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { PLUGIN_API_VERSION, defineNode, definePlugin } from './define.js';
import { Registry } from './registry.js';
import { recordingServices, sameServices, serviceIdentity } from './services.js';
import { definePortKind } from '../types/port-kind.js';
import { jsonCodec, tensorCodec } from '../values/codecs.js';

const base = { version: 1, title: 'T', category: 'T', inputs: {}, outputs: {}, params: z.object({}), purity: 'pure' as const, run: () => ({}) as never };
const Mask = definePortKind({ name: 'wm/Mask', description: 'masks', dims: ['B', 'H', 'W'], dtype: 'uint8', codec: tensorCodec as never });
const Key = definePortKind<string>({ name: 'wm/Key', description: 'a key', dims: [], check: () => undefined, codec: jsonCodec() });

describe('defineNode', () => {
  it('node types are exactly namespace/Name', () => {
    for (const bad of ['x/Y/Z', ' x/Y', 'x/Y ', 'X/Y', '1x/Y', 'x/1Y', 'x/Y-Z', 'x_/Y']) expect(() => defineNode({ ...base, type: bad }), bad).toThrow(/must look like "namespace\/Name"/);
    for (const good of ['x/Y', 'my-plugin2/Node3', 'a/b']) expect(defineNode({ ...base, type: good }).type).toBe(good);
  });

  it('versions are positive integers, and migrations cover every step below the version', () => {
    for (const v of [0, -1, 1.5, NaN]) expect(() => defineNode({ ...base, type: 'x/Y', version: v })).toThrow(/positive integer/);
    const m = (p: Record<string, unknown>) => p;
    expect(defineNode({ ...base, type: 'x/Y', version: 3, migrations: { 1: m, 2: m } }).version).toBe(3);
    expect(() => defineNode({ ...base, type: 'x/Y', version: 3, migrations: { 2: m } })).toThrow('defineNode: x/Y has migrations but none from version 1 to 2');
    // No migration is needed from the version itself.
    expect(defineNode({ ...base, type: 'x/Y', version: 2, migrations: { 1: m } }).version).toBe(2);
    expect(defineNode({ ...base, type: 'x/Y', version: 4 }).version).toBe(4);
  });

  it('effect and pure are the purities', () => {
    expect(defineNode({ ...base, type: 'x/Y', purity: 'effect' }).purity).toBe('effect');
    expect(() => defineNode({ ...base, type: 'x/Y', purity: 'cached' as never })).toThrow('defineNode: x/Y purity must be "pure" or "effect", not "cached"');
  });

  it('names the port whose kind does not resolve', () => {
    expect(() => defineNode({ ...base, type: 'x/Y', outputs: { out: { type: 'Mask' as never } } })).toThrow(/^defineNode: x\/Y output "out": port kind "Mask"/);
  });
});

describe('definePlugin namespaces', () => {
  const plugin = (extra: object) => ({ name: 'p', version: '1.0.0', apiVersion: PLUGIN_API_VERSION, nodes: [], ...extra });
  it('takes a declared namespace, which must be lower-case', () => {
    expect(definePlugin(plugin({ namespace: 'wm', kinds: [Key] })).namespace).toBe('wm');
    for (const bad of ['WM', 'w m', '-wm', 'wm/', 'wm_x', ' wm', 'wm ']) expect(() => definePlugin(plugin({ namespace: bad })), bad).toThrow(/must be lower-case letters, digits and dashes/);
    expect(definePlugin(plugin({ namespace: 'w-2' })).kinds).toEqual([]);
  });

  it('collects kinds from inputs and outputs, each once', () => {
    const n = defineNode({ ...base, type: 'wm/A', inputs: { k: { type: Key }, k2: { type: Key } }, outputs: { m: { type: Mask }, n: { type: 'number' } } });
    expect(definePlugin(plugin({ nodes: [n] })).kinds).toEqual([Key, Mask]);
    expect(definePlugin(plugin({ nodes: [n], kinds: [Mask] })).kinds).toEqual([Mask, Key]);
    expect(() => definePlugin(plugin({ namespace: 'wm', kinds: [Key, definePortKind<string>({ name: 'wm/Key', description: '', dims: [], check: () => undefined, codec: jsonCodec() })] }))).toThrow('definePlugin: p has two different port kinds named wm/Key (in kinds)');
  });
});

describe('host services', () => {
  it('a service’s cache identity: its cacheIdentity(), or nothing', async () => {
    expect(await serviceIdentity({ cacheIdentity: () => 'cpu/float32' })).toBe('cpu/float32');
    expect(await serviceIdentity({ cacheIdentity: async () => 'webgpu' })).toBe('webgpu');
    expect(await serviceIdentity({ cacheIdentity: 7 })).toBe('');
    for (const s of [null, undefined, 3, 'cpu', {}]) expect(await serviceIdentity(s)).toBe('');
  });

  it('records the services a node read, by name in order, and answers `in`', async () => {
    const r = recordingServices({ b: { cacheIdentity: () => 'B' }, a: 1, c: { cacheIdentity: () => 'C' } }, 'x/Y');
    const view = r.view as unknown as Record<string, unknown>;
    expect('a' in view).toBe(true);
    expect('zz' in view).toBe(false);
    expect(view.c).toEqual({ cacheIdentity: expect.any(Function) });
    void view.a;
    void view.c;
    expect(await r.used()).toEqual([['a', ''], ['c', 'C']]);
    expect(() => view.nope).toThrow('x/Y needs the host service "nope", which this host does not provide (it provides: b, a, c)');
    // Generic probes are not service reads; asking whether one exists is.
    expect(view.then).toBeUndefined();
    expect(JSON.stringify({ s: r.view })).toBe('{"s":{}}');
    const asked = recordingServices({ compute: { cacheIdentity: () => 'cpu' } }, 'x/Y');
    expect('compute' in (asked.view as object)).toBe(true);
    expect(await asked.used()).toEqual([['compute', 'cpu']]);
  });

  it('entries stay valid only while every recorded service has the same identity', async () => {
    const svc = { compute: { cacheIdentity: () => 'cpu' } };
    expect(await sameServices([], {})).toBe(true);
    expect(await sameServices([['compute', 'cpu']], svc)).toBe(true);
    expect(await sameServices([['compute', 'webgpu']], svc)).toBe(false);
    expect(await sameServices([['compute', 'cpu']], {})).toBe(false);
    expect(await sameServices([['compute', 'cpu'], ['other', '']], svc)).toBe(false);
  });
});

describe('registry kinds as data', () => {
  const p = (name: string, extra: object) => ({ name, version: '1.0.0', apiVersion: PLUGIN_API_VERSION, nodes: [], ...extra });
  it('finds kinds its plugins declare, use, or core has', () => {
    const user = defineNode({ ...base, type: 'det/Find', inputs: { m: { type: Mask } } });
    const r = new Registry([p('det', { nodes: [user] })]);
    // Nobody declares wm/Mask here; the node that uses it makes it known.
    expect(r.kind('wm/Mask')).toBe(Mask);
    expect(r.kind('Image')?.name).toBe('Image');
    expect(r.kind('wm/Nope')).toBeUndefined();
    const info = r.describeKinds().find((k) => k.name === 'wm/Mask')!;
    expect(info).toEqual({ name: 'wm/Mask', title: 'Mask', description: 'masks', dims: ['B', 'H', 'W'], tensor: true, dtype: 'uint8', color: Mask.color });
    expect(r.describeKinds().find((k) => k.name === 'number')).not.toHaveProperty('dtype');
    expect(r.describeKinds().find((k) => k.name === 'number')).not.toHaveProperty('plugin');
  });

  it('refuses a plugin registered twice, and lists plugins in registration order', () => {
    const r = new Registry([p('b', { nodes: [defineNode({ ...base, type: 'b/X' })] }), p('a', { namespace: 'a' })]);
    expect(() => r.register(p('a', { namespace: 'other' }))).toThrow('plugin a is already registered');
    expect(r.listPlugins().map((x) => [x.name, x.namespace])).toEqual([['b', 'b'], ['a', 'a']]);
    expect(new Registry().listPlugins()).toEqual([]);
  });

  it('describes nodes without optional fields they lack, with fileParams', () => {
    const r = new Registry([p('fp', { nodes: [defineNode({ ...base, type: 'fp/Read', fileParams: ['path'], description: 'reads' }), defineNode({ ...base, type: 'fp/Bare' })] })]);
    expect(r.describe('fp/Read')).toMatchObject({ fileParams: ['path'], description: 'reads' });
    expect(r.describe('fp/Bare')!.fileParams).toEqual([]);
    expect(r.describe('fp/Bare')).not.toHaveProperty('description');
    expect(r.describe('fp/None')).toBeUndefined();
    expect(r.describeAll().map((n) => n.type)).toEqual(['fp/Bare', 'fp/Read']);
  });
});
