/** `faces/RenderFaces`: synthetic faces for a seed list, with their attribute labels. */
import { defineNode, parseSeedList, seedListParam, tensor, z } from '@stylegraph/core';
import { LABELS, labelVector, sampleAttributes } from './attributes.js';
import { renderFace } from './render.js';

export const RenderFaces = defineNode({
  type: 'faces/RenderFaces',
  version: 1,
  title: 'Render faces',
  category: 'Data',
  description: `Deterministic synthetic faces (one per seed) and their labels [B, ${LABELS.length}]: ${LABELS.join(', ')}.`,
  inputs: {},
  outputs: { image: { type: 'Image', shape: ['B', 3, 'S', 'S'] }, labels: { type: 'Tensor', shape: ['B', LABELS.length] } },
  params: z.object({
    seeds: seedListParam('0-15', 'Seeds, e.g. "0-63".'),
    size: z.union([z.literal(64), z.literal(128), z.literal(256)]).default(64).describe('Image size in pixels.'),
  }),
  inferShapes: (p) => ({ B: parseSeedList(p.seeds).length, S: p.size }),
  purity: 'pure',
  run: ({ params, ctx }) => {
    const seeds = parseSeedList(params.seeds);
    const S = params.size;
    const img = new Float32Array(seeds.length * 3 * S * S);
    const labels = new Float32Array(seeds.length * LABELS.length);
    seeds.forEach((seed, b) => {
      ctx.throwIfAborted();
      const a = sampleAttributes(seed);
      img.set(renderFace(a, S, (seed ^ 0x5eed) >>> 0), b * 3 * S * S);
      labels.set(labelVector(a), b * LABELS.length);
      ctx.progress((b + 1) / seeds.length);
    });
    return { image: tensor('float32', [seeds.length, 3, S, S], img), labels: tensor('float32', [seeds.length, LABELS.length], labels) };
  },
});
