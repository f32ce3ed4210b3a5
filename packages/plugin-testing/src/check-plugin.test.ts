/**
 * checkPlugin on plugin packages written here, inside the repository (so their
 * `@stylegraph/core` resolves as an installed plugin's does), loaded by the host's loader.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PLUGIN_API_VERSION } from '@stylegraph/core';
import { checkPlugin } from './check-plugin.js';
import { formatReport } from './report.js';

const here = fileURLToPath(new URL('.', import.meta.url));
let root: string;

const manifest = (name: string, ns: string, extra: Record<string, unknown> = {}) => ({
  name,
  version: '1.0.0',
  type: 'module',
  keywords: ['stylegraph-plugin'],
  peerDependencies: { '@stylegraph/core': `^${PLUGIN_API_VERSION}.0.0` },
  stylegraph: { apiVersion: `^${PLUGIN_API_VERSION}`, entry: './index.js', namespace: ns, capabilities: { fs: { read: [], write: [] }, net: false, childProcess: false, maxMemoryMB: 256, timeoutS: 30 } },
  ...extra,
});

const GOOD = `
import { PLUGIN_API_VERSION, defineNode, definePlugin, definePortKind, tensor, tensorCodec, z } from '@stylegraph/core';
export const Mask = definePortKind({ name: 'good/Mask', description: 'masks', dims: ['B', 'H', 'W'], dtype: 'uint8', codec: tensorCodec,
  check: (t) => (t.data.every((v) => v <= 1) ? undefined : 'mask values must be 0 or 1') });
const Handle = definePortKind({ name: 'good/Handle', description: 'a handle', dims: [], check: () => undefined, codec: { encode: () => ({ header: null, bytes: new Uint8Array() }), decode: () => ({}) } });
const Invert = defineNode({ type: 'good/Invert', version: 1, title: 'Invert', category: 'C',
  inputs: { image: { type: 'Image' } }, outputs: { image: { type: 'Image' } },
  params: z.object({ amount: z.number().min(0).max(1).default(1) }), purity: 'pure',
  run: ({ inputs: { image }, params }) => {
    if (image.dims.join() !== '1,3,8,8') throw new Error('expected the [1, 3, 8, 8] sample image, got ' + image.dims.join());
    return { image: tensor('float32', image.dims, image.data.map((v) => v * (1 - 2 * params.amount))) };
  } });
const Apply = defineNode({ type: 'good/Apply', version: 1, title: 'Apply', category: 'C',
  inputs: { image: { type: 'Image', shape: ['B', 'C', 'H', 'W'] }, mask: { type: Mask }, scale: { type: 'number' } },
  outputs: { image: { type: 'Image', shape: ['B', 'C', 'H', 'W'] }, report: { type: 'Report' } },
  params: z.object({}), purity: 'pure',
  run: ({ inputs: { image, mask, scale } }) => ({ image, report: { scale, masked: mask.data.length } }) });
const Checker = defineNode({ type: 'good/Checker', version: 1, title: 'Checker', category: 'C',
  inputs: {}, outputs: { mask: { type: Mask } },
  params: z.object({ size: z.number().int().default(4) }), inferShapes: (p) => ({ B: 1, H: p.size, W: p.size }), purity: 'pure',
  run: ({ params: p }) => ({ mask: tensor('uint8', [1, p.size, p.size]) }) });
const Sized = defineNode({ type: 'good/Sized', version: 1, title: 'Sized', category: 'C',
  inputs: { mask: { type: Mask } }, outputs: { n: { type: 'integer' } },
  params: z.object({ size: z.number().int().default(5) }), inferShapes: (p) => ({ H: p.size, W: p.size }), purity: 'pure',
  run: ({ inputs: { mask } }) => ({ n: mask.dims[1] }) });
const UsesHandle = defineNode({ type: 'good/UsesHandle', version: 1, title: 'UsesHandle', category: 'C',
  inputs: { h: { type: Handle } }, outputs: { n: { type: 'number' } }, params: z.object({}), purity: 'pure', run: () => ({ n: 1 }) });
const NeedsParam = defineNode({ type: 'good/NeedsParam', version: 1, title: 'NeedsParam', category: 'C',
  inputs: {}, outputs: { n: { type: 'number' } }, params: z.object({ path: z.string() }), purity: 'pure', run: () => ({ n: 1 }) });
export default definePlugin({ name: 'stylegraph-plugin-good', version: '1.0.0', apiVersion: PLUGIN_API_VERSION, nodes: [Invert, Apply, Checker, Sized, UsesHandle, NeedsParam] });
`;

const BAD = `
import { PLUGIN_API_VERSION, NodeError, defineNode, definePlugin, tensor, z } from '@stylegraph/core';
const Throws = defineNode({ type: 'bad/Throws', version: 1, title: 'T', category: 'C', inputs: { image: { type: 'Image' } }, outputs: { image: { type: 'Image' } },
  params: z.object({ strength: z.number().default(0) }), purity: 'pure',
  run: ({ params }) => { if (params.strength === 0) throw new NodeError('bad/ZERO', 'strength 0 divides by zero'); return {}; } });
const WrongOut = defineNode({ type: 'bad/WrongOut', version: 1, title: 'W', category: 'C', inputs: {}, outputs: { image: { type: 'Image' } },
  params: z.object({}), purity: 'pure', run: () => ({ image: tensor('float32', [1, 3, 2], new Float32Array(6)) }) });
const Impure = defineNode({ type: 'bad/Impure', version: 1, title: 'I', category: 'C', inputs: {}, outputs: { x: { type: 'number' } },
  params: z.object({}), purity: 'pure', run: () => ({ x: Math.random() }) });
const Fine = defineNode({ type: 'bad/Fine', version: 1, title: 'F', category: 'C', inputs: {}, outputs: { x: { type: 'number' } },
  params: z.object({}), purity: 'effect', run: () => ({ x: Math.random() }) });
export default definePlugin({ name: 'stylegraph-plugin-bad', version: '1.0.0', apiVersion: PLUGIN_API_VERSION, nodes: [Throws, WrongOut, Impure, Fine] });
`;

async function pkg(dir: string, json: unknown, code?: string) {
  await mkdir(join(root, dir), { recursive: true });
  await writeFile(join(root, dir, 'package.json'), typeof json === 'string' ? json : JSON.stringify(json, null, 2));
  if (code !== undefined) await writeFile(join(root, dir, 'index.js'), code);
  return join(root, dir);
}

beforeAll(async () => {
  // In the repository's tmp/ (git-ignored), so their @stylegraph/core resolves as an installed plugin's does.
  await mkdir(join(here, '../../../tmp'), { recursive: true });
  root = await mkdtemp(join(here, '../../../tmp/check-plugin-'));
});
afterAll(() => rm(root, { recursive: true, force: true }));

describe('checkPlugin', () => {
  it('loads a plugin as the host does (isolated, with its capabilities) and runs its node', async () => {
    const dir = await pkg('isolated', manifest('stylegraph-plugin-good', 'good'), GOOD);
    const r = await checkPlugin(dir);
    expect(r.problems, formatReport(r)).toEqual([]);
    expect(r.nodes.find((n) => n.type === 'good/Invert')?.status).toBe('ok');
  });

  it('runs each node once on generated inputs (in this process with trust)', async () => {
    const dir = await pkg('good', manifest('stylegraph-plugin-good', 'good'), GOOD);
    const r = await checkPlugin(dir, { trust: true });
    expect(r.problems, formatReport(r)).toEqual([]);
    expect(r.ok).toBe(true);
    expect(r.name).toBe('stylegraph-plugin-good');
    expect(r.nodes.map((n) => [n.type, n.status])).toEqual([
      ['good/Invert', 'ok'], // Image [1, 3, 8, 8]
      ['good/Apply', 'ok'], // a Mask [1, 8, 8] agreeing with the image, a number
      ['good/Checker', 'ok'],
      ['good/Sized', 'ok'], // its mask takes H = W = 5 from the params' inferShapes
      ['good/UsesHandle', 'skipped'],
      ['good/NeedsParam', 'skipped'],
    ]);
    expect(r.nodes[4]!.message).toBe('input "h" is a good/Handle, which checkPlugin cannot make; test the node with runNode');
    expect(r.nodes[5]!.message).toMatch(/no defaults.*path/);
  });

  it('reports nodes that fail on default params or return the wrong kind, and impure pure nodes', async () => {
    const dir = await pkg('bad', manifest('stylegraph-plugin-bad', 'bad'), BAD);
    const r = await checkPlugin(new URL(`file://${dir}/`), { trust: true });
    expect(r.ok).toBe(false);
    expect(r.nodes.map((n) => [n.type, n.status])).toEqual([
      ['bad/Throws', 'failed'],
      ['bad/WrongOut', 'failed'],
      ['bad/Impure', 'ok'],
      ['bad/Fine', 'ok'],
    ]);
    expect(r.problems.map((p) => [p.severity, p.code, p.node])).toEqual([
      ['error', 'NODE_FAILED', 'bad/Throws'],
      ['error', 'NODE_FAILED', 'bad/WrongOut'],
      ['warning', 'NODE_IMPURE', 'bad/Impure'],
    ]);
    expect(r.problems[0]!.message).toContain('bad/ZERO: strength 0 divides by zero');
    expect(r.problems[1]!.message).toContain('NODE_OUTPUT_INVALID');
  });

  it('checks the manifest and the files it names before loading anything', async () => {
    const noEntry = await pkg('no-entry', manifest('stylegraph-plugin-none', 'none'));
    const r = await checkPlugin(noEntry);
    expect(r.problems).toEqual([{ severity: 'error', code: 'FILE_MISSING', field: 'stylegraph.entry', message: './index.js does not exist; build the plugin first (npm run build)' }]);
    expect(r.nodes).toEqual([]);
    const old = await pkg('old-api', manifest('stylegraph-plugin-old', 'old', { stylegraph: { apiVersion: '^1', entry: './index.js', namespace: 'old' } }), 'throw new Error("never imported")');
    const refused = await checkPlugin(old);
    expect(refused.problems.filter((p) => p.severity === 'error').map((p) => p.code)).toEqual(['API_VERSION']);
    expect(refused.nodes).toEqual([]);
    expect((await checkPlugin(join(root, 'absent'))).problems.map((p) => p.code)).toEqual(['PACKAGE_JSON']);
    expect((await checkPlugin(await pkg('not-json', '{ nope'))).problems.map((p) => p.code)).toEqual(['PACKAGE_JSON']);
    const manifestOnly = await checkPlugin(await pkg('only', manifest('stylegraph-plugin-only', 'only'), 'throw new Error("never imported")'), { manifestOnly: true });
    expect(manifestOnly).toMatchObject({ ok: true, problems: [], nodes: [] });
  });

  it('refuses a package whose plugin has another name or namespace than its package.json says', async () => {
    const code = GOOD.replaceAll('good/', 'other/');
    const r = await checkPlugin(await pkg('renamed', manifest('stylegraph-plugin-renamed', 'renamed'), code), { trust: true });
    expect(r.ok).toBe(false);
    // The host refuses to load it: a package's plugin bears the package's name.
    expect(r.problems).toMatchObject([{ severity: 'error', code: 'LOAD_FAILED', message: expect.stringMatching(/its package is stylegraph-plugin-renamed, but its code defines plugin /) }]);
  });

  it('reports a plugin the host cannot load in one problem', async () => {
    const r = await checkPlugin(await pkg('throws', manifest('stylegraph-plugin-throws', 'throws'), 'throw new Error("boom at import")'), { trust: true });
    expect(r.problems).toMatchObject([{ severity: 'error', code: 'LOAD_FAILED', message: expect.stringContaining('boom at import') }]);
  });
});
