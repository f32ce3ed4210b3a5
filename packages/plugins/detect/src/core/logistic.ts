/**
 * L2-regularized logistic regression by Newton's method (IRLS) on standardized features, with
 * class-balanced weights: the spectral detector's trainer. Returns weights in raw feature units.
 */

export interface LinearModel {
  readonly w: Float64Array;
  readonly b: number;
}

/** Cholesky solve of the symmetric positive definite system A·x = y (A [n, n], row-major; overwritten). */
function solve(A: Float64Array, y: Float64Array, n: number): Float64Array {
  for (let j = 0; j < n; j++) {
    let d = A[j * n + j]!;
    for (let k = 0; k < j; k++) d -= A[j * n + k]! ** 2;
    if (!(d > 0)) throw new Error('logistic regression: the Hessian is not positive definite');
    const ljj = Math.sqrt(d);
    A[j * n + j] = ljj;
    for (let i = j + 1; i < n; i++) {
      let s = A[i * n + j]!;
      for (let k = 0; k < j; k++) s -= A[i * n + k]! * A[j * n + k]!;
      A[i * n + j] = s / ljj;
    }
  }
  const x = Float64Array.from(y);
  for (let i = 0; i < n; i++) {
    let s = x[i]!;
    for (let k = 0; k < i; k++) s -= A[i * n + k]! * x[k]!;
    x[i] = s / A[i * n + i]!;
  }
  for (let i = n - 1; i >= 0; i--) {
    let s = x[i]!;
    for (let k = i + 1; k < n; k++) s -= A[k * n + i]! * x[k]!;
    x[i] = s / A[i * n + i]!;
  }
  return x;
}

/** Fits rows of `x` [N, F] to labels `y` (0/1). `l2` penalizes the standardized weights (not the bias). */
export function fitLogistic(x: Float32Array, y: ArrayLike<number>, F: number, l2 = 1e-3, iterations = 30): LinearModel {
  const N = y.length;
  if (x.length !== N * F) throw new Error(`logistic regression: ${x.length} values for ${N} rows of ${F}`);
  const pos = Array.from(y).filter((v) => v === 1).length;
  if (pos === 0 || pos === N) throw new Error('logistic regression needs examples of both classes');
  const cw = [N / (2 * (N - pos)), N / (2 * pos)];
  const mu = new Float64Array(F);
  const sd = new Float64Array(F);
  for (let i = 0; i < N; i++) for (let f = 0; f < F; f++) mu[f]! += x[i * F + f]! / N;
  for (let i = 0; i < N; i++) for (let f = 0; f < F; f++) sd[f]! += (x[i * F + f]! - mu[f]!) ** 2 / N;
  for (let f = 0; f < F; f++) sd[f] = Math.sqrt(sd[f]!) + 1e-6;
  const D = F + 1; // weights, then the bias
  const theta = new Float64Array(D);
  const z = new Float64Array(D);
  for (let it = 0; it < iterations; it++) {
    const g = new Float64Array(D);
    const H = new Float64Array(D * D);
    for (let f = 0; f < F; f++) {
      g[f] = 2 * l2 * N * theta[f]!;
      H[f * D + f] = 2 * l2 * N;
    }
    H[F * D + F] = 1e-9;
    for (let i = 0; i < N; i++) {
      for (let f = 0; f < F; f++) z[f] = (x[i * F + f]! - mu[f]!) / sd[f]!;
      z[F] = 1;
      let t = 0;
      for (let k = 0; k < D; k++) t += theta[k]! * z[k]!;
      const p = 1 / (1 + Math.exp(-t));
      const wi = cw[y[i]!]!;
      const r = wi * (p - y[i]!);
      const h = wi * p * (1 - p);
      for (let k = 0; k < D; k++) {
        g[k]! += r * z[k]!;
        const hz = h * z[k]!;
        for (let l = 0; l <= k; l++) H[k * D + l]! += hz * z[l]!;
      }
    }
    for (let k = 0; k < D; k++) for (let l = k + 1; l < D; l++) H[k * D + l] = H[l * D + k]!;
    const step = solve(H, g, D);
    let size = 0;
    for (let k = 0; k < D; k++) {
      theta[k]! -= step[k]!;
      size += Math.abs(step[k]!);
    }
    if (size < 1e-8) break;
  }
  const w = new Float64Array(F);
  let b = theta[F]!;
  for (let f = 0; f < F; f++) {
    w[f] = theta[f]! / sd[f]!;
    b -= w[f]! * mu[f]!;
  }
  return { w, b };
}
