/**
 * StyleMix's grid is rows × columns, row-major: output b = r · cols + c. With a non-square
 * grid a transposed (column-major) layout puts other latents in the checked cells.
 */
import { describe, expect, it } from 'vitest';
import { tensor, type Tensor } from '@stylegraph/core';
import { StyleMix } from './index.js';

const numWs = 4;
const wDim = 2;

/** Latent `id`'s W+: value 100·id + 10·layer + k, so every (latent, layer, k) is distinct. */
const latent = (id: number) => Array.from({ length: numWs }, (_, l) => Array.from({ length: wDim }, (_, k) => 100 * id + 10 * l + k));
const batch = (ids: number[]): Tensor<'float32'> => tensor('float32', [ids.length, numWs, wDim], Float32Array.from(ids.flatMap((id) => latent(id).flat())));

/** The mix of one row latent and one column latent, written out independently of the node. */
const mixed = (rowId: number, colId: number, fromCol: number[]) => latent(rowId).map((w, l) => (fromCol.includes(l) ? latent(colId)[l]! : w));

const cell = (t: Tensor<'float32'>, b: number) =>
  Array.from({ length: numWs }, (_, l) => Array.from(t.data.subarray((b * numWs + l) * wDim, (b * numWs + l + 1) * wDim)));

const run = async (rows: number[], cols: number[], layers: string, mode: 'grid' | 'pairs' = 'grid') =>
  ((await StyleMix.run({ inputs: { rows: batch(rows), cols: batch(cols) } as never, params: { layers, mode } as never, ctx: {} as never })) as { w: Tensor<'float32'> }).w;

describe('StyleMix grid layout', () => {
  // Row latents 1, 2; column latents 7, 8, 9.
  const rows = [1, 2];
  const cols = [7, 8, 9];

  it('puts [row r, col c] at r · cols + c for a 2 × 3 grid', async () => {
    const w = await run(rows, cols, '1-2');
    expect(w.dims).toEqual([6, numWs, wDim]);
    for (let r = 0; r < 2; r++) for (let c = 0; c < 3; c++) expect(cell(w, r * 3 + c), `[${r}, ${c}]`).toEqual(mixed(rows[r]!, cols[c]!, [1, 2]));
    // Cells whose row- and column-major indices differ, spelled out.
    expect(cell(w, 1)).toEqual([
      [100, 101],
      [810, 811],
      [820, 821],
      [130, 131],
    ]);
    expect(cell(w, 3)).toEqual([
      [200, 201],
      [710, 711],
      [720, 721],
      [230, 231],
    ]);
    expect(cell(w, 5)).toEqual(mixed(2, 9, [1, 2]));
  });

  it('keeps the layout for a 3 × 2 grid and non-contiguous layers', async () => {
    const w = await run([1, 2, 3], [8, 9], '0,3');
    expect(w.dims).toEqual([6, numWs, wDim]);
    for (let r = 0; r < 3; r++) for (let c = 0; c < 2; c++) expect(cell(w, r * 2 + c), `[${r}, ${c}]`).toEqual(mixed(r + 1, [8, 9][c]!, [0, 3]));
  });

  it('a 1 × 3 grid is the row with each column’s layers; all layers give the columns', async () => {
    const w = await run([5], cols, '0');
    for (let c = 0; c < 3; c++) expect(cell(w, c)).toEqual(mixed(5, cols[c]!, [0]));
    const all = await run(rows, cols, '0-3');
    for (let r = 0; r < 2; r++) for (let c = 0; c < 3; c++) expect(cell(all, r * 3 + c)).toEqual(latent(cols[c]!));
  });

  it('pairs mode mixes row i with column i, or with the single column', async () => {
    const w = await run([1, 2, 3], [7, 8, 9], '2', 'pairs');
    expect(w.dims).toEqual([3, numWs, wDim]);
    for (let i = 0; i < 3; i++) expect(cell(w, i)).toEqual(mixed(i + 1, 7 + i, [2]));
    const one = await run([1, 2, 3], [9], '1-3', 'pairs');
    for (let i = 0; i < 3; i++) expect(cell(one, i)).toEqual(mixed(i + 1, 9, [1, 2, 3]));
  });
});
