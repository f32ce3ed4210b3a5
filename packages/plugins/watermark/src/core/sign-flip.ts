/**
 * The tail of a weighted sign-flip sum: P[Σ εᵢ·wᵢ ≥ s] for independent fair signs εᵢ = ±1 and
 * fixed weights wᵢ. Under "no mark of this key" the carrier signs are exactly such coins and the
 * evidence w fixed, so this is the exact (conditional) p-value of the correlation statistic;
 * it is computed with the Lugannani–Rice saddlepoint formula, whose relative error is of order
 * 1/n (far below the factor 2 that calibration asks for with hundreds of terms), falling back to
 * the normal tail near the centre where the formula is singular.
 */

/** log of the upper normal tail Q(x) = P[Z ≥ x], accurate in the far tail too. */
export function logNormalTail(x: number): number {
  if (x < 5) return Math.log(0.5 * erfc(x / Math.SQRT2));
  // Asymptotic series: Q(x) = φ(x)/x · (1 − 1/x² + 3/x⁴ − 15/x⁶ …)
  const x2 = x * x;
  return -0.5 * x2 - Math.log(x) - 0.5 * Math.log(2 * Math.PI) + Math.log(1 - 1 / x2 + 3 / (x2 * x2) - 15 / (x2 * x2 * x2));
}

/** erfc with relative error below 1.2e-7 (Numerical Recipes' Chebyshev fit). */
function erfc(x: number): number {
  const z = Math.abs(x);
  const t = 1 / (1 + 0.5 * z);
  const r =
    t *
    Math.exp(
      -z * z -
        1.26551223 +
        t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))),
    );
  return x >= 0 ? r : 2 - r;
}

const logCosh = (x: number): number => {
  const a = Math.abs(x);
  return a + Math.log1p(Math.exp(-2 * a)) - Math.LN2;
};

/** P[Σ εᵢ·wᵢ ≥ s]; 1 for s ≤ the smallest sum, 0 beyond the largest. */
export function signFlipTail(w: ArrayLike<number>, s: number): number {
  let sumAbs = 0;
  let v = 0;
  for (let i = 0; i < w.length; i++) {
    sumAbs += Math.abs(w[i]!);
    v += w[i]! * w[i]!;
  }
  if (v === 0) return s <= 0 ? 1 : 0;
  if (s > sumAbs) return 0;
  const z = s / Math.sqrt(v);
  if (Math.abs(z) < 0.5) return Math.exp(logNormalTail(z));
  // Saddlepoint t: K'(t) = Σ wᵢ tanh(t wᵢ) = s (K' increases with t), by safeguarded Newton.
  let t = s / v;
  let lo = s > 0 ? 0 : -Infinity;
  let hi = s > 0 ? Infinity : 0;
  for (let it = 0; it < 100; it++) {
    let k1 = 0;
    let k2 = 0;
    for (let i = 0; i < w.length; i++) {
      const th = Math.tanh(t * w[i]!);
      k1 += w[i]! * th;
      k2 += w[i]! * w[i]! * (1 - th * th);
    }
    if (k1 < s) lo = t;
    else hi = t;
    let next = t - (k1 - s) / k2;
    if (!(next > lo && next < hi) || !Number.isFinite(next)) next = Number.isFinite(hi) && Number.isFinite(lo) ? (lo + hi) / 2 : k1 < s ? t * 2 : t / 2;
    if (Math.abs(next - t) <= 1e-12 * Math.abs(t)) {
      t = next;
      break;
    }
    t = next;
  }
  let K = 0;
  let k2 = 0;
  for (let i = 0; i < w.length; i++) {
    K += logCosh(t * w[i]!);
    const th = Math.tanh(t * w[i]!);
    k2 += w[i]! * w[i]! * (1 - th * th);
  }
  const r = Math.sign(t) * Math.sqrt(Math.max(0, 2 * (t * s - K)));
  const u = t * Math.sqrt(k2);
  if (s > 0) {
    // Q(r) + φ(r)(1/u − 1/r), written as Q(r)·(1 + φ(r)/Q(r)·(1/u − 1/r)) to stay in range.
    const logQ = logNormalTail(r);
    const logPhi = -0.5 * r * r - 0.5 * Math.log(2 * Math.PI);
    const corr = 1 + Math.exp(logPhi - logQ) * (1 / u - 1 / r);
    return Math.min(1, Math.exp(logQ) * Math.max(corr, 1e-300));
  }
  // Lower side by symmetry: P[S ≥ s] = 1 − P[S ≥ −s] (continuous approximation).
  return 1 - signFlipTail(w, -s);
}
