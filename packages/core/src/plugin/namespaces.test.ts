import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { PLUGIN_API_VERSION, defineNode, definePlugin, type PluginDefinition } from './define.js';
import { Registry } from './registry.js';
import { definePortKind } from '../types/port-kind.js';
import { jsonCodec, tensorCodec } from '../values/codecs.js';

const Key = definePortKind<string>({ name: 'wm/Key', description: 'a key', dims: [], check: (v) => (typeof v === 'string' ? undefined : 'expected a key'), codec: jsonCodec(), color: '#123456' });
const Mask = definePortKind({ name: 'wm/Mask', description: 'masks [B, H, W]', dims: ['B', 'H', 'W'], dtype: 'uint8', codec: tensorCodec as never });

const node = (type: string, inputs = {}, outputs: Record<string, { type: unknown }> = { out: { type: 'number' } }) =>
  defineNode({ type, version: 1, title: type, category: 'T', inputs, outputs: outputs as never, params: z.object({}), purity: 'pure', run: () => ({}) as never });
const plugin = (name: string, extra: Partial<PluginDefinition>) => ({ name, version: '1.0.0', apiVersion: PLUGIN_API_VERSION, nodes: [], ...extra });

describe('namespaces', () => {
  it('a plugin owns the namespace of its node types and kinds', () => {
    const p = definePlugin(plugin('wm', { nodes: [node('wm/Embed', { key: { type: Key } }, { mask: { type: Mask } })] }));
    expect(p.namespace).toBe('wm');
    // Kinds of its namespace that its ports use are its kinds, without listing them.
    expect(p.kinds.map((k) => k.name).sort()).toEqual(['wm/Key', 'wm/Mask']);
  });

  it('refuses node types or kinds outside the declared namespace', () => {
    expect(() => definePlugin(plugin('a', { namespace: 'a', nodes: [node('std/Constant')] }))).toThrow(/only in its namespace "a\/", not std\/Constant/);
    expect(() => definePlugin(plugin('a', { nodes: [node('a/X'), node('b/Y')] }))).toThrow(/several namespaces \(a, b\)/);
    expect(() => definePlugin(plugin('a', { namespace: 'a', kinds: [Key] }))).toThrow(/port kinds only in its namespace "a\/", not wm\/Key/);
    expect(() => definePlugin(plugin('a', {}))).toThrow(/declare its namespace/);
    const Other = definePortKind<string>({ name: 'wm/Key', description: 'another', dims: [], check: () => undefined, codec: jsonCodec() });
    expect(() => definePlugin(plugin('wm', { kinds: [Key], nodes: [node('wm/A', { k: { type: Other } })] }))).toThrow(/two different port kinds named wm\/Key/);
  });

  it('the registry refuses a second plugin in a namespace another owns, kinds included', () => {
    const r = new Registry([plugin('@x/wm', { nodes: [node('wm/Embed', { key: { type: Key } })] })]);
    expect(() => r.register(plugin('@evil/wm', { namespace: 'wm', kinds: [Mask] }))).toThrow(/namespace "wm", which belongs to @x\/wm/);
    expect(r.plugin('@evil/wm')).toBeUndefined();
    expect(r.kind('wm/Mask')).toBeUndefined();
  });

  it('a plugin may use another plugin’s kinds; the registry lists every kind with its owner', () => {
    const r = new Registry([plugin('@x/wm', { kinds: [Key], nodes: [node('wm/Embed', { key: { type: Key } })] }), plugin('@y/det', { nodes: [node('det/Check', { key: { type: Key } })] })]);
    expect(r.kind('wm/Key')).toBe(Key);
    const info = r.describeKinds();
    expect(info.slice(0, 7).map((k) => k.name)).toEqual(['boolean', 'Image', 'integer', 'number', 'Report', 'string', 'Tensor']);
    expect(info.find((k) => k.name === 'wm/Key')).toEqual({ name: 'wm/Key', title: 'Key', description: 'a key', dims: [], tensor: false, color: '#123456', plugin: '@x/wm' });
  });

  it('a plugin may not pass off its own record as a core kind, nor redefine a registered kind', () => {
    const FakeImage = definePortKind({ name: 'Image', description: 'not core’s', dims: ['B', 'C', 'H', 'W'], dtype: 'float64', codec: tensorCodec as never });
    expect(() => definePlugin(plugin('x', { nodes: [node('x/A', {}, { out: { type: FakeImage } })] }))).toThrow(/uses a port kind named Image \(x\/A\) that is not core's/);
    // An equal record (from another copy of core) is core's kind.
    const CopyImage = definePortKind({ name: 'Image', description: 'a copy', dims: ['B', 'C', 'H', 'W'], dtype: 'float32', codec: tensorCodec as never });
    expect(definePlugin(plugin('x', { nodes: [node('x/A', {}, { out: { type: CopyImage } })] })).kinds).toEqual([]);
    const r = new Registry([plugin('@x/wm', { kinds: [Mask], nodes: [node('wm/Embed', {}, { m: { type: Mask } })] })]);
    const OtherMask = definePortKind({ name: 'wm/Mask', description: 'rank 2', dims: ['H', 'W'], dtype: 'uint8', codec: tensorCodec as never });
    expect(() => r.register(plugin('det', { nodes: [node('det/Find', { m: { type: OtherMask } })] }))).toThrow('plugin det: det/Find uses a port kind wm/Mask that differs from the registered one (dims, dtype or tensor-ness)');
    expect(r.plugin('det')).toBeUndefined();
    const SameMask = definePortKind({ name: 'wm/Mask', description: 'a copy', dims: ['B', 'H', 'W'], dtype: 'uint8', codec: tensorCodec as never });
    expect(r.register(plugin('det', { nodes: [node('det/Find', { m: { type: SameMask } })] })).plugin('det')).toBeDefined();
  });

  it('a node may not name a kind core does not declare', () => {
    expect(() => node('a/X', { w: { type: 'WPlus' } })).toThrow(/a\/X input "w": port kind "WPlus" is not one of core's.*pass the kind's record/);
  });

  it('refuses purities other than pure and effect', () => {
    expect(() => defineNode({ type: 'a/X', version: 1, title: 'X', category: 'T', inputs: {}, outputs: {}, params: z.object({}), purity: 'seeded' as never, run: () => ({}) })).toThrow(/purity must be "pure" or "effect"/);
  });
});
