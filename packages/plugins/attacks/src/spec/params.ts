/**
 * Every attack's params, with their ranges, defaults and descriptions: the single nodes' param
 * schemas and the steps of attack/Chain are both made from these, so they cannot drift apart.
 */
import { z } from '@stylegraph/core';

export const JPEG_SUBSAMPLINGS = ['4:2:0', '4:4:4'] as const;
export const RESIZE_KERNELS = ['nearest', 'bilinear', 'bicubic', 'lanczos3', 'area'] as const;
export const ROTATE_FILLS = ['black', 'white', 'grey'] as const;
export const CROP_ASPECTS = ['keep'] as const;

export type ResizeKernel = (typeof RESIZE_KERNELS)[number];
export type RotateFill = (typeof ROTATE_FILLS)[number];

const quality = (what: string) => z.number().int().min(1).max(100).default(75).describe(`${what} quality, 1 (worst) … 100 (best).`);

export const ATTACK_PARAMS = {
  jpeg: {
    quality: quality('JPEG'),
    subsampling: z.enum(JPEG_SUBSAMPLINGS).default('4:2:0').describe('Chroma subsampling: 4:2:0 (half-resolution colour, the usual) or 4:4:4 (none).'),
  },
  webp: {
    quality: quality('WebP (lossy)'),
  },
  resize: {
    scale: z.number().min(0.05).max(8).default(0.5).describe('Size factor: the output is round(H·scale) × round(W·scale).'),
    kernel: z.enum(RESIZE_KERNELS).default('bicubic').describe('Resampling filter, as PIL’s Image.resize (antialiased when shrinking); area = PIL’s BOX.'),
  },
  crop: {
    area: z.number().min(0.01).max(1).default(0.5).describe('Fraction of the area kept: the window’s sides are √area times the image’s.'),
    x: z.number().min(0).max(1).default(0.5).describe('Horizontal position of the window: 0 = left edge, 0.5 = centre, 1 = right edge.'),
    y: z.number().min(0).max(1).default(0.5).describe('Vertical position of the window: 0 = top, 0.5 = centre, 1 = bottom.'),
    aspect: z.enum(CROP_ASPECTS).default('keep').describe('The window’s aspect ratio: the image’s own.'),
  },
  rotate: {
    degrees: z.number().min(-180).max(180).default(10).describe('Rotation about the centre, counter-clockwise for positive degrees; the output keeps the input’s size.'),
    fill: z.enum(ROTATE_FILLS).default('black').describe('Colour of the corners the rotation uncovers.'),
  },
  brightness: {
    factor: z.number().min(0).max(4).default(1.3).describe('Multiplies every value (0 = black, 1 = unchanged), clipped to 0…255.'),
  },
  contrast: {
    factor: z.number().min(0).max(4).default(1.5).describe('Scales the distance from the mean grey level (0 = flat grey, 1 = unchanged), clipped.'),
  },
  blur: {
    sigma: z.number().min(0.1).max(20).default(1).describe('Gaussian standard deviation in pixels (PIL’s GaussianBlur radius).'),
  },
  noise: {
    sigma: z.number().min(0).max(100).default(5).describe('Standard deviation of the added Gaussian noise, in 8-bit levels.'),
    seed: z.number().int().min(0).max(4294967295).default(0).describe('Seed of the noise (0 … 2³²−1); the same seed gives the same noise.').meta({ widget: 'seed' }),
  },
} as const;

export type AttackKind = keyof typeof ATTACK_PARAMS;
export const ATTACK_KINDS = Object.keys(ATTACK_PARAMS) as AttackKind[];
