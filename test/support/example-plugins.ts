/**
 * The example plugins (examples/plugins/), as a user gets them: the sepia plugin built, both
 * packed with `npm pack`, and installed from the tarballs with `npm install` into a fresh
 * workspace (no network: `--offline`; the host lends @stylegraph/core, so its peer is not
 * installed). Also independent references for what their nodes compute.
 */
import { spawnSync } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Tensor } from '@stylegraph/core';

export const EXAMPLES = fileURLToPath(new URL('../../examples/plugins/', import.meta.url));
export const SEPIA = 'stylegraph-plugin-sepia';
export const EDGE = 'stylegraph-plugin-edge-onnx';

function sh(cmd: string, args: readonly string[], cwd: string): string {
  const r = spawnSync(cmd, args, { cwd, encoding: 'utf8', timeout: 120_000 });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} (in ${cwd}) failed: ${r.stderr || r.stdout}`);
  return r.stdout;
}

export interface PluginWorkspace {
  readonly dir: string;
  /** The tarballs `npm pack` made, by package name. */
  readonly tarballs: Readonly<Record<string, string>>;
  remove(): Promise<void>;
}

/** The graph both plugins are used by: two faces, toned sepia, their edges; each result saved. */
export const examplesGraph = {
  format: 'stylegraph.graph',
  formatVersion: 1,
  plugins: { '@stylegraph/plugin-faces': '^0.1.0', '@stylegraph/plugin-io': '^0.1.0', [SEPIA]: '^0.1.0', [EDGE]: '^1.0.0' },
  nodes: {
    faces: { type: 'faces/RenderFaces', version: 1, params: { seeds: '3-4', size: 64 } },
    sepia: { type: 'sepia/Sepia', version: 1, params: { amount: 0.8 } },
    edges: { type: 'edge/Sobel', version: 1, params: { strength: 2 } },
    saveFaces: { type: 'io/SaveTensor', version: 1, params: { path: 'faces.npy' } },
    saveSepia: { type: 'io/SaveTensor', version: 1, params: { path: 'sepia.npy' } },
    saveEdges: { type: 'io/SaveTensor', version: 1, params: { path: 'edges.npy' } },
  },
  edges: [
    { from: 'faces.image', to: 'sepia.image' },
    { from: 'sepia.image', to: 'edges.image' },
    { from: 'faces.image', to: 'saveFaces.tensor' },
    { from: 'sepia.image', to: 'saveSepia.tensor' },
    { from: 'edges.edges', to: 'saveEdges.tensor' },
  ],
};

/** Builds and packs both examples, and installs the tarballs into a new workspace with the graph. */
export async function pluginWorkspace(): Promise<PluginWorkspace> {
  const dir = await mkdtemp(join(tmpdir(), 'sg-example-plugins-'));
  const packs = join(dir, 'packs');
  const ws = join(dir, 'ws');
  sh(process.execPath, [fileURLToPath(new URL('../../node_modules/typescript/bin/tsc', import.meta.url)), '-p', join(EXAMPLES, SEPIA)], EXAMPLES);
  sh('mkdir', ['-p', packs, ws], dir);
  const tarballs: Record<string, string> = {};
  for (const name of [SEPIA, EDGE]) {
    const [packed] = JSON.parse(sh('npm', ['pack', '--json', '--pack-destination', packs], join(EXAMPLES, name))) as { filename: string }[];
    tarballs[name] = join(packs, packed!.filename);
  }
  await writeFile(join(ws, 'package.json'), JSON.stringify({ name: 'my-workspace', private: true }));
  sh('npm', ['install', '--offline', '--no-audit', '--no-fund', '--legacy-peer-deps', '--ignore-scripts', ...Object.values(tarballs)], ws);
  await writeFile(join(ws, 'examples.graph.json'), JSON.stringify(examplesGraph, null, 2));
  return { dir: ws, tarballs, remove: () => rm(dir, { recursive: true, force: true }) };
}

/** Sepia toning written from the matrix alone: rgb in 0…1, clip(M·rgb), blended by `amount`. */
export function sepiaReference(image: Tensor, amount: number): Float64Array {
  const M = [
    [0.393, 0.769, 0.189],
    [0.349, 0.686, 0.168],
    [0.272, 0.534, 0.131],
  ];
  const [B, , H, W] = image.dims as [number, number, number, number];
  const out = new Float64Array(image.data.length);
  for (let b = 0; b < B; b++)
    for (let y = 0; y < H; y++)
      for (let x = 0; x < W; x++) {
        const at = (c: number) => ((b * 3 + c) * H + y) * W + x;
        const rgb = [0, 1, 2].map((c) => ((image.data[at(c)] as number) + 1) / 2);
        for (let c = 0; c < 3; c++) {
          const toned = Math.min(1, Math.max(0, M[c]![0]! * rgb[0]! + M[c]![1]! * rgb[1]! + M[c]![2]! * rgb[2]!));
          out[at(c)] = 2 * ((1 - amount) * rgb[c]! + amount * toned) - 1;
        }
      }
  return out;
}

/** Sobel edge magnitude of the BT.601 luma, borders replicated: 2·clip(s·|∇Y|/8, 0, 1) − 1 on every channel. */
export function sobelReference(image: Tensor, strength: number): Float64Array {
  const [B, , H, W] = image.dims as [number, number, number, number];
  const out = new Float64Array(image.data.length);
  for (let b = 0; b < B; b++) {
    const Y = (y: number, x: number) => {
      const yy = Math.min(H - 1, Math.max(0, y));
      const xx = Math.min(W - 1, Math.max(0, x));
      const px = (c: number) => image.data[((b * 3 + c) * H + yy) * W + xx] as number;
      return 0.299 * px(0) + 0.587 * px(1) + 0.114 * px(2);
    };
    for (let y = 0; y < H; y++)
      for (let x = 0; x < W; x++) {
        const gx = Y(y - 1, x + 1) + 2 * Y(y, x + 1) + Y(y + 1, x + 1) - Y(y - 1, x - 1) - 2 * Y(y, x - 1) - Y(y + 1, x - 1);
        const gy = Y(y + 1, x - 1) + 2 * Y(y + 1, x) + Y(y + 1, x + 1) - Y(y - 1, x - 1) - 2 * Y(y - 1, x) - Y(y - 1, x + 1);
        const e = 2 * Math.min(1, Math.max(0, (strength * Math.sqrt(gx * gx + gy * gy)) / 8)) - 1;
        for (let c = 0; c < 3; c++) out[((b * 3 + c) * H + y) * W + x] = e;
      }
  }
  return out;
}

/** The largest |a − b| over two equally long arrays. */
export function maxDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) return Infinity;
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}

export const readTensor = async (path: string): Promise<Tensor> => (await import('@stylegraph/core')).readNpy(new Uint8Array(await readFile(path)), path);
