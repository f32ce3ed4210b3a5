/**
 * StyleGAN3's low-pass filter design (for random-weight models; imported models carry their
 * filters): a Kaiser-windowed sinc (SciPy's `firwin(numtaps, cutoff, width=, fs=)`) for separable
 * filters, and a Kaiser-windowed jinc for the radially symmetric ones of StyleGAN3-R:
 *   beta from the Kaiser attenuation A = 2.285 · (N − 1) · π · width/(fs/2) + 7.95
 *   sinc:  h[n] = 2fc/fs · sinc(2fc/fs · (n − (N−1)/2)) · kaiser[n],  normalized to Σ h = 1
 *   jinc:  h[i,j] = J1(2π fc r) / (π r) · kaiser[i] · kaiser[j],  r = |(i, j) − (N−1)/2| / fs,  Σ h = 1
 */

/** Modified Bessel function of the first kind, order 0 (power series; converges for all x). */
function besselI0(x: number): number {
  let sum = 1;
  let term = 1;
  for (let k = 1; k < 500; k++) {
    term *= (x / (2 * k)) ** 2;
    sum += term;
    if (term < sum * 1e-17) break;
  }
  return sum;
}

/** Bessel function of the first kind, order 1: power series below 12, Hankel's asymptotic expansion above. */
export function besselJ1(x: number): number {
  const ax = Math.abs(x);
  if (ax < 12) {
    let sum = 0;
    let term = x / 2;
    for (let k = 0; k < 200; k++) {
      sum += term;
      term *= -((x / 2) ** 2) / ((k + 1) * (k + 2));
      if (Math.abs(term) < 1e-18) break;
    }
    return sum;
  }
  // J1(x) ≈ √(2/(πx)) (P cos(x − 3π/4) − Q sin(x − 3π/4)), μ = 4.
  let p = 1;
  let q = 0;
  let term = 1;
  for (let k = 1; k < 30; k++) {
    term *= (4 - (2 * k - 1) ** 2) / (k * 8 * ax);
    if (k % 2 === 1) q += (k % 4 === 1 ? 1 : -1) * term;
    else p += (k % 4 === 2 ? -1 : 1) * term;
  }
  const chi = ax - 0.75 * Math.PI;
  const v = Math.sqrt(2 / (Math.PI * ax)) * (p * Math.cos(chi) - q * Math.sin(chi));
  return x < 0 ? -v : v;
}

function kaiserBeta(atten: number): number {
  if (atten > 50) return 0.1102 * (atten - 8.7);
  if (atten > 21) return 0.5842 * (atten - 21) ** 0.4 + 0.07886 * (atten - 21);
  return 0;
}

/** The symmetric Kaiser window of `n` taps whose transition band is `width` (in units of fs/2). */
function kaiser(n: number, width: number): Float64Array {
  const beta = kaiserBeta(2.285 * (n - 1) * Math.PI * width + 7.95);
  const a = (n - 1) / 2;
  return Float64Array.from({ length: n }, (_, i) => besselI0(beta * Math.sqrt(Math.max(0, 1 - ((i - a) / a) ** 2))) / besselI0(beta));
}

const sinc = (x: number) => (x === 0 ? 1 : Math.sin(Math.PI * x) / (Math.PI * x));

function normalized(h: Float64Array): Float32Array {
  const s = h.reduce((a, b) => a + b, 0);
  return Float32Array.from(h, (v) => v / s);
}

/** A low-pass filter of `numtaps` taps (1-D, or `[numtaps, numtaps]` row-major when radial). */
export function designLowpass(numtaps: number, cutoff: number, width: number, fs: number, radial: boolean): Float32Array {
  const win = kaiser(numtaps, width / (fs / 2));
  const a = (numtaps - 1) / 2;
  if (!radial) {
    const c = cutoff / (fs / 2);
    return normalized(Float64Array.from(win, (wv, i) => c * sinc(c * (i - a)) * wv));
  }
  const h = new Float64Array(numtaps * numtaps);
  for (let i = 0; i < numtaps; i++) {
    for (let j = 0; j < numtaps; j++) {
      const r = Math.hypot((i - a) / fs, (j - a) / fs);
      const jinc = r === 0 ? cutoff : besselJ1(2 * Math.PI * cutoff * r) / (Math.PI * r);
      h[i * numtaps + j] = jinc * win[i]! * win[j]!;
    }
  }
  return normalized(h);
}
