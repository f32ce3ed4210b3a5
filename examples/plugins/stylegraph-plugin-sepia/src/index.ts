/**
 * stylegraph-plugin-sepia: a stylegraph plugin with one node, `sepia/Sepia`, that tones images
 * sepia. A graph that lists `"stylegraph-plugin-sepia": "^0.1.0"` in its `plugins` can use it
 * once the package is installed where the graph is.
 */
import { PLUGIN_API_VERSION, defineNode, definePlugin, tensor, z } from '@stylegraph/core';

/**
 * The classic sepia matrix (rows: output R, G, B; columns: input R, G, B), applied to colours in
 * 0…1. Its rows sum to more than 1, so bright colours saturate: the result is clipped to 0…1.
 */
export const SEPIA = [
  [0.393, 0.769, 0.189],
  [0.349, 0.686, 0.168],
  [0.272, 0.534, 0.131],
] as const;

const clip01 = (v: number) => (v < 0 ? 0 : v > 1 ? 1 : v);

/**
 * Sepia tone: each pixel's RGB, mapped from Image values (−1…1) to 0…1, becomes
 * clip(SEPIA · rgb, 0, 1); `amount` blends between the image (0) and its sepia tone (1).
 */
export const Sepia = defineNode({
  type: 'sepia/Sepia',
  version: 1,
  title: 'Sepia',
  category: 'Color',
  description: 'Tones an RGB image sepia; amount 0 leaves it as it is, 1 is full sepia.',
  inputs: { image: { type: 'Image', shape: ['B', 3, 'H', 'W'] } }, // [B, 3, H, W] RGB in −1…1
  outputs: { image: { type: 'Image', shape: ['B', 3, 'H', 'W'] } },
  params: z.object({
    amount: z.number().min(0).max(1).default(1).describe('How much sepia: 0 = the image, 1 = full sepia tone'),
  }),
  purity: 'pure',
  run: ({ inputs: { image }, params: { amount } }) => {
    const [B, , H, W] = image.dims as [number, number, number, number];
    const plane = H * W;
    const src = image.data;
    const out = new Float32Array(src.length); // [B, 3, H, W]
    for (let b = 0; b < B; b++) {
      const base = b * 3 * plane;
      for (let p = 0; p < plane; p++) {
        // Image values −1…1 → colour 0…1.
        const r = (src[base + p]! + 1) / 2;
        const g = (src[base + plane + p]! + 1) / 2;
        const bl = (src[base + 2 * plane + p]! + 1) / 2;
        for (let c = 0; c < 3; c++) {
          const m = SEPIA[c]!;
          const toned = clip01(m[0] * r + m[1] * g + m[2] * bl);
          const own = c === 0 ? r : c === 1 ? g : bl;
          out[base + c * plane + p] = 2 * (own + amount * (toned - own)) - 1; // back to −1…1
        }
      }
    }
    return { image: tensor('float32', image.dims, out) };
  },
});

export default definePlugin({
  name: 'stylegraph-plugin-sepia',
  version: '0.1.0',
  apiVersion: PLUGIN_API_VERSION,
  description: 'Sepia tone for stylegraph images.',
  nodes: [Sepia],
});
