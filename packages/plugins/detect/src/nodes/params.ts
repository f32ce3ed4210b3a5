/** Params, inputs and checks the detect nodes share. */
import { NodeError, z, type Report } from '@stylegraph/core';
import type { Judgement } from '../core/calibration.js';

export const fprParam = z.number().min(1e-4).max(0.5).default(0.01).describe('False-positive rate the "synthetic" flag is fixed at, on real images only.');
export const prefixParam = z.string().regex(/^[A-Za-z_][A-Za-z0-9_.-]*$/).optional().describe('Prefix of the report keys, e.g. "jpeg50." → jpeg50.score.');
export const intoInput = { type: 'Report', optional: true, description: 'Report to extend.' } as const;
export const imageInput = { type: 'Image', shape: ['B', 3, 'H', 'W'] } as const;
/** Real / generated images for calibration or training: batches of their own count and size. */
export const realImagesInput = { type: 'Image', shape: ['N', 3, 'Hc', 'Wc'] } as const;
export const generatedImagesInput = { type: 'Image', shape: ['M', 3, 'Hg', 'Wg'] } as const;

const MAX_SIDE = 8192;

/** [B, H, W] of an image batch, checked: RGB, sides 8…8192. */
export function checkImage(dims: readonly number[], node: string): [number, number, number] {
  if (dims.length !== 4 || dims[1] !== 3) throw new NodeError('SHAPE_MISMATCH', `${node}: expected an RGB image batch [B, 3, H, W], got [${dims.join(', ')}]`);
  const [B, , H, W] = dims as [number, number, number, number];
  if (H < 8 || W < 8 || H > MAX_SIDE || W > MAX_SIDE) throw new NodeError('IMAGE_SIZE', `${node}: images must be 8…${MAX_SIDE} px a side, got ${W}×${H}`);
  return [B, H, W];
}

/** One detector's findings for a batch: per image `name.b` (or `name` for one image), and the count `synthetic`. */
export function detectionReport(scores: ArrayLike<number>, judged: readonly Judgement[], who: { name: string; version: string; fpr: number }, prefix = '', into: Report = {}): Report {
  const out: Record<string, number | string | boolean> = { ...into };
  const put = (k: string, v: number | string) => (out[`${prefix}${k}`] = v);
  put('detector', who.name);
  put('version', who.version);
  put('fpr', who.fpr);
  put('threshold', judged[0]?.threshold ?? NaN);
  const one = scores.length === 1;
  judged.forEach((j, b) => {
    const s = one ? '' : `.${b}`;
    put(`score${s}`, scores[b]!);
    if (j.probability !== undefined) put(`probability${s}`, j.probability);
    put(`pValue${s}`, j.pValue);
    put(`synthetic${s}`, j.synthetic);
  });
  if (!one) {
    put('images', scores.length);
    put('synthetic', judged.reduce((n, j) => n + j.synthetic, 0));
  }
  return out;
}
