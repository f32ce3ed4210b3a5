import { inflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { tensor, type FileAccess } from '@stylegraph/core';
import { PNG_GRAPH_KEY, asciiJson, encodePng, ioPlugin, readPngText, toUint8 } from './index.js';
import { expandTemplate } from './nodes/save-image.js';

/** IDAT payload of a PNG, inflated, without the per-row filter bytes. */
function pixels(png: Uint8Array, stride: number): Uint8Array {
  const v = new DataView(png.buffer, png.byteOffset);
  let at = 8;
  const idat: Uint8Array[] = [];
  while (at < png.length) {
    const len = v.getUint32(at);
    if (String.fromCharCode(...png.subarray(at + 4, at + 8)) === 'IDAT') idat.push(png.subarray(at + 8, at + 8 + len));
    at += 12 + len;
  }
  const raw = inflateSync(Buffer.concat(idat));
  const rows = raw.length / (stride + 1);
  const out = new Uint8Array(rows * stride);
  for (let y = 0; y < rows; y++) {
    expect(raw[y * (stride + 1)]).toBe(0);
    out.set(raw.subarray(y * (stride + 1) + 1, (y + 1) * (stride + 1)), y * stride);
  }
  return out;
}

describe('@stylegraph/plugin-io', () => {
  it('converts −1…1 to bytes as NVIDIA does: clamp(x·127.5 + 128, 0, 255), truncated', () => {
    const img = tensor('float32', [1, 1, 1, 5], Float32Array.from([-1, -0.5, 0, 0.999, 2]));
    expect(Array.from(toUint8(img, 0))).toEqual([0, 64, 128, 255, 255]);
  });

  it('encodes PNGs that zlib decodes to the same pixels, with a text chunk read back intact', async () => {
    const px = Uint8Array.from({ length: 4 * 3 * 3 }, (_, i) => (i * 37) % 256);
    const meta = asciiJson({ title: 'Ψ sweep', n: 1 });
    const png = await encodePng(px, 4, 3, 3, { [PNG_GRAPH_KEY]: meta });
    expect(Array.from(png.subarray(0, 8))).toEqual([137, 80, 78, 71, 13, 10, 26, 10]);
    expect(pixels(png, 12)).toEqual(px);
    expect(JSON.parse(readPngText(png).get(PNG_GRAPH_KEY)!)).toEqual({ title: 'Ψ sweep', n: 1 });
    const corrupt = png.slice();
    corrupt[40] = corrupt[40]! ^ 0xff;
    expect(() => readPngText(corrupt, 'x.png')).toThrow(/x\.png: chunk .* bad CRC|x\.png: chunk/);
    expect(() => readPngText(png.subarray(0, 30), 'y.png')).toThrow(/y\.png/);
  });

  it('expands path templates', () => {
    expect(expandTemplate('img-{index:04}.png', 7)).toBe('img-0007.png');
    expect(expandTemplate('{index}.png', 12)).toBe('12.png');
  });

  it('grids and saves images through the run context, embedding the graph', async () => {
    const written = new Map<string, Uint8Array>();
    const files: FileAccess = {
      read: async () => new Uint8Array(),
      exists: async () => false,
      write: async (p, d) => (written.set(p, d), p),
    };
    // Run the nodes' functions directly on real tensors (3 images of 1×2×2).
    const img = tensor('float32', [3, 1, 2, 2], Float32Array.from({ length: 12 }, (_, i) => i / 12));
    const node = (type: string) => ioPlugin.nodes.find((n) => n.type === type)!;
    const out = (await node('io/ImageGrid').run({ inputs: { image: img } as never, params: { cols: 2, padding: 1, labels: [], labelScale: 1 } as never, ctx: {} as never })) as { image: { dims: number[]; data: Float32Array } };
    expect(out.image.dims).toEqual([1, 1, 5, 5]);
    expect(out.image.data[0]).toBe(0);
    expect(out.image.data[3]).toBe(Math.fround(4 / 12)); // image 1 starts at column 3
    expect(out.image.data[2]).toBe(-1); // padding is black
    const document = { format: 'stylegraph.graph', formatVersion: 1, nodes: {}, edges: [] } as const;
    const ctx = { nodeId: 's', document, params: { path: 'a/{index:02}.png' }, files, log: { info: () => {} }, progress: () => {}, throwIfAborted: () => {} };
    const rgb = tensor('float32', [2, 3, 2, 2], new Float32Array(24));
    await node('io/SaveImage').run({ inputs: { image: rgb } as never, params: { path: 'a/{index:02}.png', embedGraph: true } as never, ctx: ctx as never });
    expect([...written.keys()]).toEqual(['a/00.png', 'a/01.png']);
    expect(JSON.parse(readPngText(written.get('a/01.png')!).get(PNG_GRAPH_KEY)!)).toEqual({ graph: document, node: 's', params: ctx.params });
    await expect(
      node('io/SaveImage').run({ inputs: { image: rgb } as never, params: { path: 'one.png', embedGraph: true } as never, ctx: ctx as never }),
    ).rejects.toThrow(/2 images need \{index\}/);
  });
});

describe('tensor files and per-pixel std', () => {
  const node = (type: string) => ioPlugin.nodes.find((n) => n.type === type)!;
  it('SaveTensor writes what LoadTensor reads back', async () => {
    const files = new Map<string, Uint8Array>();
    const ctx = { files: { write: async (p: string, d: Uint8Array) => (files.set(p, d), p), read: async (p: string) => files.get(p)! } };
    const t = tensor('float32', [1, 2, 3], Float32Array.from([1, 2, 3, 4, 5, 6]));
    await node('io/SaveTensor').run({ inputs: { tensor: t } as never, params: { path: 'w.npy' } as never, ctx: ctx as never });
    const back = (await node('io/LoadTensor').run({ inputs: {} as never, params: { path: 'w.npy' } as never, ctx: ctx as never })) as { tensor: unknown };
    expect(back.tensor).toEqual(t);
  });

  it('PixelStd is the std over the batch, averaged over channels, normalized to −1…1', async () => {
    // Two images of 1 channel × 1×2: pixel 0 varies (0 vs 1), pixel 1 is constant.
    const img = tensor('float32', [2, 1, 1, 2], Float32Array.from([0, 0.5, 1, 0.5]));
    const { image } = (await node('io/PixelStd').run({ inputs: { image: img } as never, params: { normalize: true, groupSize: 0 } as never, ctx: {} as never })) as { image: { dims: number[]; data: Float32Array } };
    expect(image.dims).toEqual([1, 1, 1, 2]);
    expect(Array.from(image.data)).toEqual([1, -1]);
    // Groups of 2: group 0 varies by ±0.5 on pixel 0, group 1 by ±0.25 on pixel 1; one scale for both.
    const four = tensor('float32', [4, 1, 1, 2], Float32Array.from([0, 0, 1, 0, 0, 0, 0, 0.5]));
    const run = (groupSize: number) => node('io/PixelStd').run({ inputs: { image: four } as never, params: { normalize: true, groupSize } as never, ctx: {} as never });
    const grouped = ((await run(2)) as { image: { dims: number[]; data: Float32Array } }).image;
    expect(grouped.dims).toEqual([2, 1, 1, 2]);
    expect(Array.from(grouped.data)).toEqual([1, -1, -1, 0]);
    await expect(async () => run(3)).rejects.toThrow(/4 images do not split into groups of 3/);
  });
});
