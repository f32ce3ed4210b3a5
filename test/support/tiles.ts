/**
 * The third-party plugin fixture `stylegraph-plugin-tiles` (test/fixtures/plugin-tiles/) and its
 * graph (test/fixtures/tiles.graph.json): a workspace that has the plugin installed, and the
 * numbers a run of the graph must give, computed here independently of the plugin.
 */
import { copyFile, mkdir, mkdtemp, readFile, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { RandomState, readNpy, type GraphDocument, type Tensor } from '@stylegraph/core';

export const TILES_PACKAGE = 'stylegraph-plugin-tiles';
export const TILES_DIR = fileURLToPath(new URL('../fixtures/plugin-tiles/', import.meta.url));
export const TILES_ENTRY = join(TILES_DIR, 'index.js');
export const TILES_GRAPH = fileURLToPath(new URL('../fixtures/tiles.graph.json', import.meta.url));
/** The colour tiles/Mask declares, as CSS computes it. */
export const MASK_COLOR = { hex: '#e67e22', rgb: 'rgb(230, 126, 34)' };

export const tilesGraph = async (): Promise<GraphDocument> => JSON.parse(await readFile(TILES_GRAPH, 'utf8')) as GraphDocument;

export interface TilesWorkspace {
  readonly dir: string;
  /** The graph, copied into the workspace. */
  readonly graph: string;
  remove(): Promise<void>;
}

/** A folder with the plugin installed as a package (`node_modules/stylegraph-plugin-tiles`, linked to the fixture) and the graph. */
export async function tilesWorkspace(): Promise<TilesWorkspace> {
  const dir = await mkdtemp(join(tmpdir(), 'sg-tiles-'));
  await mkdir(join(dir, 'node_modules'));
  await symlink(TILES_DIR, join(dir, 'node_modules', TILES_PACKAGE), 'dir');
  const graph = join(dir, 'tiles.graph.json');
  await copyFile(TILES_GRAPH, graph);
  return { dir, graph, remove: () => rm(dir, { recursive: true, force: true }) };
}

/** The masks tiles/RandomTiles must make: one uniform draw per tile from RandomState(seed), tile by tile, mask by mask. */
export function expectedMask(p: { seed: number; batch: number; height: number; width: number; tile: number; density?: number }): Uint8Array {
  const rows = Math.ceil(p.height / p.tile);
  const cols = Math.ceil(p.width / p.tile);
  const u = new RandomState(p.seed).random(p.batch * rows * cols);
  const out = new Uint8Array(p.batch * p.height * p.width);
  let i = 0;
  for (let b = 0; b < p.batch; b++) for (let y = 0; y < p.height; y++) for (let x = 0; x < p.width; x++) out[i++] = u[(b * rows + Math.floor(y / p.tile)) * cols + Math.floor(x / p.tile)]! < (p.density ?? 0.5) ? 1 : 0;
  return out;
}

/** Where `masked` differs from what covering `image`'s pixels where `mask` is 1 with `fill` (as float32) gives; [] when nowhere. */
export function maskingErrors(image: Tensor, mask: Tensor, masked: Tensor, fill: number): string[] {
  const [B, C, H, W] = image.dims as [number, number, number, number];
  if (masked.dims.join() !== image.dims.join()) return [`masked is [${masked.dims.join(', ')}], the image [${image.dims.join(', ')}]`];
  const errors: string[] = [];
  for (let b = 0; b < B; b++)
    for (let c = 0; c < C; c++)
      for (let y = 0; y < H; y++)
        for (let x = 0; x < W; x++) {
          const i = ((b * C + c) * H + y) * W + x;
          const want = mask.data[(b * H + y) * W + x] ? Math.fround(fill) : (image.data[i] as number);
          if (!Object.is(masked.data[i], want) && errors.length < 5) errors.push(`[${b}, ${c}, ${y}, ${x}]: ${String(masked.data[i])} ≠ ${want}`);
        }
  return errors;
}

/** The three .npy files the graph writes into `dir`. */
export async function tilesOutputs(dir: string): Promise<{ faces: Tensor; mask: Tensor; masked: Tensor }> {
  const load = async (name: string) => readNpy(new Uint8Array(await readFile(join(dir, name))), name);
  return { faces: await load('faces.npy'), mask: await load('mask.npy'), masked: await load('masked.npy') };
}
