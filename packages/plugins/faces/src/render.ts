/**
 * The face renderer: anti-aliased, layered 2-D shapes evaluated per pixel (no canvas, so it
 * runs identically in Node and browsers). Coarse factors (pose, face shape, hair length) move
 * large shapes; fine ones (colours, freckles, hair strands, skin grain) only change detail —
 * the split a StyleGAN's coarse/fine styles and noise inputs can learn.
 */
import { RandomState } from '@stylegraph/core';
import type { FaceAttributes, RGB } from './attributes.js';
import { capsule, coverage, ellipse, len, ring } from './sdf.js';

interface Canvas {
  readonly size: number;
  readonly rgb: Float32Array; // [3, S, S] in 0…1
}

/** Alpha-composites a colour over pixel i. */
function over(c: Canvas, i: number, color: RGB, alpha: number): void {
  if (alpha <= 0) return;
  const n = c.size * c.size;
  for (let k = 0; k < 3; k++) c.rgb[k * n + i] = c.rgb[k * n + i]! * (1 - alpha) + color[k]! * alpha;
}

const shade = (c: RGB, f: number): RGB => [Math.min(1, c[0] * f), Math.min(1, c[1] * f), Math.min(1, c[2] * f)];

/** Renders one face as float32 `[3, S, S]` in −1…1. `detailSeed` drives the stochastic detail. */
export function renderFace(a: FaceAttributes, size: number, detailSeed: number): Float32Array {
  const canvas: Canvas = { size, rgb: new Float32Array(3 * size * size) };
  const detail = new RandomState(detailSeed);
  const grain = detail.randn(size * size);
  const freckles = Array.from({ length: Math.round(a.freckles * 40) }, () => {
    const [fx, fy, fr] = detail.random(3);
    return { x: (fx! - 0.5) * 0.9, y: 0.05 + fy! * 0.25, r: 0.012 + 0.012 * fr! };
  });
  const strands = Array.from({ length: a.hairStyle === 0 ? 6 : 24 }, () => {
    const [sx, sy, sl, sa] = detail.random(4);
    return { x: (sx! - 0.5) * 1.7, y: -0.95 + sy! * (0.5 + a.hairLength), l: 0.1 + 0.2 * sl!, ang: 1.2 + 0.7 * sa! };
  });
  const px = 2 / size;
  const R = 0.62; // head radius (vertical), in image units
  const cx = a.offsetX;
  const cy = a.offsetY + 0.05;
  const cos = Math.cos(-a.roll);
  const sin = Math.sin(-a.roll);
  const lx = Math.cos(a.light);
  const ly = Math.sin(a.light);
  const fw = a.faceWidth;
  const shift = a.yaw * 0.14;
  const eyeX = 0.3 * a.eyeSpacing;
  const eyeY = -0.08;
  const eyeR = 0.11 * a.eyeSize;
  const near = (side: number) => 1 - Math.max(0, side * a.yaw) * 0.3; // the far eye looks smaller

  for (let yi = 0; yi < size; yi++) {
    for (let xi = 0; xi < size; xi++) {
      const i = yi * size + xi;
      const X = ((xi + 0.5) / size) * 2 - 1;
      const Y = ((yi + 0.5) / size) * 2 - 1;
      // Background gradient.
      const t = (Y + 1) / 2;
      over(canvas, i, [a.background[0] + (a.background2[0] - a.background[0]) * t, a.background[1] + (a.background2[1] - a.background[1]) * t, a.background[2] + (a.background2[2] - a.background[2]) * t], 1);
      // Head-local coordinates (units of head radius), rotated by roll.
      const dx = X - cx;
      const dy = Y - cy;
      const x = (dx * cos - dy * sin) / R;
      const y = (dx * sin + dy * cos) / R;
      const p = px / R;
      // Hair behind the head (medium and long styles).
      if (a.hairStyle >= 2) {
        const back = Math.min(ellipse(x, y + 0.05, fw * 1.22, 1.12), Math.max(ellipse(x, y, fw * 1.22, 10), y - (0.6 + a.hairLength)));
        over(canvas, i, shade(a.hair, 0.8), coverage(back, p));
      }
      // Neck.
      over(canvas, i, shade(a.skin, 0.8), coverage(Math.max(Math.abs(x) - fw * 0.38, -y + 0.6, y - 2.5), p));
      // Face: an ellipse whose lower half narrows toward the chin.
      const taper = y > 0 ? 1 - a.jaw * 0.35 * y : 1;
      const face = ellipse(x / taper, y, fw, 1);
      const light = 0.82 + 0.28 * ((x / fw) * lx + y * ly) + 0.02 * grain[i]!;
      over(canvas, i, shade(a.skin, light), coverage(face, p));
      if (face < 0) {
        for (const f of freckles) over(canvas, i, shade(a.skin, 0.7), 0.8 * coverage(len(x - f.x - shift, y - f.y) - f.r, p));
        // Nose shadow.
        over(canvas, i, shade(a.skin, 0.78), 0.6 * coverage(ellipse(x - shift * 1.2, y - 0.14, 0.05, 0.1), p));
      }
      for (const side of [-1, 1]) {
        const ex = side * eyeX + shift;
        const s = near(side);
        // Eye white, iris, pupil, highlight.
        const white = ellipse(x - ex, y - eyeY, eyeR * s, eyeR * 0.6);
        over(canvas, i, [0.96, 0.96, 0.94], coverage(white, p));
        const ix = ex + a.yaw * 0.03;
        const inEye = Math.max(len(x - ix, y - eyeY) - eyeR * 0.5 * s, white);
        over(canvas, i, a.iris, coverage(inEye, p));
        over(canvas, i, [0.03, 0.03, 0.03], coverage(Math.max(len(x - ix, y - eyeY) - eyeR * 0.22 * s, white), p));
        over(canvas, i, [1, 1, 1], coverage(len(x - ix - eyeR * 0.15, y - eyeY + eyeR * 0.15) - eyeR * 0.08, p));
        // Brow: a tilted capsule above the eye.
        const by = eyeY - eyeR - 0.1;
        const tilt = side * a.browTilt * 0.1;
        over(canvas, i, shade(a.hair, 0.7), coverage(capsule(x, y, ex - 0.13 * s, by + tilt, ex + 0.13 * s, by - tilt, 0.025 * a.browThickness), p));
        if (a.glasses) over(canvas, i, [0.12, 0.12, 0.14], coverage(ring(x, y, ex, eyeY, eyeR * 1.6 * s, 0.018), p));
      }
      if (a.glasses) over(canvas, i, [0.12, 0.12, 0.14], coverage(capsule(x, y, -eyeX + shift + eyeR * 1.6, eyeY, eyeX + shift - eyeR * 1.6, eyeY, 0.016), p));
      // Mouth: a parabola bent up by the smile.
      const mw = 0.22 * a.mouthWidth;
      const mx = x - shift * 0.9;
      const curve = 0.42 + a.smile * 0.1 * (1 - Math.min(1, (mx / mw) ** 2)); // y grows downward: smile = centre lower than corners
      const mouth = Math.abs(mx) <= mw ? Math.abs(y - curve) - 0.028 : len(Math.abs(mx) - mw, y - 0.42) - 0.028;
      over(canvas, i, [0.55, 0.15, 0.18], coverage(mouth, p));
      // Hair on top: a cap over the forehead; longer styles reach lower at the sides.
      const fringe = -0.45 + 0.12 * Math.cos(x * 3 + a.hairStyle) + (a.hairStyle >= 2 ? Math.max(0, Math.abs(x) - 0.55) * 2.5 : 0);
      const cap = Math.max(ellipse(x, y + 0.06, fw * 1.08, 1.06), y - fringe);
      if (a.hairStyle > 0 || y < -0.7) over(canvas, i, a.hair, coverage(a.hairStyle === 0 ? Math.max(cap, -y - 0.95 + 0.25) : cap, p));
      if (cap < 0 || (a.hairStyle >= 2 && y > 0.5)) {
        for (const s of strands) {
          const ex = s.x + Math.cos(s.ang) * s.l;
          const ey = s.y + Math.sin(s.ang) * s.l;
          over(canvas, i, shade(a.hair, 1.35), 0.5 * coverage(capsule(x, y, s.x, s.y, ex, ey, 0.008), p));
        }
      }
    }
  }
  for (let k = 0; k < canvas.rgb.length; k++) canvas.rgb[k] = canvas.rgb[k]! * 2 - 1;
  return canvas.rgb;
}
