/**
 * The independent factors of a synthetic face, drawn from a seed with NumPy-exact random
 * streams, and their numeric label vector (what a classifier learns to predict).
 */
import { RandomState } from '@stylegraph/core';

export type RGB = readonly [number, number, number];

export interface FaceAttributes {
  /** Face width / height ratio of the head ellipse. */
  readonly faceWidth: number;
  /** Jaw narrowing toward the chin, 0 (round) … 1 (pointed). */
  readonly jaw: number;
  readonly skin: RGB;
  /** 0 bald-ish crop, 1 short, 2 medium, 3 long. */
  readonly hairStyle: number;
  readonly hairLength: number;
  readonly hair: RGB;
  readonly eyeSize: number;
  readonly eyeSpacing: number;
  readonly iris: RGB;
  readonly browThickness: number;
  readonly browTilt: number;
  readonly mouthWidth: number;
  /** −1 frown … 1 smile. */
  readonly smile: number;
  readonly glasses: boolean;
  /** Head turn, −1 … 1 (features shift sideways). */
  readonly yaw: number;
  /** Head tilt in radians. */
  readonly roll: number;
  readonly offsetX: number;
  readonly offsetY: number;
  readonly background: RGB;
  readonly background2: RGB;
  /** Light direction angle in radians. */
  readonly light: number;
  readonly freckles: number;
}

const SKIN: RGB[] = [
  [0.98, 0.85, 0.75],
  [0.93, 0.76, 0.62],
  [0.8, 0.6, 0.45],
  [0.62, 0.43, 0.3],
  [0.42, 0.28, 0.19],
];
const HAIR: RGB[] = [
  [0.08, 0.06, 0.05],
  [0.3, 0.18, 0.1],
  [0.6, 0.4, 0.2],
  [0.9, 0.8, 0.5],
  [0.7, 0.25, 0.1],
  [0.75, 0.75, 0.78],
];
const IRIS: RGB[] = [
  [0.3, 0.2, 0.1],
  [0.2, 0.4, 0.7],
  [0.3, 0.55, 0.3],
  [0.5, 0.5, 0.5],
];

const mixRGB = (a: RGB, b: RGB, t: number): RGB => [a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t, a[2] + (b[2] - a[2]) * t];

/** Deterministic attributes for a seed (one RandomState stream per face). */
export function sampleAttributes(seed: number): FaceAttributes {
  const r = new RandomState(seed);
  const u = () => r.random(1)[0]!;
  const pick = <T>(xs: readonly T[]) => xs[Math.min(xs.length - 1, Math.floor(u() * xs.length))]!;
  const palette = (xs: readonly RGB[]) => {
    const i = u() * (xs.length - 1);
    const k = Math.floor(i);
    return mixRGB(xs[k]!, xs[Math.min(k + 1, xs.length - 1)]!, i - k);
  };
  const hue = (): RGB => [0.2 + 0.7 * u(), 0.2 + 0.7 * u(), 0.2 + 0.7 * u()];
  const hairStyle = Math.floor(u() * 4);
  return {
    faceWidth: 0.72 + 0.16 * u(),
    jaw: u(),
    skin: palette(SKIN),
    hairStyle,
    hairLength: hairStyle === 3 ? 0.6 + 0.4 * u() : hairStyle === 2 ? 0.3 + 0.3 * u() : 0.1 * u(),
    hair: pick(HAIR),
    eyeSize: 0.7 + 0.6 * u(),
    eyeSpacing: 0.8 + 0.4 * u(),
    iris: pick(IRIS),
    browThickness: 0.5 + u(),
    browTilt: -0.25 + 0.5 * u(),
    mouthWidth: 0.7 + 0.6 * u(),
    smile: -0.4 + 1.4 * u(),
    glasses: u() < 0.25,
    yaw: -0.8 + 1.6 * u(),
    roll: -0.25 + 0.5 * u(),
    offsetX: -0.08 + 0.16 * u(),
    offsetY: -0.06 + 0.12 * u(),
    background: hue(),
    background2: hue(),
    light: 2 * Math.PI * u(),
    freckles: u() < 0.3 ? u() : 0,
  };
}

/** Label names, in the order of `labelVector`. */
export const LABELS = [
  'faceWidth', 'jaw', 'skinR', 'skinG', 'skinB', 'hairStyle', 'hairLength', 'hairR', 'hairG', 'hairB',
  'eyeSize', 'eyeSpacing', 'irisR', 'irisG', 'irisB', 'browThickness', 'browTilt', 'mouthWidth', 'smile',
  'glasses', 'yaw', 'roll', 'offsetX', 'offsetY', 'bgR', 'bgG', 'bgB', 'lightX', 'lightY', 'freckles',
] as const;

export function labelVector(a: FaceAttributes): number[] {
  return [
    a.faceWidth, a.jaw, ...a.skin, a.hairStyle, a.hairLength, ...a.hair, a.eyeSize, a.eyeSpacing, ...a.iris,
    a.browThickness, a.browTilt, a.mouthWidth, a.smile, a.glasses ? 1 : 0, a.yaw, a.roll, a.offsetX, a.offsetY,
    ...a.background, Math.cos(a.light), Math.sin(a.light), a.freckles,
  ];
}
