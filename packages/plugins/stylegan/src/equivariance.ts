/**
 * StyleGAN3's equivariance metrics as "Alias-Free GANs" defines them (NVIDIA's
 * metrics/equivariance.py): the PSNR, in dB for images in −1…1 (peak-to-peak 2), between the
 * output for a transformed input and the transformed output, over the pixels both cover:
 *   PSNR = 20 · log10 2 − 10 · log10(Σ mask · (ref − img)² / Σ mask),
 * the sums running over every sample, channel and pixel of the run.
 * EQ-T: an integer pixel translation t (a fraction of the image, rounded to whole pixels);
 * the input transform translates by −t, the reference is the original image shifted by +t
 * with the uncovered border masked out.
 */
import type { Tensor } from '@stylegraph/core';

/** Squared-error and mask sums of one image pair. */
export interface ErrorSums {
  se: number;
  count: number;
}

/**
 * Σ (shift(orig) − img)² and the covered count for image b of two [B, C, H, W] batches,
 * where shift moves content by (dx, dy) pixels (right, down).
 */
export function shiftedErrorSums(orig: Tensor<'float32'>, img: Tensor<'float32'>, b: number, dx: number, dy: number): ErrorSums {
  const [, C, H, W] = orig.dims as [number, number, number, number];
  const sums = { se: 0, count: 0 };
  if (Math.abs(dx) >= W || Math.abs(dy) >= H) return sums;
  for (let c = 0; c < C; c++) {
    const base = (b * C + c) * H * W;
    for (let y = Math.max(dy, 0); y < H + Math.min(dy, 0); y++) {
      for (let x = Math.max(dx, 0); x < W + Math.min(dx, 0); x++) {
        const d = orig.data[base + (y - dy) * W + (x - dx)]! - img.data[base + y * W + x]!;
        sums.se += d * d;
        sums.count++;
      }
    }
  }
  return sums;
}

/** PSNR (dB) of accumulated sums; 999 when every covered pixel agrees exactly. */
export function psnrOf({ se, count }: ErrorSums): number {
  if (count === 0) return Number.NaN;
  return se === 0 ? 999 : Math.min(999, 20 * Math.log10(2) - 10 * Math.log10(se / count));
}

/** The input transform that translates the input by −(tx, ty) (image fractions), as EQ-T feeds it. */
export const translationTransform = (tx: number, ty: number): number[] => [1, 0, -tx, 0, 1, -ty, 0, 0, 1];
