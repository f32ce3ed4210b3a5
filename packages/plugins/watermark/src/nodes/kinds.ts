/** `watermark/Bits`: decoded payload bits, uint8 0/1 values [B, N] (SaveTensor writes them as a uint8 .npy). */
import { definePortKind, tensorCodec, type PortKind, type Tensor } from '@stylegraph/core';

export const Bits = definePortKind<Tensor<'uint8'>>({
  name: 'watermark/Bits',
  description: 'bits, uint8 0/1 [B, N]',
  dims: ['B', 'N'],
  dtype: 'uint8',
  codec: tensorCodec as PortKind<Tensor<'uint8'>>['codec'],
  color: '#b07cc6',
});
