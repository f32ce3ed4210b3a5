/**
 * StyleGAN3's equivariance metrics as "Alias-Free GANs" defines them (NVIDIA's
 * metrics/equivariance.py): the PSNR, in dB for images in −1…1 (peak-to-peak 2), between the
 * output for a transformed input and the transformed output, over the pixels both cover:
 *   PSNR = 20 · log10 2 − 10 · log10(Σ mask · (ref − img)² / Σ mask),
 * the sums running over every sample, channel and pixel of the run.
 *  - EQ-T: a translation t (image fractions, uniform in ±translateMax) rounded to whole pixels;
 *    the input transform translates by −t; the reference is the original shifted by +t.
 *  - EQ-T_frac: the same without rounding; the reference is the fractional translation.
 *  - EQ-R: a rotation α (uniform in ±rotateMax · π); the input transform rotates by −α; the
 *    reference is R_α of the original, compared with R*_α of the output (eq-resample.ts).
 */
import { fractionalRotation, fractionalTranslation, pseudoRotation, rotationMatrix, type Planes } from './eq-resample.js';

export type EqMetric = 'EQ-T' | 'EQ-T_frac' | 'EQ-R';

/** Report keys of the metrics. */
export const EQ_KEYS: Record<EqMetric, string> = { 'EQ-T': 'eqT', 'EQ-T_frac': 'eqTFrac', 'EQ-R': 'eqR' };

/** Uniforms each sample draws. */
export const EQ_DRAWS: Record<EqMetric, number> = { 'EQ-T': 2, 'EQ-T_frac': 2, 'EQ-R': 1 };

/** Squared-error and mask sums. */
export interface ErrorSums {
  se: number;
  count: number;
}

export interface EqSample {
  /** The input transform (row-major 3×3) the transformed output is made with. */
  readonly transform: number[];
  /** Reference and compared image, and the mask, from the original and the transformed output. */
  compare(orig: Planes, moved: Planes): { ref: Float32Array; img: Float32Array; mask: Float32Array };
}

/** The transform and comparison of one sample from its uniforms `u` in [0, 1). */
export function eqSample(metric: EqMetric, u: readonly number[], opts: { res: number; translateMax: number; rotateMax: number }): EqSample {
  if (metric === 'EQ-R') {
    const angle = (u[0]! * 2 - 1) * opts.rotateMax * Math.PI;
    return {
      transform: rotationMatrix(-angle),
      compare: (orig, moved) => {
        const ref = fractionalRotation(orig, angle);
        const pseudo = pseudoRotation(moved, angle);
        return { ref: ref.z, img: pseudo.z, mask: ref.mask.map((v, i) => v * pseudo.mask[i]!) };
      },
    };
  }
  const t = [0, 1].map((k) => (u[k]! * 2 - 1) * opts.translateMax);
  const [tx, ty] = metric === 'EQ-T' ? t.map((v) => Math.round(v * opts.res) / opts.res) : t;
  return {
    transform: [1, 0, -tx!, 0, 1, -ty!, 0, 0, 1],
    compare: (orig, moved) => {
      const ref = metric === 'EQ-T' ? integerTranslation(orig, Math.round(tx! * orig.W), Math.round(ty! * orig.H)) : fractionalTranslation(orig, tx!, ty!);
      return { ref: ref.z, img: moved.data, mask: ref.mask };
    },
  };
}

/** The image moved by (dx, dy) whole pixels (right, down), zero where uncovered, and the covered mask. */
export function integerTranslation(x: Planes, dx: number, dy: number): { z: Float32Array; mask: Float32Array } {
  const { C, H, W } = x;
  const z = new Float32Array(C * H * W);
  const mask = new Float32Array(C * H * W);
  if (Math.abs(dx) >= W || Math.abs(dy) >= H) return { z, mask };
  for (let c = 0; c < C; c++) {
    for (let y = Math.max(dy, 0); y < H + Math.min(dy, 0); y++) {
      for (let xx = Math.max(dx, 0); xx < W + Math.min(dx, 0); xx++) {
        z[(c * H + y) * W + xx] = x.data[(c * H + y - dy) * W + xx - dx]!;
        mask[(c * H + y) * W + xx] = 1;
      }
    }
  }
  return { z, mask };
}

/** Adds Σ mask · (ref − img)² and Σ mask to `into`. */
export function accumulate(into: ErrorSums, { ref, img, mask }: { ref: Float32Array; img: Float32Array; mask: Float32Array }): void {
  for (let i = 0; i < ref.length; i++) {
    if (!mask[i]) continue;
    const d = ref[i]! - img[i]!;
    into.se += mask[i]! * d * d;
    into.count += mask[i]!;
  }
}

/** PSNR (dB) of accumulated sums; 999 when every covered pixel agrees exactly, NaN when none is covered. */
export function psnrOf({ se, count }: ErrorSums): number {
  if (count === 0) return Number.NaN;
  return se === 0 ? 999 : Math.min(999, 20 * Math.log10(2) - 10 * Math.log10(se / count));
}
