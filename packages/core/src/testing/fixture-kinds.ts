/**
 * Port kinds for core's tests, declared as a plugin would declare its own: latents, W+,
 * generator handles, noise and bit strings under the `test/` namespace, shown by their short
 * titles (`WPlus [B, numWs, wDim]`).
 */
import { definePortKind } from '../types/port-kind.js';
import { jsonCodec, tensorCodec } from '../values/codecs.js';
import type { Tensor } from '../values/tensor.js';

export interface TestGenerator {
  readonly kind: 'generator';
  readonly id: string;
  readonly dims: { zDim: number; cDim: number; wDim: number; numWs: number; C: number; res: number };
}

const f32 = tensorCodec as never;

export const Z = definePortKind<Tensor<'float32'>>({ name: 'test/Z', description: 'latents [B, zDim]', dims: ['B', 'zDim'], dtype: 'float32', codec: f32 });
export const WPlus = definePortKind<Tensor<'float32'>>({ name: 'test/WPlus', description: 'W+ [B, numWs, wDim]', dims: ['B', 'numWs', 'wDim'], dtype: 'float32', codec: f32 });
export const Bits = definePortKind<Tensor<'uint8'>>({ name: 'test/Bits', description: 'bits [B, nBits]', dims: ['B', 'nBits'], dtype: 'uint8', codec: tensorCodec as never });
export const Noise = definePortKind<object>({
  name: 'test/Noise',
  description: 'noise settings',
  dims: ['B', 'res'],
  check: (v) => (v && typeof v === 'object' ? undefined : 'expected a noise specification'),
  codec: jsonCodec(),
});
export const Generator = definePortKind<TestGenerator>({
  name: 'test/Generator',
  description: 'a fake generator and the sizes it binds',
  dims: ['zDim', 'cDim', 'wDim', 'numWs', 'C', 'res'],
  rigidOutputs: true,
  check: (v) => (v && typeof v === 'object' && (v as { kind?: unknown }).kind === 'generator' ? undefined : 'expected a generator'),
  sizes: (g) => g.dims,
  codec: jsonCodec(),
});
