/**
 * Image scores from tile scores: every image of a batch [B, 3, H, W] (any size) is cut into its
 * 64 px tiles (core/tiles.ts), the tiles of the whole batch go through `scoreTiles` in chunks,
 * and an image's score is the mean of its tiles' scores.
 */
import { tiles, TILE, type Planar } from './tiles.js';

/** Scores of T tiles [T, 3, 64, 64] -> [T]. */
export type TileScorer = (tiles: Float32Array, T: number) => Promise<ArrayLike<number>>;

const CHUNK = 256;

export async function scoreImages(data: Float32Array, dims: readonly number[], scoreTiles: TileScorer, onImage?: (done: number) => void): Promise<Float64Array> {
  const [B, , H, W] = dims as [number, number, number, number];
  const per = 3 * H * W;
  const tileSize = 3 * TILE * TILE;
  const out = new Float64Array(B);
  let pending: { b: number; data: Float32Array; count: number }[] = [];
  let pendingTiles = 0;
  const flush = async () => {
    if (!pendingTiles) return;
    const all = new Float32Array(pendingTiles * tileSize); // [T, 3, 64, 64]
    let t = 0;
    for (const p of pending) {
      all.set(p.data, t * tileSize);
      t += p.count;
    }
    const s = await scoreTiles(all, pendingTiles);
    t = 0;
    for (const p of pending) {
      let sum = 0;
      for (let i = 0; i < p.count; i++) sum += s[t + i]!;
      out[p.b] = sum / p.count;
      t += p.count;
    }
    pending = [];
    pendingTiles = 0;
  };
  if (H === TILE && W === TILE) {
    // One tile per image: the batch is the tiles.
    for (let b0 = 0; b0 < B; b0 += CHUNK) {
      const n = Math.min(CHUNK, B - b0);
      const s = await scoreTiles(data.subarray(b0 * per, (b0 + n) * per), n);
      for (let i = 0; i < n; i++) out[b0 + i] = s[i]!;
      onImage?.(b0 + n);
    }
    return out;
  }
  for (let b = 0; b < B; b++) {
    const tl = tiles({ data: data.subarray(b * per, (b + 1) * per), H, W });
    pending.push({ b, ...tl });
    pendingTiles += tl.count;
    if (pendingTiles >= CHUNK) {
      await flush();
      onImage?.(b + 1);
    }
  }
  await flush();
  onImage?.(B);
  return out;
}

/** Scores of images of mixed sizes (each size scored as one batch). */
export async function scoreEach(images: readonly Planar[], scoreTiles: TileScorer): Promise<Float64Array> {
  const out = new Float64Array(images.length);
  const bySize = new Map<string, number[]>();
  images.forEach((im, i) => {
    const k = `${im.H}x${im.W}`;
    const idx = bySize.get(k);
    if (idx) idx.push(i);
    else bySize.set(k, [i]);
  });
  for (const idx of bySize.values()) {
    const { H, W } = images[idx[0]!]!;
    const data = new Float32Array(idx.length * 3 * H * W); // [B, 3, H, W]
    idx.forEach((i, k) => data.set(images[i]!.data, k * 3 * H * W));
    const s = await scoreImages(data, [idx.length, 3, H, W], scoreTiles);
    idx.forEach((i, k) => (out[i] = s[k]!));
  }
  return out;
}
