/**
 * Finding the tile's period and rotation. The mark repeats with period P along two orthogonal
 * directions, so the residual's autocorrelation peaks on the lattice {a·v₁ + b·v₂}, with
 * v₁ = P(cos θ, sin θ), v₂ = P(−sin θ, cos θ). A grid search over (P, θ) scores each lattice by
 * the autocorrelation at its near points, then refines the best ones with farther points. θ is
 * found modulo 90° (the lattice's own symmetry); the fold tries the four quarter turns.
 */
import { fft2, nextPow2 } from './fft.js';
import type { Plane } from './plane.js';

export interface Lattice {
  /** Period in work pixels. */
  readonly period: number;
  /** Rotation in radians, −π/4 … π/4. */
  readonly theta: number;
  readonly score: number;
}

/** Normalised autocorrelation of a plane, zero-padded (no wrap) and divided by the overlap. */
export class Autocorrelation {
  readonly N: number;
  readonly M: number;
  private readonly a: Float64Array;
  private readonly H: number;
  private readonly W: number;

  constructor(p: Plane) {
    const { data, H, W } = p;
    this.H = H;
    this.W = W;
    const N = nextPow2(2 * H);
    const M = nextPow2(2 * W);
    const re = new Float64Array(N * M);
    const im = new Float64Array(N * M);
    let mean = 0;
    for (let i = 0; i < H * W; i++) mean += data[i]!;
    mean /= H * W;
    for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) re[y * M + x] = data[y * W + x]! - mean;
    fft2(re, im, N, M);
    for (let i = 0; i < N * M; i++) {
      re[i] = re[i]! * re[i]! + im[i]! * im[i]!;
      im[i] = 0;
    }
    fft2(re, im, N, M, true);
    const zero = re[0]! / (H * W) || 1;
    for (let dy = 0; dy < N; dy++) {
      const ty = dy < N / 2 ? dy : dy - N;
      for (let dx = 0; dx < M; dx++) {
        const tx = dx < M / 2 ? dx : dx - M;
        const overlap = (H - Math.abs(ty)) * (W - Math.abs(tx));
        re[dy * M + dx] = overlap > 0 ? re[dy * M + dx]! / overlap / zero : 0;
      }
    }
    this.N = N;
    this.M = M;
    this.a = re;
  }

  /** Bilinear value at lag (tx, ty); NaN beyond 3/4 of the plane (too little overlap). */
  at(tx: number, ty: number): number {
    if (Math.abs(tx) > 0.75 * this.W || Math.abs(ty) > 0.75 * this.H) return NaN;
    const { N, M, a } = this;
    // Lags are within ±N/2, ±M/2: one wrap at most.
    const xf = tx < 0 ? tx + M : tx;
    const yf = ty < 0 ? ty + N : ty;
    const x0 = Math.floor(xf);
    const y0 = Math.floor(yf);
    const fx = xf - x0;
    const fy = yf - y0;
    const x1 = x0 + 1 === M ? 0 : x0 + 1;
    const y1 = y0 + 1 === N ? 0 : y0 + 1;
    const r0 = y0 * M;
    const r1 = y1 * M;
    return (1 - fy) * ((1 - fx) * a[r0 + x0]! + fx * a[r0 + x1]!) + fy * ((1 - fx) * a[r1 + x0]! + fx * a[r1 + x1]!);
  }
}

/** Lattice points (a, b) a score sums over: near ones for the coarse search, more for refining. */
const NEAR: readonly [number, number][] = [
  [1, 0],
  [0, 1],
  [1, 1],
  [1, -1],
];
const FAR: readonly [number, number][] = [...NEAR, [2, 0], [0, 2], [2, 1], [1, 2], [2, -1], [-1, 2], [3, 0], [0, 3], [2, 2], [2, -2]];

function score(ac: Autocorrelation, period: number, theta: number, points: readonly [number, number][]): number {
  const c = Math.cos(theta) * period;
  const s = Math.sin(theta) * period;
  let sum = 0;
  let n = 0;
  for (const [a, b] of points) {
    const tx = a * c - b * s;
    const ty = a * s + b * c;
    const v = ac.at(tx, ty);
    if (Number.isNaN(v)) continue;
    sum += v;
    n++;
  }
  return n > 0 ? sum / n : 0;
}

/**
 * The `count` best lattices with period in [minPeriod, maxPeriod] work pixels, and the finer
 * lattices each may be a part of, refined. Empty when the range is empty.
 */
export function findLattices(ac: Autocorrelation, minPeriod: number, maxPeriod: number, count: number): Lattice[] {
  const coarse: Lattice[] = [];
  const dTheta = (1 * Math.PI) / 180;
  for (let lp = Math.log(minPeriod); lp <= Math.log(maxPeriod); lp += 0.02) {
    const period = Math.exp(lp);
    for (let theta = -Math.PI / 4; theta < Math.PI / 4; theta += dTheta) coarse.push({ period, theta, score: score(ac, period, theta, NEAR) });
  }
  coarse.sort((a, b) => b.score - a.score);
  const picked: Lattice[] = [];
  const close = (a: Lattice, b: Lattice) => Math.abs(Math.log(a.period / b.period)) < 0.06 && angleGap(a.theta, b.theta) < 2.5 * dTheta;
  for (const c of coarse) {
    if (picked.length >= count) break;
    if (picked.some((p) => close(p, c))) continue;
    picked.push(c);
  }
  // A lattice's coarser sub-lattices score as well as it does (their points are its points):
  // period 2P, or P√2 at 45°. So each pick also proposes the finer lattices it may be part of.
  const proposals = [...picked];
  for (const c of picked) {
    for (const finer of [
      { period: c.period / 2, theta: c.theta, score: 0 },
      { period: c.period / Math.SQRT2, theta: wrapQuarter(c.theta + Math.PI / 4), score: 0 },
    ]) {
      if (finer.period >= minPeriod && !proposals.some((p) => close(p, finer))) proposals.push(finer);
    }
  }
  return proposals.map((c) => refine(ac, c));
}

/** An angle brought into −π/4 … π/4 (the lattice's symmetry). */
const wrapQuarter = (a: number): number => a - (Math.PI / 2) * Math.round(a / (Math.PI / 2));

const angleGap = (a: number, b: number): number => {
  const d = Math.abs(a - b) % (Math.PI / 2);
  return Math.min(d, Math.PI / 2 - d);
};

function refine(ac: Autocorrelation, start: Lattice): Lattice {
  let best = { ...start, score: score(ac, start.period, start.theta, FAR) };
  for (const [dp, dt] of [
    [0.003, (0.16 * Math.PI) / 180],
    [0.001, (0.06 * Math.PI) / 180],
  ] as const) {
    const centre = best;
    for (let i = -6; i <= 6; i++) {
      for (let j = -6; j <= 6; j++) {
        const period = centre.period * Math.exp(i * dp);
        const theta = centre.theta + j * dt;
        const s = score(ac, period, theta, FAR);
        if (s > best.score) best = { period, theta, score: s };
      }
    }
  }
  return best;
}
