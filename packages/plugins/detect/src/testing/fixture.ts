/** The Python reference fixture (tools/detect/make_fixtures.py), decoded. */
import { readFileSync } from 'node:fs';

interface RawImage {
  dims: [number, number, number];
  data: string;
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

export const fixtureImages = raw.images.map((r) => ({
  H: r.dims[1],
  W: r.dims[2],
  data: f32(r.data),
  tiles: r.tiles,
  upsized: r.upsized,
  features: f32(r.features),
  spectralScore: r.spectralScore,
  residualScore: r.residualScore,
}));

/** Four 64 px images as a batch [4, 3, 64, 64] in −1…1 (8-bit values), with the Python scores. */
function batchOf(r: RawBatch) {
  const rgb = Buffer.from(r.rgb, 'base64'); // [4, 64, 64, 3]
  const n = 64 * 64;
  const data = new Float32Array(4 * 3 * n);
  for (let b = 0; b < 4; b++) for (let c = 0; c < 3; c++) for (let i = 0; i < n; i++) data[(b * 3 + c) * n + i] = rgb[(b * n + i) * 3 + c]! / 127.5 - 1;
  return { dims: [4, 3, 64, 64] as const, data, spectralScores: r.spectralScores, residualScores: r.residualScores };
}

export const fixtureReal = batchOf(raw.batches.real);
export const fixtureGenerated = batchOf(raw.batches.generated);

/** The repository's root folder (models/ lives there). */
export const REPO_ROOT = new URL('../../../../../', import.meta.url).pathname;
