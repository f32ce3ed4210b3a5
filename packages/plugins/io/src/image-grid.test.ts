import { describe, expect, it } from 'vitest';
import { tensor, type Tensor } from '@stylegraph/core';
import { ioPlugin } from './index.js';
import { GLYPH_H, drawLabel, glyphRows } from './image/font.js';

const grid = ioPlugin.nodes.find((n) => n.type === 'io/ImageGrid')!;
const run = async (inputs: Record<string, Tensor>, params: object) =>
  ((await grid.run({ inputs: inputs as never, params: { cols: 0, padding: 0, labels: [], labelScale: 1, ...params } as never, ctx: {} as never })) as { image: Tensor<'float32'> }).image;
/** B single-pixel grey images with values v0, v1, … */
const pixels = (...v: number[]) => tensor('float32', [v.length, 1, 1, 1], Float32Array.from(v));

describe('io/ImageGrid', () => {
  it('lays out a header row and column around the cells like style_mixing.py, corner black', async () => {
    const out = await run({ image: pixels(0.1, 0.2, 0.3, 0.4, 0.5, 0.6), rowHeader: pixels(0.7, 0.8), colHeader: pixels(-0.1, -0.2, -0.3) }, {});
    expect(out.dims).toEqual([1, 1, 3, 4]);
    expect(Array.from(out.data)).toEqual([-1, -0.1, -0.2, -0.3, 0.7, 0.1, 0.2, 0.3, 0.8, 0.4, 0.5, 0.6].map(Math.fround));
  });

  it('refuses headers that do not fit the grid', async () => {
    await expect(run({ image: pixels(0, 0, 0, 0), rowHeader: pixels(0, 0, 0) }, { cols: 2 })).rejects.toThrow(/header column has 3 images but the grid has 2 rows/);
    await expect(run({ image: pixels(0, 0), colHeader: pixels(0, 0) }, { cols: 3 })).rejects.toThrow(/cols is 3 but the header row has 2/);
    const wide = tensor('float32', [1, 1, 1, 2], new Float32Array(2));
    await expect(run({ image: pixels(0), colHeader: wide }, {})).rejects.toThrow(/colHeader images are \[1, 1, 2\]/);
    await expect(run({ image: pixels(0) }, { labels: ['a', 'b'] })).rejects.toThrow(/2 labels for 1 images/);
  });

  it('draws labels with the 5×7 font: lit pixels white, the box darkened, clipped at the border', () => {
    const img = new Float32Array(12 * 12).fill(1); // [1, 12, 12] white
    drawLabel(img, 1, 12, 12, '7', 0, 0);
    const rows = glyphRows('7'); // 11111, 00001, …
    for (let r = 0; r < GLYPH_H; r++) {
      for (let c = 0; c < 5; c++) expect(img[(1 + r) * 12 + 1 + c]).toBe(rows[r]! & (16 >> c) ? 1 : 0.25 - 0.75);
    }
    expect(img[0]).toBe(-0.5); // box corner: white darkened
    expect(img[11 * 12 + 11]).toBe(1); // outside the box
    expect(glyphRows('a')).toEqual(glyphRows('A'));
    expect(glyphRows('€')).toEqual(glyphRows('?'));
    expect(() => drawLabel(new Float32Array(4), 1, 2, 2, 'long text', 0, 0, 3)).not.toThrow();
  });

  it('labels land on their own cells only', async () => {
    const img = tensor('float32', [2, 1, 10, 10], new Float32Array(200).fill(1));
    const out = await run({ image: img }, { cols: 2, labels: ['', '1'] });
    expect(Array.from(out.data.subarray(0, 10)).every((v) => v === 1)).toBe(true); // first cell untouched
    expect(out.data[10]).toBe(-0.5); // second cell's box
  });
});
