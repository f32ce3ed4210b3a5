/**
 * How a detector sees an image of any size: images with a side under 64 px are first upsized
 * (bilinear, half-pixel centres) so the short side is 64; then 64 px tiles are taken — ceil(side /
 * 64) along each side, at most 8, evenly spread with both ends included — and the detector's
 * score for the image is the mean of its tiles' scores. tools/detect/common.py does the same.
 */

export const TILE = 64;
const MAX_TILES_PER_SIDE = 8;

/** One RGB image [3, H, W], planar float32 in −1…1. */
export interface Planar {
  readonly data: Float32Array;
  readonly H: number;
  readonly W: number;
}

/** Tile origins along a side of n ≥ 64 px. */
export function tileOrigins(n: number): number[] {
  const k = Math.min(MAX_TILES_PER_SIDE, Math.ceil(n / TILE));
  if (k === 1) return [0];
  return Array.from({ length: k }, (_, i) => Math.floor((i * (n - TILE)) / (k - 1) + 0.5));
}

/** Bilinear resize of [3, H, W] to [3, h, w] (torch's align_corners=False: src = (dst + ½)·in/out − ½, clamped at 0). */
export function resizeBilinear(img: Planar, h: number, w: number): Planar {
  const { data, H, W } = img;
  const out = new Float32Array(3 * h * w); // [3, h, w]
  const axis = (outN: number, inN: number) => {
    const i0 = new Int32Array(outN);
    const i1 = new Int32Array(outN);
    const t = new Float32Array(outN);
    for (let o = 0; o < outN; o++) {
      const s = Math.max(0, ((o + 0.5) * inN) / outN - 0.5);
      const f = Math.min(Math.floor(s), inN - 1);
      i0[o] = f;
      i1[o] = Math.min(f + 1, inN - 1);
      t[o] = s - f;
    }
    return { i0, i1, t };
  };
  const ys = axis(h, H);
  const xs = axis(w, W);
  for (let c = 0; c < 3; c++) {
    const plane = c * H * W;
    for (let y = 0; y < h; y++) {
      const r0 = plane + ys.i0[y]! * W;
      const r1 = plane + ys.i1[y]! * W;
      const ty = ys.t[y]!;
      for (let x = 0; x < w; x++) {
        const a = xs.i0[x]!;
        const b = xs.i1[x]!;
        const tx = xs.t[x]!;
        const top = data[r0 + a]! * (1 - tx) + data[r0 + b]! * tx;
        const bottom = data[r1 + a]! * (1 - tx) + data[r1 + b]! * tx;
        out[(c * h + y) * w + x] = top * (1 - ty) + bottom * ty;
      }
    }
  }
  return { data: out, H: h, W: w };
}

/** The image upsized so that its short side is at least 64 px. */
export function upsize(img: Planar): Planar {
  const short = Math.min(img.H, img.W);
  if (short >= TILE) return img;
  const s = TILE / short;
  return resizeBilinear(img, Math.max(TILE, Math.round(img.H * s)), Math.max(TILE, Math.round(img.W * s)));
}

/** The 64 px tiles of an image of any size, as one batch [T, 3, 64, 64]; T = tiles.length / (3·64·64). */
export function tiles(image: Planar): { readonly data: Float32Array; readonly count: number } {
  const img = upsize(image);
  const ys = tileOrigins(img.H);
  const xs = tileOrigins(img.W);
  const n = TILE * TILE;
  const out = new Float32Array(ys.length * xs.length * 3 * n); // [T, 3, 64, 64]
  let t = 0;
  for (const y0 of ys) {
    for (const x0 of xs) {
      for (let c = 0; c < 3; c++) {
        for (let y = 0; y < TILE; y++) {
          const src = (c * img.H + y0 + y) * img.W + x0;
          out.set(img.data.subarray(src, src + TILE), ((t * 3 + c) * TILE + y) * TILE);
        }
      }
      t++;
    }
  }
  return { data: out, count: t };
}
