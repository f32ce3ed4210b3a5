/** `watermark/Verify`: whether each image carries this key's mark with the expected payload. */
import { defineNode, z } from '@stylegraph/core';
import { hexToBits, verify, MIN_SIDE } from '../core/watermark.js';
import { checkImage, fprParam, intoInput, item, keyParams, reportParams, payloadParam, readKey } from './params.js';
import { batchReport } from './report.js';

export const Verify = defineNode({
  type: 'watermark/Verify',
  version: 1,
  title: 'Verify watermark',
  category: 'Watermark',
  description: 'Tests each image for the keyed mark with the expected payload: an exact binomial p-value, matched payload bits, and (for a batch) counts and bit accuracy.',
  inputs: { image: { type: 'Image', shape: ['B', 3, 'H', 'W'] }, into: intoInput },
  outputs: { report: { type: 'Report' } },
  params: z.object({ ...keyParams, payload: payloadParam, fpr: fprParam, ...reportParams }),
  fileParams: ['keyFile'],
  purity: 'pure',
  run: async ({ inputs, params, ctx }) => {
    const [B, H, W] = checkImage(inputs.image.dims, 'watermark/Verify', MIN_SIDE);
    const key = await readKey(params, ctx);
    const payload = hexToBits(params.payload);
    const items = [];
    for (let b = 0; b < B; b++) {
      ctx.throwIfAborted();
      const r = await verify(item(inputs.image.data, b, H, W), key, payload, params.fpr);
      items.push({
        detected: r.detected ? 1 : 0,
        pValue: r.pValue,
        // Exact: detected, and every payload bit decoded as expected.
        exact: r.detected && r.matchedBits === payload.length ? 1 : 0,
        matchedBits: r.matchedBits,
        bitAccuracy: payload.length > 0 ? r.matchedBits / payload.length : 1,
        agreements: r.agreements,
        trials: r.trials,
      });
      ctx.progress((b + 1) / B);
    }
    return { report: batchReport(items, params.prefix, inputs.into) };
  },
});
