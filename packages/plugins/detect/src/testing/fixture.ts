/** The Python reference fixture (tools/detect/make_fixtures.py), decoded. */
import { readFileSync } from 'node:fs';

interface RawImage {
  dims: [number, number, number];
  rgb: string;
  tiles: number;
  upsized: [number, number];
  features: string;
  spectralScore: number;
  residualScore: number;
}
interface RawBatch {
  rgb: string;
  spectralScores: number[];
  residualScores: number[];
}

const f32 = (b64: string) => {
  const b = Buffer.from(b64, 'base64');
  return new Float32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength));
};

const raw = JSON.parse(readFileSync(new URL('./fixture.json', import.meta.url), 'utf8')) as { images: RawImage[]; batches: Record<'real' | 'generated', RawBatch> };

/** 8-bit RGB [H, W, 3] bytes as planar [3, H, W] in −1…1. */
function planar(b64: string, H: number, W: number): Float32Array {
  const rgb = Buffer.from(b64, 'base64');
  const out = new Float32Array(3 * H * W);
  for (let c = 0; c < 3; c++) for (let i = 0; i < H * W; i++) out[c * H * W + i] = rgb[i * 3 + c]! / 127.5 - 1;
  return out;
}

export const fixtureImages = raw.images.map((r) => ({
  H: r.dims[1],
  W: r.dims[2],
  data: planar(r.rgb, r.dims[1], r.dims[2]),
  tiles: r.tiles,
  upsized: r.upsized,
  features: f32(r.features),
  spectralScore: r.spectralScore,
  residualScore: r.residualScore,
}));

/** Four 64 px images as a batch [4, 3, 64, 64] in −1…1 (8-bit values), with the Python scores. */
function batchOf(r: RawBatch) {
  const data = planar(r.rgb, 4 * 64, 64); // four [64, 64, 3] images stacked: planar per image below
  const n = 64 * 64;
  const chw = new Float32Array(4 * 3 * n);
  for (let b = 0; b < 4; b++) for (let c = 0; c < 3; c++) chw.set(data.subarray(c * 4 * n + b * n, c * 4 * n + (b + 1) * n), (b * 3 + c) * n);
  return { dims: [4, 3, 64, 64] as const, data: chw, spectralScores: r.spectralScores, residualScores: r.residualScores };
}

export const fixtureReal = batchOf(raw.batches.real);
export const fixtureGenerated = batchOf(raw.batches.generated);

/** The repository's root folder (models/ lives there). */
export const REPO_ROOT = new URL('../../../../../', import.meta.url).pathname;
