/**
 * A plugin saved outside the repository, with no node_modules of its own, runs: the host lends
 * it its own `@stylegraph/core`. The plugin is the README's "Writing a plugin" example, verbatim.
 * One that brings a copy of core for another plugin API is refused in one line (exit 2).
 */
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readNpy, type Tensor } from '@stylegraph/core';
import { repoRoot, stylegraph } from './run-cli.js';

let dir: string;
const graph = {
  format: 'stylegraph.graph',
  formatVersion: 1,
  plugins: { '@stylegraph/plugin-faces': '^0.1.0', '@stylegraph/plugin-io': '^0.1.0', 'stylegraph-plugin-tiles': '^1.0.0' },
  nodes: {
    faces: { type: 'faces/RenderFaces', version: 1, params: { seeds: '0-1', size: 64 } },
    mask: { type: 'tiles/Checker', version: 1, params: { count: 2, size: 64, cell: 8, seed: 3 } },
    apply: { type: 'tiles/ApplyMask', version: 1, params: { fill: -1 } },
    saveFaces: { type: 'io/SaveTensor', version: 1, params: { path: 'faces.npy' } },
    saveMask: { type: 'io/SaveTensor', version: 1, params: { path: 'mask.npy' } },
    save: { type: 'io/SaveTensor', version: 1, params: { path: 'masked.npy' } },
  },
  edges: [
    { from: 'faces.image', to: 'apply.image' },
    { from: 'mask.mask', to: 'apply.mask' },
    { from: 'faces.image', to: 'saveFaces.tensor' },
    { from: 'mask.mask', to: 'saveMask.tensor' },
    { from: 'apply.image', to: 'save.tensor' },
  ],
};

beforeAll(async () => {
  const readme = await readFile(join(repoRoot, 'README.md'), 'utf8');
  const code = /```js\n([\s\S]*?)```/.exec(readme.slice(readme.indexOf('## Writing a plugin')))![1]!;
  // Outside the repository: no node_modules above it holds @stylegraph/core.
  dir = await mkdtemp(join(tmpdir(), 'sg-outside-'));
  await writeFile(join(dir, 'mine.mjs'), code);
  await writeFile(join(dir, 'g.graph.json'), JSON.stringify(graph));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

const npy = async (p: string) => readNpy(new Uint8Array(await readFile(p))) as Tensor;

describe('a plugin outside the repository', () => {
  it('runs with --plugin, importing the host’s @stylegraph/core', async () => {
    const r = stylegraph(['run', 'g.graph.json', '--plugin', './mine.mjs', '--out', 'out'], dir);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const [faces, mask, masked] = await Promise.all(['faces', 'mask', 'masked'].map((n) => npy(join(dir, 'out', `${n}.npy`))));
    expect(masked!.dims).toEqual([2, 3, 64, 64]);
    // Where the mask is 0 the fill, elsewhere the faces bit for bit.
    let filled = 0;
    for (let i = 0; i < masked!.data.length; i++) {
      const m = (mask!.data as Uint8Array)[Math.floor(i / (3 * 64 * 64)) * 64 * 64 + (i % (64 * 64))];
      expect(masked!.data[i]).toBe(m ? faces!.data[i] : -1);
      if (!m) filled++;
    }
    expect(filled).toBe(masked!.data.length / 2);
  });

  it('check and nodes see its kind and nodes the same way', () => {
    expect(stylegraph(['check', 'g.graph.json', '--plugin', './mine.mjs'], dir).code).toBe(0);
    const listed = JSON.parse(stylegraph(['nodes', '--json', '--plugin', './mine.mjs'], dir).stdout) as { kinds: { name: string; plugin?: string }[] };
    expect(listed.kinds).toContainEqual(expect.objectContaining({ name: 'tiles/Mask', plugin: 'stylegraph-plugin-tiles' }));
  });

  it('refuses, in one line, a plugin that brings a core for another plugin API', async () => {
    const core = join(dir, 'old', 'node_modules', '@stylegraph', 'core');
    await mkdir(core, { recursive: true });
    await writeFile(join(core, 'package.json'), JSON.stringify({ name: '@stylegraph/core', version: '1.0.0', type: 'module', exports: './index.js' }));
    await writeFile(join(core, 'index.js'), 'export const PLUGIN_API_VERSION = 1;\nexport const defineNode = (d) => d;\nexport const definePlugin = (d) => d;\n');
    await writeFile(
      join(dir, 'old', 'old.mjs'),
      "import { PLUGIN_API_VERSION, defineNode, definePlugin } from '@stylegraph/core';\n" +
        "export default definePlugin({ name: 'stylegraph-plugin-old', version: '1.0.0', apiVersion: PLUGIN_API_VERSION, nodes: [defineNode({ type: 'old/N', version: 1 })] });\n",
    );
    const r = stylegraph(['check', '../g.graph.json', '--plugin', './old.mjs'], join(dir, 'old'));
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/old\.mjs: definePlugin: stylegraph-plugin-old targets plugin API 1, this stylegraph provides API 2/);
    // `--plugin` paths are the command line's: relative to the current folder, not the graph's.
    expect(stylegraph(['check', '../g.graph.json', '--plugin', '../mine.mjs'], join(dir, 'old')).code).toBe(0);
  });
});
