import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { readNpy } from '@stylegraph/core';
import { decodePng, encodePng, ioPlugin, resizeArea } from './index.js';

const dir = fileURLToPath(new URL('../fixtures/', import.meta.url));
const bytes = (name: string) => new Uint8Array(readFileSync(dir + name));
const load = ioPlugin.nodes.find((n) => n.type === 'io/LoadImage')!;
const run = (params: object) =>
  load.run({ inputs: {} as never, params: params as never, ctx: { files: { read: async (p: string) => bytes(p) } } as never }) as Promise<{ image: { dims: number[]; data: Float32Array } }>;

describe('LoadImage', () => {
  it.each(['rgb.png', 'rgba.png', 'grey.png', 'grey-alpha.png', 'palette.png'])('decodes %s exactly as PIL does', async (name) => {
    const img = await decodePng(bytes(name), name);
    expect([img.width, img.height]).toEqual([40, 24]);
    expect(Array.from(img.rgba)).toEqual(Array.from(readNpy(bytes(`${name}.rgba.npy`)).data as Uint8Array));
  });

  it('decodes what SaveImage’s encoder writes', async () => {
    const px = Uint8Array.from({ length: 5 * 3 * 4 }, (_, i) => (i * 53) % 256);
    const img = await decodePng(await encodePng(px, 5, 3, 4), 'x.png');
    expect(Array.from(img.rgba)).toEqual(Array.from(px));
  });

  it('reads a JPEG within a few levels of PIL’s decoder', async () => {
    const { image } = await run({ path: 'photo.jpg', size: 24, fit: 'center-crop' });
    expect(image.dims).toEqual([1, 3, 24, 24]);
    const { image: full } = await run({ path: 'photo.jpg', size: 40, fit: 'stretch' });
    expect(full.dims).toEqual([1, 3, 40, 40]);
    const want = readNpy(bytes('photo.jpg.rgba.npy')).data as Uint8Array;
    // Centre crop of 24 rows × 24 columns starting at column 8; compare red at (row 3, col 10).
    const got = ((image.data[3 * 24 + 2]! + 1) * 127.5);
    expect(Math.abs(got - want[(3 * 40 + 10) * 4]!)).toBeLessThanOrEqual(4);
  });

  it('converts to −1…1, centre-crops and area-resizes', async () => {
    const { image } = await run({ path: 'rgb.png', size: 12, fit: 'center-crop' });
    expect(image.dims).toEqual([1, 3, 12, 12]);
    const want = readNpy(bytes('rgb.png.rgba.npy')).data as Uint8Array;
    // Output pixel (0, 0) averages source rows 0–1, columns 8–9 (crop starts at column 8).
    const avg = [0, 1].flatMap((y) => [8, 9].map((x) => want[(y * 40 + x) * 4]!)).reduce((a, b) => a + b) / 4;
    expect(image.data[0]).toBeCloseTo(avg / 127.5 - 1, 5);
    expect(Array.from(resizeArea(Float32Array.from([1, 3, 5, 7]), 1, 1, 4, 1, 2))).toEqual([2, 6]);
  });

  it('refuses wrong sizes (fit error), truncated and non-image files with clear errors', async () => {
    await expect(run({ path: 'rgb.png', size: 16, fit: 'error' })).rejects.toThrow('rgb.png is 40×24; this graph needs 16×16');
    await expect(run({ path: 'truncated.png', size: 16, fit: 'stretch' })).rejects.toThrow(/truncated\.png: .*(truncated|corrupt)/);
  });

  it('keeps the file’s width and height with fit "original", whatever size says', async () => {
    for (const name of ['rgb.png', 'rgba.png', 'photo.jpg']) {
      const { image } = await run({ path: name, size: 16, fit: 'original' });
      expect(image.dims, name).toEqual([1, 3, 24, 40]);
      const rgba = name.endsWith('.jpg') ? (await import('./image/jpeg.js')).decodeJpeg(bytes(name), name).rgba : (await decodePng(bytes(name), name)).rgba;
      // Every pixel: RGB over black by alpha, into −1…1, channel-first.
      for (let i = 0; i < 24 * 40; i++) {
        for (let c = 0; c < 3; c++) expect(image.data[c * 24 * 40 + i], `${name} pixel ${i} channel ${c}`).toBeCloseTo((rgba[i * 4 + c]! * (rgba[i * 4 + 3]! / 255)) / 127.5 - 1, 6);
      }
    }
    const inferred = load.inferShapes!({ path: 'rgb.png', size: 16, fit: 'original' } as never, { dims: {}, connected: new Set() });
    expect(inferred).toEqual({});
    expect(load.inferShapes!({ path: 'rgb.png', size: 16, fit: 'stretch' } as never, { dims: {}, connected: new Set() })).toEqual({ H: 16, W: 16 });
  });

  it('round-trips a non-square photo through a graph: LoadImage "original" → SaveImage, pixel for pixel', async () => {
    const { Registry, checkGraph, execute } = await import('@stylegraph/core');
    const written = new Map<string, Uint8Array>();
    const files = { read: async (p: string) => bytes(p), exists: async () => true, write: async (p: string, d: Uint8Array) => (written.set(p, d), p) };
    const graph = {
      format: 'stylegraph.graph',
      formatVersion: 1,
      plugins: { '@stylegraph/plugin-io': '^0.1.0' },
      nodes: { load: { type: 'io/LoadImage', version: 1, params: { path: 'rgb.png', fit: 'original' } }, save: { type: 'io/SaveImage', version: 1, params: { path: 'out.png' } } },
      edges: [{ from: 'load.image', to: 'save.image' }],
    };
    const check = checkGraph(graph, new Registry([ioPlugin]));
    expect(check.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    const summary = await execute(check.graph!, { files });
    expect(summary.status).toBe('ok');
    const out = await decodePng(written.get('out.png')!, 'out.png');
    const src = await decodePng(bytes('rgb.png'), 'rgb.png');
    expect([out.width, out.height]).toEqual([40, 24]);
    expect(Buffer.from(out.rgba).equals(Buffer.from(src.rgba))).toBe(true);
  });
});

describe('LoadFolder', () => {
  it('reads the images of a folder in name order, skips other files, and names an empty folder', async () => {
    const { memoryFiles, runNode } = await import('@stylegraph/plugin-testing');
    const { LoadFolder } = await import('./index.js');
    const px = (v: number) => encodePng(Uint8Array.from({ length: 8 * 8 * 4 }, (_, i) => (i % 4 === 3 ? 255 : v)), 8, 8, 4);
    const files = memoryFiles({ 'd/b.png': await px(255), 'd/a.png': await px(0), 'd/notes.txt': 'x', 'd/sub/c.png': await px(10), 'e/readme.md': 'x' });
    const { image } = await runNode(ioPlugin, LoadFolder, { params: { folder: 'd/', size: 8 }, files });
    expect(image.dims).toEqual([2, 3, 8, 8]);
    expect(image.data[0]).toBe(-1); // a.png first
    expect(image.data[3 * 64]).toBe(1);
    const two = await runNode(ioPlugin, LoadFolder, { params: { folder: 'd', size: 8, max: 1 }, files });
    expect(two.image.dims[0]).toBe(1);
    await expect(runNode(ioPlugin, LoadFolder, { params: { folder: 'e', size: 8 }, files })).rejects.toThrow(/e holds no \.png, \.jpg or \.jpeg files/);
  });
});
