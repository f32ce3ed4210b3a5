/**
 * A StyleGAN model's discriminator as a tile scorer: score = −logit (D's logit is high for real
 * images, so its negation is high for generated ones). The minibatch-stddev layer mixes the
 * images of a group; each tile is therefore scored in a group of copies of itself, so an
 * image's score never depends on the other images of the batch.
 */
import { tensor } from '@stylegraph/core';
import { StyleGAN2, type Compute, type StyleGANModel } from '@stylegraph/ops-gpu';
import type { TileScorer } from './score.js';
import { TILE } from './tiles.js';

export function discriminatorScorer(model: StyleGANModel, compute: Compute): TileScorer {
  const d = model.discriminator;
  if (!d || !model.weights.discriminator) throw new Error('this model has no discriminator (discriminator.safetensors)');
  if (d.resolution !== TILE) throw new Error(`the discriminator takes ${d.resolution} px images; detect/Discriminator scores 64 px tiles`);
  if (d.cDim > 0) throw new Error('a class-conditional discriminator needs a class; detect/Discriminator takes unconditional models');
  const G = d.mbstdGroupSize ?? 4;
  const net = new StyleGAN2(model, compute);
  const n = 3 * TILE * TILE;
  return async (t, T) => {
    // Padded to a power of two (each batch size is a network of its own), then G copies of the
    // batch [G·P, 3, 64, 64], so that the group of tile i is {i, P + i, 2P + i, …}: copies of it.
    const P = 2 ** Math.ceil(Math.log2(T));
    const rep = new Float32Array(G * P * n);
    for (let g = 0; g < G; g++) rep.set(t.subarray(0, T * n), g * P * n);
    const { logits } = await net.discriminate(tensor('float32', [G * P, 3, TILE, TILE], rep));
    return Float64Array.from(logits.data.subarray(0, T), (v) => -v);
  };
}
