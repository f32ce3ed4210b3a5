/** Signed distances of the 2-D shapes faces are drawn from (negative inside), and coverage. */

export const len = (x: number, y: number) => Math.hypot(x, y);

/** Approximate distance to an axis-aligned ellipse with radii rx, ry. */
export function ellipse(x: number, y: number, rx: number, ry: number): number {
  const k = len(x / rx, y / ry);
  return (k - 1) * Math.min(rx, ry);
}

/** Distance to a segment a–b with half-thickness r. */
export function capsule(x: number, y: number, ax: number, ay: number, bx: number, by: number, r: number): number {
  const px = x - ax;
  const py = y - ay;
  const dx = bx - ax;
  const dy = by - ay;
  const h = Math.max(0, Math.min(1, (px * dx + py * dy) / (dx * dx + dy * dy || 1)));
  return len(px - dx * h, py - dy * h) - r;
}

export const ring = (x: number, y: number, cx: number, cy: number, radius: number, half: number) => Math.abs(len(x - cx, y - cy) - radius) - half;

/** Pixel coverage of a shape from its distance, with one pixel of anti-aliasing. */
export const coverage = (d: number, pixel: number) => Math.max(0, Math.min(1, 0.5 - d / pixel));
