/**
 * The power spectrum |FFT|² of a real 64×64 tile, computed on half the plane: the rows are
 * transformed two at a time (row pair a + i·b as one complex FFT, then separated by Hermitian
 * symmetry), and only the columns k = 0…32 are transformed, the other half of a real signal's
 * spectrum being the mirror image. 65 FFTs of 64 points instead of 128.
 */

const N = 64;
const HALF = N / 2 + 1; // columns k = 0 … 32

const REV = new Uint8Array(N);
for (let i = 0; i < N; i++) {
  let r = 0;
  for (let b = 0; b < 6; b++) r |= ((i >> b) & 1) << (5 - b);
  REV[i] = r;
}
const COS = Float64Array.from({ length: N / 2 }, (_, k) => Math.cos((2 * Math.PI * k) / N));
const SIN = Float64Array.from({ length: N / 2 }, (_, k) => -Math.sin((2 * Math.PI * k) / N));

/**
 * Forward FFT of 64 complex values (e^{−2πi·jk/64}) in place; the input must already be in
 * bit-reversed order (the callers load it so). The first two stages, whose twiddles are 1 and
 * −i, are done without multiplications.
 */
function fft64(re: Float64Array, im: Float64Array): void {
  for (let a = 0; a < N; a += 4) {
    // Stages of length 2 and 4.
    const r0 = re[a]! + re[a + 1]!;
    const i0 = im[a]! + im[a + 1]!;
    const r1 = re[a]! - re[a + 1]!;
    const i1 = im[a]! - im[a + 1]!;
    const r2 = re[a + 2]! + re[a + 3]!;
    const i2 = im[a + 2]! + im[a + 3]!;
    const r3 = re[a + 2]! - re[a + 3]!;
    const i3 = im[a + 2]! - im[a + 3]!;
    re[a] = r0 + r2;
    im[a] = i0 + i2;
    re[a + 2] = r0 - r2;
    im[a + 2] = i0 - i2;
    // (r3 + i·i3)·(−i) = i3 − i·r3
    re[a + 1] = r1 + i3;
    im[a + 1] = i1 - r3;
    re[a + 3] = r1 - i3;
    im[a + 3] = i1 + r3;
  }
  for (let half = 4, step = N / 8; half < N; half <<= 1, step >>= 1) {
    for (let i = 0; i < N; i += half << 1) {
      for (let k = 0; k < half; k++) {
        const cr = COS[k * step]!;
        const ci = SIN[k * step]!;
        const a = i + k;
        const b = a + half;
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

const rowRe = new Float64Array(N);
const rowIm = new Float64Array(N);
/** Row spectra for k = 0…32: [64 rows, 33] real and imaginary parts. */
const specRe = new Float64Array(N * HALF);
const specIm = new Float64Array(N * HALF);
const colRe = new Float64Array(N);
const colIm = new Float64Array(N);

/**
 * |F(u, k)|² for u = 0…63, k = 0…32 ([64, 33], row-major) of the real tile x[64·64] (row-major,
 * from `offset`). The full spectrum's (u, v) for v > 32 equals (−u mod 64, 64 − v).
 */
export function halfPowerSpectrum(x: ArrayLike<number>, offset: number, out: Float64Array): void {
  for (let r = 0; r < N; r += 2) {
    const a = offset + r * N;
    const b = a + N;
    for (let j = 0; j < N; j++) {
      const q = REV[j]!;
      rowRe[q] = x[a + j]!;
      rowIm[q] = x[b + j]!;
    }
    fft64(rowRe, rowIm);
    for (let k = 0; k < HALF; k++) {
      const m = (N - k) & (N - 1);
      const zr = rowRe[k]!;
      const zi = rowIm[k]!;
      const mr = rowRe[m]!;
      const mi = rowIm[m]!;
      // A = (Z[k] + conj Z[−k]) / 2, B = (Z[k] − conj Z[−k]) / 2i.
      specRe[r * HALF + k] = (zr + mr) / 2;
      specIm[r * HALF + k] = (zi - mi) / 2;
      specRe[(r + 1) * HALF + k] = (zi + mi) / 2;
      specIm[(r + 1) * HALF + k] = (mr - zr) / 2;
    }
  }
  for (let k = 0; k < HALF; k++) {
    for (let u = 0; u < N; u++) {
      const q = REV[u]!;
      colRe[q] = specRe[u * HALF + k]!;
      colIm[q] = specIm[u * HALF + k]!;
    }
    fft64(colRe, colIm);
    for (let u = 0; u < N; u++) out[u * HALF + k] = colRe[u]! * colRe[u]! + colIm[u]! * colIm[u]!;
  }
}

export const HALF_COLUMNS = HALF;
