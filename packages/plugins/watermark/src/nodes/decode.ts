/** `watermark/Decode`: finds the keyed watermark and reads its payload. */
import { defineNode, tensor, z } from '@stylegraph/core';
import { bitsToHex, decode, MIN_SIDE } from '../core/watermark.js';
import { MAX_PAYLOAD_BITS } from '../core/layout.js';
import { Bits } from './kinds.js';
import { checkImage, fprParam, intoInput, item, keyParams, reportParams, readKey } from './params.js';
import { batchReport } from './report.js';

export const Decode = defineNode({
  type: 'watermark/Decode',
  version: 1,
  title: 'Decode watermark',
  category: 'Watermark',
  description: 'Detects the keyed watermark (exact p-value) and decodes its payload, searching scale, rotation and offset.',
  inputs: { image: { type: 'Image', shape: ['B', 3, 'H', 'W'] }, into: intoInput },
  outputs: { bits: { type: Bits, shape: ['B', 'N'] }, report: { type: 'Report' } },
  params: z.object({
    ...keyParams,
    payloadBits: z.number().int().min(0).max(MAX_PAYLOAD_BITS).default(64).describe('Payload length the mark was embedded with (0: zero-bit).'),
    fpr: fprParam,
    ...reportParams,
  }),
  inferShapes: (p) => ({ N: p.payloadBits }),
  fileParams: ['keyFile'],
  purity: 'pure',
  run: async ({ inputs, params, ctx }) => {
    const [B, H, W] = checkImage(inputs.image.dims, 'watermark/Decode', MIN_SIDE);
    const key = await readKey(params, ctx);
    const N = params.payloadBits;
    const bits = new Uint8Array(B * N); // [B, N]
    const items = [];
    for (let b = 0; b < B; b++) {
      ctx.throwIfAborted();
      const r = await decode(item(inputs.image.data, b, H, W), key, N, params.fpr);
      // Bits only for a detected mark whose CRC holds; zeros otherwise.
      const valid = r.detected && r.crcOk;
      if (valid) bits.set(r.payload, b * N);
      items.push({
        detected: r.detected ? 1 : 0,
        pValue: r.pValue,
        payload: valid ? bitsToHex(r.payload) : '',
        payloadValid: valid ? 1 : 0,
        bitErrorsCorrected: r.bitErrorsCorrected,
        unitPx: r.unitPx,
        rotation: r.rotation,
        offsetX: r.offsetX,
        offsetY: r.offsetY,
        searched: r.searched ? 1 : 0,
      });
      ctx.progress((b + 1) / B);
    }
    return { bits: tensor('uint8', [B, N], bits), report: batchReport(items, params.prefix, inputs.into) };
  },
});
