/**
 * The band-limited image operators of "Alias-Free GANs" (appendix E.3) that EQ-T_frac and EQ-R
 * compare through, on one image `[C, H, W]` (flat, row-major):
 *  - fractional translation by (tx, ty) image fractions: a separable Lanczos-windowed sinc
 *    (a = 3) at the fractional offset, the integer part a shift; valid where all 2a taps land;
 *  - fractional rotation R_α: the image upsampled ×4 with an affine band-limit filter, sampled
 *    bilinearly on the rotated grid; valid where the filtered support stays inside;
 *  - pseudo-rotation R*_α: the same band limit as a rotation would impose, without rotating.
 * The affine band-limit filter is the product of two convolutions (of the input's and the
 * rotated output's 2-D sincs, and of their Lanczos windows, a = 3) on NVIDIA's 128-unit
 * periodic grid of `up` samples per unit, cut to ±(2a · up − 1) taps and normalized per
 * upsampling phase. Each convolution is a product of 1-D sincs on the input side, so it is
 * summed separably, and only at the taps kept.
 */

/** sin(πx)/(πx). */
export function sinc(x: number): number {
  const y = Math.abs(x * Math.PI);
  return y < 1e-30 ? 1 : Math.sin(y) / y;
}

const lanczos = (x: number, a: number) => (Math.abs(x) / a < 1 ? sinc(Math.abs(x) / a) : 0);

/** An image batch element: C planes of H × W. */
export interface Planes {
  readonly data: Float32Array;
  readonly C: number;
  readonly H: number;
  readonly W: number;
}

/** NVIDIA's rotation_matrix(angle): [[cos, sin, 0], [−sin, cos, 0], [0, 0, 1]] (row-major). */
export const rotationMatrix = (angle: number): number[] => [Math.cos(angle), Math.sin(angle), 0, -Math.sin(angle), Math.cos(angle), 0, 0, 0, 1];

/**
 * The filter, `K × K` with K = 2 · amax · up − 1, for the 2×2 linear part `m` (row-major [m00, m01, m10, m11]).
 * Entry [i][j] is the tap at offset (i − K/2, j − K/2) output samples (y, x).
 */
export function affineBandlimitFilter(m: readonly number[], a: number, amax: number, up: number, aflt = 64): Float64Array {
  const N = 2 * aflt * up - 1; // periodic grid
  const half = (N - 1) / 2;
  const t = Float64Array.from({ length: N }, (_, i) => (i <= half ? i : i - N) / up);
  const K = 2 * amax * up - 1;
  const r0 = (K - 1) / 2;
  // conv(p, q)[d] = Σ_{r,c} p(t_r) p(t_c) · q(x, y at (d − (r, c)) mod N), for p the 1-D input-side
  // function and q the rotated output-side one; only |d| ≤ r0 is needed.
  const conv = (p: (v: number) => number, q: (x: number, y: number) => number): Float64Array => {
    const pv = Float64Array.from(t, p);
    const qv = new Float64Array(N * N); // [row (y), col (x)]
    for (let r = 0; r < N; r++) {
      for (let c = 0; c < N; c++) {
        const xi = t[c]!;
        const yi = t[r]!;
        qv[r * N + c] = q(xi * m[0]! + yi * m[1]!, xi * m[2]! + yi * m[3]!);
      }
    }
    // Along x: g[r][dc] = Σ_c p(t_c) · q[r][(dc − c) mod N], dc ∈ [−r0, r0].
    const g = new Float64Array(N * K);
    const wrap = (d: number) => ((d % N) + N) % N;
    for (let r = 0; r < N; r++) {
      const row = r * N;
      for (let j = 0; j < K; j++) {
        const d0 = wrap(j - r0);
        let s = 0;
        // (d0 − c) mod N without a modulo per term: d0 − c for c ≤ d0, d0 − c + N after.
        for (let c = 0; c <= d0; c++) s += pv[c]! * qv[row + d0 - c]!;
        for (let c = d0 + 1; c < N; c++) s += pv[c]! * qv[row + d0 - c + N]!;
        g[r * K + j] = s;
      }
    }
    // Along y: out[dr][dc] = Σ_r p(t_r) · g[(dr − r) mod N][dc].
    const out = new Float64Array(K * K);
    for (let i = 0; i < K; i++) {
      const d0 = wrap(i - r0);
      for (let j = 0; j < K; j++) {
        let s = 0;
        for (let r = 0; r <= d0; r++) s += pv[r]! * g[(d0 - r) * K + j]!;
        for (let r = d0 + 1; r < N; r++) s += pv[r]! * g[(d0 - r + N) * K + j]!;
        out[i * K + j] = s;
      }
    }
    return out;
  };
  const f = conv(sinc, (x, y) => sinc(x) * sinc(y));
  const w = conv((v) => lanczos(v, a), (x, y) => lanczos(x, a) * lanczos(y, a));
  for (let k = 0; k < f.length; k++) f[k]! *= w[k]!;
  // Normalize per phase: the taps i ≡ u, j ≡ v (mod up) sum to 1 / up².
  const sums = new Float64Array(up * up);
  for (let i = 0; i < K; i++) for (let j = 0; j < K; j++) sums[(i % up) * up + (j % up)]! += f[i * K + j]!;
  for (let i = 0; i < K; i++) for (let j = 0; j < K; j++) f[i * K + j]! /= sums[(i % up) * up + (j % up)]! * up * up;
  return f;
}

/**
 * upfirdn2d as NVIDIA defines it, for one image: zero-insert ×up, pad [x0, x1, y0, y1]
 * (negative crops), convolve with the 2-D filter `f` [K, K] times `gain`.
 */
function upfir(x: Planes, f: Float64Array, K: number, up: number, pad: readonly [number, number, number, number], gain: number): Planes {
  const [px0, px1, py0, py1] = pad;
  const Ho = x.H * up + py0 + py1 - K + 1;
  const Wo = x.W * up + px0 + px1 - K + 1;
  const out = new Float32Array(x.C * Ho * Wo);
  for (let ch = 0; ch < x.C; ch++) {
    const src = ch * x.H * x.W;
    for (let oy = 0; oy < Ho; oy++) {
      for (let ox = 0; ox < Wo; ox++) {
        let s = 0;
        // out[o] = Σ_k f[K − 1 − k] · xup[o + k − pad0]: only taps landing on inserted samples
        // (o + k − pad0 ≡ 0 mod up) count, so k steps by up from the first such one.
        for (let ky = (((py0 - oy) % up) + up) % up; ky < K; ky += up) {
          const iy = (oy + ky - py0) / up;
          if (iy < 0 || iy >= x.H) continue;
          const row = src + iy * x.W;
          const frow = (K - 1 - ky) * K;
          for (let kx = (((px0 - ox) % up) + up) % up; kx < K; kx += up) {
            const ix = (ox + kx - px0) / up;
            if (ix < 0 || ix >= x.W) continue;
            s += f[frow + K - 1 - kx]! * x.data[row + ix]!;
          }
        }
        out[(ch * Ho + oy) * Wo + ox] = s * gain;
      }
    }
  }
  return { data: out, C: x.C, H: Ho, W: Wo };
}

/** 3×3 inverse (row-major). */
function invert3(m: readonly number[]): number[] {
  const [a, b, c, d, e, f, g, h, i] = m as [number, number, number, number, number, number, number, number, number];
  const A = e * i - f * h;
  const B = -(d * i - f * g);
  const Cc = d * h - e * g;
  const det = a * A + b * B + c * Cc;
  return [A, -(b * i - c * h), b * f - c * e, B, a * i - c * g, -(a * f - c * d), Cc, -(a * h - b * g), a * e - b * d].map((v) => v / det);
}

/** R_α of one image, and its validity mask (1 where the result is fully supported). */
export function fractionalRotation(x: Planes, angle: number, a = 3): { z: Float32Array; mask: Float32Array } {
  const up = 4;
  const mat = rotationMatrix(angle);
  const K = 2 * (2 * a) * up - 1;
  const f = affineBandlimitFilter([mat[0]!, mat[1]!, mat[3]!, mat[4]!], a, 2 * a, up);
  const p = (K - 1) / 2;
  // upsample2d(x, f, up, padding=p): extra padding (K + up − 1)//2 before, (K − up)//2 after, gain up².
  const lo = p + Math.floor((K + up - 1) / 2);
  const hi = p + Math.floor((K - up) / 2);
  const y = upfir(x, f, K, up, [lo, hi, lo, hi], up * up); // [C, H·up + 2p, W·up + 2p]
  const { H, W } = x;
  // The sampling grid: NVIDIA's theta (inverse transform, translation doubled and shifted half an upsampled pixel, scaled to the padded extent).
  const th = invert3(mat);
  th[2]! *= 2;
  th[5]! *= 2;
  th[2]! += 1 / up / W;
  th[5]! += 1 / up / H;
  for (let k = 0; k < 3; k++) {
    th[k]! *= W / (W + (p / up) * 2);
    th[3 + k]! *= H / (H + (p / up) * 2);
  }
  const z = new Float32Array(x.C * H * W);
  const mask = new Float32Array(x.C * H * W);
  const c = 2 * p + 1; // the mask's border in upsampled pixels
  for (let i = 0; i < H; i++) {
    for (let j = 0; j < W; j++) {
      const xn = (2 * j + 1) / W - 1;
      const yn = (2 * i + 1) / H - 1;
      const gx = th[0]! * xn + th[1]! * yn + th[2]!;
      const gy = th[3]! * xn + th[4]! * yn + th[5]!;
      // grid_sample, align_corners=False: pixel coordinates of the normalized point.
      const px = ((gx + 1) * y.W - 1) / 2;
      const py = ((gy + 1) * y.H - 1) / 2;
      const x0 = Math.floor(px);
      const y0 = Math.floor(py);
      const fx = px - x0;
      const fy = py - y0;
      // Nearest for the mask: round half to even, as nearbyint does.
      const nx = roundHalfEven(px);
      const ny = roundHalfEven(py);
      const inMask = nx >= c && nx < y.W - c && ny >= c && ny < y.H - c ? 1 : 0;
      for (let ch = 0; ch < x.C; ch++) {
        const at = (yy: number, xx: number) => (yy >= 0 && yy < y.H && xx >= 0 && xx < y.W ? y.data[(ch * y.H + yy) * y.W + xx]! : 0);
        const v = at(y0, x0) * (1 - fx) * (1 - fy) + at(y0, x0 + 1) * fx * (1 - fy) + at(y0 + 1, x0) * (1 - fx) * fy + at(y0 + 1, x0 + 1) * fx * fy;
        z[(ch * H + i) * W + j] = v;
        mask[(ch * H + i) * W + j] = inMask;
      }
    }
  }
  return { z, mask };
}

const roundHalfEven = (v: number) => {
  const r = Math.round(v);
  return Math.abs(v - Math.trunc(v)) === 0.5 && r % 2 !== 0 ? r - 1 : r;
};

/** R*_α of one image (the band limit of a rotation by α, unrotated) and its validity mask. */
export function pseudoRotation(x: Planes, angle: number, a = 3): { z: Float32Array; mask: Float32Array } {
  const mat = rotationMatrix(-angle);
  const K = 2 * (2 * a) - 1;
  const f = affineBandlimitFilter([mat[0]!, mat[1]!, mat[3]!, mat[4]!], a, 2 * a, 1);
  const p = (K - 1) / 2;
  const y = upfir(x, f, K, 1, [p, p, p, p], 1); // same size
  const mask = new Float32Array(y.data.length);
  for (let ch = 0; ch < x.C; ch++) for (let i = p; i < x.H - p; i++) for (let j = p; j < x.W - p; j++) mask[(ch * x.H + i) * x.W + j] = 1;
  return { z: y.data, mask };
}

/** Fractional translation by (tx, ty) image fractions (content moves right and down), and its validity mask. */
export function fractionalTranslation(x: Planes, tx: number, ty: number, a = 3): { z: Float32Array; mask: Float32Array } {
  const { C, H, W } = x;
  const sx = tx * W;
  const sy = ty * H;
  const ix = Math.floor(sx);
  const iy = Math.floor(sy);
  const b = a - 1;
  // Taps at offsets −b … a of the fractional remainder, normalized.
  const taps = (frac: number) => {
    const k = Array.from({ length: 2 * a }, (_, i) => sinc(i - b - frac) * sinc((i - b - frac) / a));
    const s = k.reduce((u, v) => u + v, 0);
    return k.map((v) => v / s);
  };
  const kx = taps(sx - ix);
  const ky = taps(sy - iy);
  const z = new Float32Array(C * H * W);
  const mask = new Float32Array(C * H * W);
  const get = (ch: number, yy: number, xx: number) => (yy >= 0 && yy < H && xx >= 0 && xx < W ? x.data[(ch * H + yy) * W + xx]! : 0);
  // z[y][x] = Σ_{u,v} ky[v] kx[u] · x[y − iy + b − v][x − ix + b − u] (convolution: flipped taps), on the rows and columns NVIDIA fills.
  const zx0 = Math.max(ix - b, 0);
  const zy0 = Math.max(iy - b, 0);
  const zx1 = Math.min(ix + a, 0) + W;
  const zy1 = Math.min(iy + a, 0) + H;
  for (let ch = 0; ch < C; ch++) {
    for (let yy = zy0; yy < zy1; yy++) {
      for (let xx = zx0; xx < zx1; xx++) {
        let s = 0;
        for (let v = 0; v < 2 * a; v++) for (let u = 0; u < 2 * a; u++) s += ky[v]! * kx[u]! * get(ch, yy - iy + b - v, xx - ix + b - u);
        z[(ch * H + yy) * W + xx] = s;
      }
    }
  }
  const mx0 = Math.max(ix + a, 0);
  const my0 = Math.max(iy + a, 0);
  const mx1 = Math.min(ix - b, 0) + W;
  const my1 = Math.min(iy - b, 0) + H;
  for (let ch = 0; ch < C; ch++) for (let yy = my0; yy < my1; yy++) for (let xx = mx0; xx < mx1; xx++) mask[(ch * H + yy) * W + xx] = 1;
  return { z, mask };
}
