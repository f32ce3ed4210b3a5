/**
 * The trainer's post-processing through @stylegraph/plugin-attacks (sharp in Node, @jsquash in
 * browsers): each of resize ×0.5–2 (bicubic, kept at the new size), Gaussian blur σ 0.1–1.5 and
 * JPEG q 50–95 with probability ½ — the pipeline tools/detect/common.py trains the bundled detectors with.
 */
import { applyAttacks, type AttackSpecInput } from '@stylegraph/plugin-attacks';
import type { Augment } from './train-spectral.js';
import type { Planar } from './tiles.js';

export function toRgb8(img: Planar): Uint8Array {
  const { data, H, W } = img;
  const rgb = new Uint8Array(H * W * 3); // [H, W, 3]
  for (let c = 0; c < 3; c++) for (let i = 0; i < H * W; i++) rgb[i * 3 + c] = Math.min(255, Math.max(0, Math.floor((data[c * H * W + i]! + 1) * 127.5 + 0.5)));
  return rgb;
}

export function fromRgb8(rgb: Uint8Array, W: number, H: number): Planar {
  const data = new Float32Array(3 * H * W); // [3, H, W]
  for (let c = 0; c < 3; c++) for (let i = 0; i < H * W; i++) data[c * H * W + i] = rgb[i * 3 + c]! / 127.5 - 1;
  return { data, H, W };
}

export const postProcess: Augment = async (img, rand) => {
  const steps: AttackSpecInput[] = [];
  if (rand() < 0.5) {
    const s = Math.exp(Math.log(0.5) + rand() * Math.log(4));
    const n = Math.max(32, Math.round(Math.min(img.H, img.W) * s));
    steps.push({ attack: 'resize', scale: n / Math.min(img.H, img.W), kernel: 'bicubic' });
  }
  if (rand() < 0.5) steps.push({ attack: 'blur', sigma: 0.1 + rand() * 1.4 });
  if (rand() < 0.5) steps.push({ attack: 'jpeg', quality: 50 + Math.floor(rand() * 46) });
  if (!steps.length) return img;
  const out = await applyAttacks(toRgb8(img), img.W, img.H, steps);
  return fromRgb8(out.rgb, out.width, out.height);
};
