/**
 * `stylegan/InputTransform`: translate and rotate a StyleGAN3 generator's Fourier input, as
 * NVIDIA's gen_images.py does (`--translate x,y --rotate deg`): it builds
 *   M = [[cos θ, sin θ, x], [−sin θ, cos θ, y], [0, 0, 1]]
 * and feeds M⁻¹ as the input transform. With `frames` > 1 it sweeps linearly from
 * (translate, rotate) to (translateTo, rotateTo), one transform per frame.
 */
import { defineNode, tensor, z } from '@stylegraph/core';
import { Transform } from '../kinds.js';

/** M⁻¹ of the translate-rotate matrix above, written out: [[c, −s, −(c·x − s·y)], [s, c, −(s·x + c·y)], [0, 0, 1]]. */
export function inputTransform(x: number, y: number, degrees: number): number[] {
  const a = (degrees / 360) * 2 * Math.PI;
  const s = Math.sin(a);
  const c = Math.cos(a);
  return [c, -s, -(c * x - s * y), s, c, -(s * x + c * y), 0, 0, 1];
}

const Vec2 = z.tuple([z.number().min(-1e3).max(1e3), z.number().min(-1e3).max(1e3)]);

export const InputTransform = defineNode({
  type: 'stylegan/InputTransform',
  version: 1,
  title: 'Input transform',
  category: 'StyleGAN',
  description:
    'Translates and rotates a StyleGAN3 generator’s input (gen_images.py --translate/--rotate): the image content pans and turns while the network stays the same. Translation is in units of the input’s extent (0.5 ≈ half the image).',
  inputs: {},
  outputs: { transform: { type: Transform, shape: ['T', 'rows', 'cols'] } },
  params: z.object({
    translate: Vec2.default([0, 0]).describe('Translation [x, y] of the first frame.'),
    rotate: z.number().min(-36000).max(36000).default(0).describe('Rotation of the first frame, degrees.'),
    frames: z.number().int().min(1).max(4096).default(1).describe('Transforms to make; more than one sweeps to the “to” values.'),
    translateTo: Vec2.optional().describe('Translation of the last frame (default: translate).'),
    rotateTo: z.number().min(-36000).max(36000).optional().describe('Rotation of the last frame, degrees (default: rotate).'),
  }),
  inferShapes: (p) => ({ T: p.frames, rows: 3, cols: 3 }),
  purity: 'pure',
  run: ({ params: p }) => {
    const to = p.translateTo ?? p.translate;
    const rotTo = p.rotateTo ?? p.rotate;
    const out = new Float32Array(p.frames * 9);
    for (let i = 0; i < p.frames; i++) {
      const t = p.frames === 1 ? 0 : i / (p.frames - 1);
      const lerp = (a: number, b: number) => a + (b - a) * t;
      out.set(inputTransform(lerp(p.translate[0], to[0]), lerp(p.translate[1], to[1]), lerp(p.rotate, rotTo)), i * 9);
    }
    return { transform: tensor('float32', [p.frames, 3, 3], out) };
  },
});
