/**
 * The attacks as plain functions, for nodes and for programs (a robustness benchmark): 8-bit
 * RGB in, 8-bit RGB out, the input never modified.
 */
import { checkImageSize, copyImage, rgbImage, type RgbImage } from '../image/rgb-image.js';
import { parseAttackChain, parseAttackSpec, type AttackSpec, type AttackSpecInput } from '../spec/attack-spec.js';
import { codecRoundTrip } from './codecs.js';
import { blur } from './blur.js';
import { crop, cropWindow } from './crop.js';
import { brightness, contrast } from './enhance.js';
import { noise } from './noise.js';
import { resize, scaledSide } from './resize.js';
import { rotate } from './rotate.js';

/** One parsed attack on one image. */
export function runAttack(img: RgbImage, spec: AttackSpec): Promise<RgbImage> | RgbImage {
  switch (spec.attack) {
    case 'jpeg':
      return codecRoundTrip(img, { format: 'jpeg', quality: spec.quality, subsampling: spec.subsampling });
    case 'webp':
      return codecRoundTrip(img, { format: 'webp', quality: spec.quality });
    case 'resize':
      return resize(img, spec.scale, spec.kernel);
    case 'crop':
      return crop(img, spec.area, spec.x, spec.y);
    case 'rotate':
      return rotate(img, spec.degrees, spec.fill);
    case 'brightness':
      return brightness(img, spec.factor);
    case 'contrast':
      return contrast(img, spec.factor);
    case 'blur':
      return blur(img, spec.sigma);
    case 'noise':
      return noise(img, spec.sigma, spec.seed);
  }
}

/** The size an attack makes of a width × height image (only resize and crop change it). */
export function attackOutputSize(spec: AttackSpec, width: number, height: number): { width: number; height: number } {
  if (spec.attack === 'resize') return { width: scaledSide(width, spec.scale), height: scaledSide(height, spec.scale) };
  if (spec.attack === 'crop') {
    const win = cropWindow(width, height, spec.area, spec.x, spec.y);
    return { width: win.width, height: win.height };
  }
  return { width, height };
}

/** The size a chain of attacks makes. */
export const chainOutputSize = (specs: readonly AttackSpec[], width: number, height: number): { width: number; height: number } =>
  specs.reduce((size, spec) => attackOutputSize(spec, size.width, size.height), { width, height });

/** Parsed attacks in order, each on the previous one's output. */
export async function runAttacks(img: RgbImage, specs: readonly AttackSpec[]): Promise<RgbImage> {
  // Every intermediate size is checked before any work: a chain that would grow too large fails at once.
  specs.reduce((size, spec) => {
    const next = attackOutputSize(spec, size.width, size.height);
    checkImageSize(next.width, next.height);
    return next;
  }, { width: img.width, height: img.height });
  let out = img;
  for (const spec of specs) out = await runAttack(out, spec);
  return out === img ? copyImage(img) : out;
}

/**
 * Applies one attack (`{ attack: 'jpeg', quality: 50 }`; params left out take their defaults)
 * to `rgb`, `[H, W, 3]` interleaved bytes. A bad spec is a NodeError PARAM_INVALID.
 */
export async function applyAttack(rgb: Uint8Array, width: number, height: number, spec: AttackSpecInput): Promise<RgbImage> {
  return runAttacks(rgbImage(width, height, rgb), [parseAttackSpec(spec)]);
}

/** Applies attacks in order (an empty list copies the image). */
export async function applyAttacks(rgb: Uint8Array, width: number, height: number, specs: readonly AttackSpecInput[]): Promise<RgbImage> {
  return runAttacks(rgbImage(width, height, rgb), parseAttackChain(specs));
}
