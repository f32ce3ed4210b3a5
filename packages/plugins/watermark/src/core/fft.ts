/** In-place radix-2 complex FFTs, 1-D and 2-D (row-major [N, M], N and M powers of two). */

export const nextPow2 = (n: number): number => 1 << Math.ceil(Math.log2(Math.max(1, n)));

interface Plan {
  readonly rev: Uint32Array;
  readonly cos: Float64Array;
  readonly sin: Float64Array;
}
const plans = new Map<number, Plan>();

/** Bit-reversal permutation and twiddles e^{−2πik/n} for length n. */
function planOf(n: number): Plan {
  let p = plans.get(n);
  if (!p) {
    const rev = new Uint32Array(n);
    const bits = Math.log2(n);
    for (let i = 0; i < n; i++) {
      let r = 0;
      for (let b = 0; b < bits; b++) r |= ((i >> b) & 1) << (bits - 1 - b);
      rev[i] = r;
    }
    const cos = new Float64Array(n / 2);
    const sin = new Float64Array(n / 2);
    for (let k = 0; k < n / 2; k++) {
      cos[k] = Math.cos((2 * Math.PI * k) / n);
      sin[k] = -Math.sin((2 * Math.PI * k) / n);
    }
    p = { rev, cos, sin };
    plans.set(n, p);
  }
  return p;
}

/** One transform of length n at `re[off + k·stride]`; `inverse` uses e^{+i…} without scaling. */
function fft1(re: Float64Array, im: Float64Array, off: number, stride: number, n: number, inverse: boolean): void {
  const { rev, cos, sin } = planOf(n);
  for (let i = 0; i < n; i++) {
    const j = rev[i]!;
    if (i < j) {
      const a = off + i * stride;
      const b = off + j * stride;
      const tr = re[a]!;
      re[a] = re[b]!;
      re[b] = tr;
      const ti = im[a]!;
      im[a] = im[b]!;
      im[b] = ti;
    }
  }
  const sign = inverse ? -1 : 1;
  for (let len = 2; len <= n; len <<= 1) {
    const half = len >> 1;
    const step = n / len;
    for (let i = 0; i < n; i += len) {
      for (let k = 0; k < half; k++) {
        const cr = cos[k * step]!;
        const ci = sign * sin[k * step]!;
        const a = off + (i + k) * stride;
        const b = a + half * stride;
        const tr = re[b]! * cr - im[b]! * ci;
        const ti = re[b]! * ci + im[b]! * cr;
        re[b] = re[a]! - tr;
        im[b] = im[a]! - ti;
        re[a] = re[a]! + tr;
        im[a] = im[a]! + ti;
      }
    }
  }
}

let scratchBuffers: [Float64Array, Float64Array] = [new Float64Array(0), new Float64Array(0)];
function scratch(n: number): [Float64Array, Float64Array] {
  if (scratchBuffers[0].length < n) scratchBuffers = [new Float64Array(n), new Float64Array(n)];
  return scratchBuffers;
}

function transpose(a: Float64Array, N: number, M: number, out: Float64Array): void {
  const B = 32;
  for (let r0 = 0; r0 < N; r0 += B)
    for (let c0 = 0; c0 < M; c0 += B)
      for (let r = r0; r < Math.min(N, r0 + B); r++) for (let c = c0; c < Math.min(M, c0 + B); c++) out[c * N + r] = a[r * M + c]!;
}

/** 2-D FFT of [N, M] data in place; the inverse is scaled by 1/(N·M). */
export function fft2(re: Float64Array, im: Float64Array, N: number, M: number, inverse = false): void {
  for (let r = 0; r < N; r++) fft1(re, im, r * M, 1, M, inverse);
  // Columns as rows of the transpose (contiguous memory), then back.
  const [tr, ti] = scratch(N * M);
  transpose(re, N, M, tr);
  transpose(im, N, M, ti);
  for (let c = 0; c < M; c++) fft1(tr, ti, c * N, 1, N, inverse);
  transpose(tr, M, N, re);
  transpose(ti, M, N, im);
  if (inverse) {
    const s = 1 / (N * M);
    for (let i = 0; i < N * M; i++) {
      re[i] = re[i]! * s;
      im[i] = im[i]! * s;
    }
  }
}

/** Circular cross-correlation c[d] = Σ_b a[b + d]·t[b] of two real [N, M] arrays. */
export function crossCorrelate(a: Float64Array, t: Float64Array, N: number, M: number): Float64Array {
  const tr = Float64Array.from(t);
  const ti = new Float64Array(N * M);
  fft2(tr, ti, N, M);
  const ar = Float64Array.from(a);
  const ai = new Float64Array(N * M);
  fft2(ar, ai, N, M);
  return correlateSpectra(ar, ai, tr, ti, N, M);
}

/** The same with a and t given as spectra, for correlating many arrays with one template. */
export function correlateSpectra(ar: Float64Array, ai: Float64Array, tr: Float64Array, ti: Float64Array, N: number, M: number): Float64Array {
  const re = new Float64Array(N * M);
  const im = new Float64Array(N * M);
  // A · conj(T)
  for (let i = 0; i < N * M; i++) {
    re[i] = ar[i]! * tr[i]! + ai[i]! * ti[i]!;
    im[i] = ai[i]! * tr[i]! - ar[i]! * ti[i]!;
  }
  fft2(re, im, N, M, true);
  return re;
}
