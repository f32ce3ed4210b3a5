/**
 * The README's "Writing a plugin" example is real: its code block is loaded as a module,
 * registered, type-checked in graphs (right and wrong wiring) and run on real tensors.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PLUGIN_API_VERSION, Registry, checkGraph, defineNode, definePlugin, execute, frameValue, tensor, unframeValue, z, type PluginDefinition, type RunEvent, type Tensor } from '@stylegraph/core';

const here = fileURLToPath(new URL('.', import.meta.url));
let dir: string;
let plugin: PluginDefinition & { nodes: PluginDefinition['nodes'] };
let Mask: { name: string; codec: { encode(v: unknown): unknown; decode(e: unknown, c: object): Promise<unknown> | unknown } };

/** An image source for the example's nodes: every pixel 0.5. */
const Gray = defineNode({
  type: 'src/Gray',
  version: 1,
  title: 'Gray',
  category: 'T',
  inputs: {},
  outputs: { image: { type: 'Image', shape: ['B', 3, 'S', 'S'] } },
  params: z.object({ count: z.number().int().default(2), size: z.number().int().default(16) }),
  inferShapes: (p) => ({ B: p.count, S: p.size }),
  purity: 'pure',
  run: ({ params: p }) => ({ image: tensor('float32', [p.count, 3, p.size, p.size], new Float32Array(p.count * 3 * p.size * p.size).fill(0.5)) }),
});
const source = definePlugin({ name: 'src', version: '1.0.0', apiVersion: PLUGIN_API_VERSION, nodes: [Gray] });

const graph = (maskSize: number, swap = false) => ({
  format: 'stylegraph.graph',
  formatVersion: 1,
  plugins: { src: '^1.0.0', 'stylegraph-plugin-tiles': '^1.0.0' },
  nodes: {
    g: { type: 'src/Gray', version: 1, params: { count: 2, size: 16 } },
    m: { type: 'tiles/Checker', version: 1, params: { count: 2, size: maskSize, cell: 4, seed: 1 } },
    a: { type: 'tiles/ApplyMask', version: 1, params: { fill: -1 } },
  },
  edges: [
    { from: 'g.image', to: swap ? 'a.mask' : 'a.image' },
    { from: 'm.mask', to: swap ? 'a.image' : 'a.mask' },
  ],
});

beforeAll(async () => {
  const readme = await readFile(join(here, '../../README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('## Writing a plugin'));
  const code = /```js\n([\s\S]*?)```/.exec(section)![1]!;
  // Inside the repository, so `@stylegraph/core` resolves as it does for an installed plugin.
  dir = await mkdtemp(join(here, '.readme-plugin-'));
  await writeFile(join(dir, 'index.mjs'), code);
  const mod = (await import(pathToFileURL(join(dir, 'index.mjs')).href)) as { default: typeof plugin; Mask: typeof Mask };
  plugin = mod.default;
  Mask = mod.Mask;
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('the README plugin', () => {
  it('registers under its namespace with its kind', () => {
    const r = new Registry([source, plugin]);
    expect(r.plugin('stylegraph-plugin-tiles')?.namespace).toBe('tiles');
    expect(r.describeKinds().find((k) => k.name === 'tiles/Mask')).toMatchObject({ dims: ['B', 'H', 'W'], dtype: 'uint8', color: '#16a085', plugin: 'stylegraph-plugin-tiles' });
    expect(r.describe('tiles/Checker')!.params).toMatchObject({ properties: { seed: { widget: 'seed' } } });
  });

  it('check accepts the right wiring and refuses a wrong kind or a wrong size with the reason', () => {
    const r = new Registry([source, plugin]);
    expect(checkGraph(graph(16), r).diagnostics).toEqual([]);
    const size = checkGraph(graph(8), r).diagnostics;
    expect(size.map((d) => d.code)).toContain('SHAPE_MISMATCH');
    expect(size.find((d) => d.code === 'SHAPE_MISMATCH')!.message).toBe('m.mask → a.mask (Mask [B, H, W]) disagrees on H: 8 (from the params of node "m") ≠ 16 (from the params of node "g"); W: 8 (from the params of node "m") ≠ 16 (from the params of node "g")');
    const kind = checkGraph(graph(16, true), r).diagnostics.filter((d) => d.code === 'TYPE_MISMATCH');
    expect(kind.map((d) => d.message)).toEqual(['g.image is Image [B, 3, S, S] but input "mask" of tiles/ApplyMask takes Mask [B, H, W]', 'm.mask is Mask [B, H, W] but input "image" of tiles/ApplyMask takes Image [B, C, H, W]']);
  });

  it('runs: masked pixels take the fill, the others keep their value; previews stream per image', async () => {
    const r = new Registry([source, plugin]);
    const events: RunEvent[] = [];
    const s = await execute(checkGraph(graph(16), r).graph!, { files: { read: async () => new Uint8Array(), exists: async () => false, write: async (p) => p }, onEvent: (e) => events.push(e) });
    expect(s.status).toBe('ok');
    const img = s.outputs['a.image'] as Tensor<'float32'>;
    expect(img.dims).toEqual([2, 3, 16, 16]);
    // The checker's phase is seed 1's first randint(0, 2) draw: NumPy's RandomState(1).randint(0, 2) = 1.
    for (let b = 0; b < 2; b++)
      for (let c = 0; c < 3; c++)
        for (let y = 0; y < 16; y++)
          for (let x = 0; x < 16; x++) {
            const on = (Math.floor(x / 4) + Math.floor(y / 4) + 1) % 2 === 1;
            expect(img.data[((b * 3 + c) * 16 + y) * 16 + x], `${b},${c},${y},${x}`).toBe(on ? 0.5 : -1);
          }
    const shown = events.filter((e) => e.type === 'node-value');
    expect(shown.map((e) => [e.node, e.name, e.step, (e.value as Tensor).dims[0]])).toEqual([
      ['a', 'preview', 0, 1],
      ['a', 'preview', 1, 2],
    ]);
  });

  it('its kind’s codec round-trips a mask bit for bit, and its check refuses other bytes', async () => {
    const m = tensor('uint8', [1, 2, 2], new Uint8Array([0, 1, 1, 0]));
    const { kind, encoded } = unframeValue(frameValue(Mask.name, (await Mask.codec.encode(m)) as never));
    expect(kind).toBe('tiles/Mask');
    expect(Array.from(((await Mask.codec.decode(encoded, {})) as Tensor<'uint8'>).data)).toEqual([0, 1, 1, 0]);
    const r = new Registry([source, plugin]);
    expect(r.kind('tiles/Mask')!.check(tensor('uint8', [1, 1, 1], new Uint8Array([2])))).toBe('mask values must be 0 or 1');
  });
});
