/** `watermark/Embed`: marks each image with the keyed watermark carrying `payload`. */
import { NodeError, defineNode, tensor, z } from '@stylegraph/core';
import { capacityBits, embed, hexToBits, MIN_SIDE } from '../core/watermark.js';
import { DEFAULT_PSNR } from '../core/embed.js';
import { checkImage, item, keyParams, payloadParam, readKey } from './params.js';

export const Embed = defineNode({
  type: 'watermark/Embed',
  version: 1,
  title: 'Embed watermark',
  category: 'Watermark',
  description: 'Adds an invisible keyed watermark carrying `payload` to each image (luma only; same image, key and payload give the same bytes).',
  inputs: { image: { type: 'Image', shape: ['B', 3, 'H', 'W'] } },
  outputs: { image: { type: 'Image', shape: ['B', 3, 'H', 'W'] } },
  params: z.object({
    ...keyParams,
    payload: payloadParam,
    psnr: z.number().min(20).max(70).default(DEFAULT_PSNR).describe('Target PSNR (dB) of the change before 8-bit rounding (an 8-bit image then changes by whole levels: ±2 at the default, 42.1 dB).'),
    strength: z.number().min(0.1).max(30).optional().describe('Or the RMS change in 8-bit levels (overrides psnr).'),
  }),
  fileParams: ['keyFile'],
  purity: 'pure',
  run: async ({ inputs, params, ctx }) => {
    const [B, H, W] = checkImage(inputs.image.dims, 'watermark/Embed', MIN_SIDE);
    const key = await readKey(params, ctx);
    const bits = hexToBits(params.payload);
    const room = capacityBits(H, W);
    if (bits.length > room) throw new NodeError('PARAM_INVALID', `payload of ${bits.length} bits does not fit a ${W}×${H} image: it holds at most ${room} bits (${Math.floor(room / 4)} hex digits)`);
    const out = new Float32Array(inputs.image.data.length); // [B, 3, H, W]
    for (let b = 0; b < B; b++) {
      ctx.throwIfAborted();
      const marked = await embed(item(inputs.image.data, b, H, W), key, bits, params.strength !== undefined ? { rms: params.strength } : { psnr: params.psnr });
      out.set(marked.data, b * 3 * H * W);
      ctx.progress((b + 1) / B);
    }
    return { image: tensor('float32', [B, 3, H, W], out) };
  },
});
