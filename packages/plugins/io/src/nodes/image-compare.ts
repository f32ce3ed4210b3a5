/**
 * `io/ImageCompare`: how close two images are — PSNR, max and mean absolute difference — as a
 * report for `std/Assert` (golden-image checks, "equal W+ gives identical images" in CI).
 * By default compared as the 8-bit pixels a PNG would hold.
 */
import { defineNode, z, type Tensor } from '@stylegraph/core';

const toByte = (v: number) => (v * 127.5 + 128 <= 0 ? 0 : v * 127.5 + 128 >= 255 ? 255 : Math.trunc(v * 127.5 + 128));

export function compareImages(a: Tensor<'float32'>, b: Tensor<'float32'>, domain: 'uint8' | 'float'): { psnr: number; maxAbs: number; meanAbs: number } {
  let se = 0;
  let max = 0;
  let sum = 0;
  const n = a.data.length;
  for (let i = 0; i < n; i++) {
    const d = domain === 'uint8' ? toByte(a.data[i]!) - toByte(b.data[i]!) : a.data[i]! - b.data[i]!;
    se += d * d;
    sum += Math.abs(d);
    if (Math.abs(d) > max) max = Math.abs(d);
  }
  const mse = se / n;
  const peak = domain === 'uint8' ? 255 : 2;
  // Identical images have infinite PSNR; reports hold finite numbers, so cap it.
  return { psnr: mse === 0 ? 999 : Math.min(999, 10 * Math.log10((peak * peak) / mse)), maxAbs: max, meanAbs: sum / n };
}

export const ImageCompare = defineNode({
  type: 'io/ImageCompare',
  version: 1,
  title: 'Compare images',
  category: 'Image',
  description: 'PSNR (dB; 999 when identical), max and mean absolute difference between two equally shaped images.',
  inputs: { a: { type: 'Image' }, b: { type: 'Image' } },
  outputs: { report: { type: 'Report' } },
  params: z.object({
    domain: z.enum(['uint8', 'float']).default('uint8').describe('Compare 8-bit pixels (as saved) or raw floats (peak 2).'),
    prefix: z.string().regex(/^[A-Za-z_][A-Za-z0-9_.-]*$/).optional().describe('Prefix of the report keys, e.g. "golden." → golden.psnr.'),
  }),
  purity: 'pure',
  run: ({ inputs, params }) => {
    const r = compareImages(inputs.a, inputs.b, params.domain);
    const p = params.prefix ?? '';
    return { report: { [`${p}psnr`]: r.psnr, [`${p}maxAbs`]: r.maxAbs, [`${p}meanAbs`]: r.meanAbs } };
  },
});
