/** @stylegraph/plugin-watermark — a keyed, robust invisible watermark: embed, decode, verify with an exact p-value. */
import { PLUGIN_API_VERSION, definePlugin } from '@stylegraph/core';
import { Embed } from './nodes/embed.js';
import { Decode } from './nodes/decode.js';
import { Verify } from './nodes/verify.js';
import { Bits } from './nodes/kinds.js';
import { Comparison } from './nodes/comparison.js';

export { Embed, Decode, Verify, Comparison, Bits };
export { fft2 } from './core/fft.js';
export { embed, decode, verify, capacityBits, hexToBits, bitsToHex, MIN_SIDE, type RgbImage, type DecodeResult, type VerifyResult } from './core/watermark.js';

export const watermarkPlugin = definePlugin({
  name: '@stylegraph/plugin-watermark',
  version: '0.1.0',
  apiVersion: PLUGIN_API_VERSION,
  description: 'A keyed, robust invisible watermark: embed, decode (searching scale, rotation, offset), verify with an exact p-value.',
  nodes: [Embed, Decode, Verify, Comparison],
  kinds: [Bits],
});

export default watermarkPlugin;
