/**
 * Params the watermark nodes share: the key (inline, or from a file so that it is not stored in
 * the graph — and so in every PNG SaveImage writes), payload, false-positive rate.
 */
import { NodeError, z, type RunContext } from '@stylegraph/core';
import { MAX_PAYLOAD_BITS } from '../core/layout.js';

export const keyParams = {
  key: z.string().min(1).max(1024).optional().describe('The secret key. Stored in the graph (and in PNGs that embed it): prefer keyFile.'),
  keyFile: z.string().min(1).optional().describe('A file holding the secret key (its text, trimmed), relative to the graph.'),
};

/** A prefix for report keys and a report to extend, so that one report can gather a table. */
export const reportParams = {
  prefix: z.string().regex(/^[A-Za-z_][A-Za-z0-9_.-]*$/).optional().describe('Prefix of the report keys, e.g. "jpeg80." → jpeg80.detected.'),
};
export const intoInput = { type: 'Report', optional: true, description: 'Report to extend.' } as const;

export const fprParam = z.number().min(1e-12).max(0.5).default(1e-6).describe('False-positive rate: detected when the p-value is at most this.');

export const payloadParam = z
  .string()
  .regex(/^[0-9a-fA-F]*$/, 'hexadecimal digits')
  .max(MAX_PAYLOAD_BITS / 4)
  .default('0000000000000000')
  .describe(`Payload in hex (16 digits = 64 bits; empty: a zero-bit mark; at most ${Math.floor(MAX_PAYLOAD_BITS / 4)} digits).`);

/** The key text from `key` or `keyFile` (exactly one). */
export async function readKey(params: { key?: string | undefined; keyFile?: string | undefined }, ctx: RunContext): Promise<string> {
  if ((params.key === undefined) === (params.keyFile === undefined)) throw new NodeError('PARAM_INVALID', 'set exactly one of "key" and "keyFile"');
  if (params.key !== undefined) return params.key;
  const text = new TextDecoder().decode(await ctx.files.read(params.keyFile!)).trim();
  if (text.length === 0) throw new NodeError('PARAM_INVALID', `key file ${params.keyFile} is empty`);
  return text;
}

/** Batch item b of an RGB image tensor [B, 3, H, W]. */
export function item(data: Float32Array, b: number, H: number, W: number): { data: Float32Array; H: number; W: number } {
  return { data: data.subarray(b * 3 * H * W, (b + 1) * 3 * H * W), H, W };
}

/** Refuses an image that is not RGB or too small. */
export function checkImage(dims: readonly number[], node: string, minSide: number): [number, number, number] {
  const [B, C, H, W] = dims as [number, number, number, number];
  if (C !== 3) throw new NodeError('SHAPE_MISMATCH', `${node} needs RGB images [B, 3, H, W]; got ${C} channels`);
  if (Math.min(H, W) < minSide) throw new NodeError('SHAPE_MISMATCH', `${node}: a ${W}×${H} image is too small for the mark (both sides ≥ ${minSide} px)`);
  return [B, H, W];
}
