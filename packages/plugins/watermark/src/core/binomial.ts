/**
 * Exact upper tail of the binomial distribution with p = ½: P[X ≥ k] for X ~ Bin(n, ½), in log
 * space so that tails far below 1e-300 are still ordered (returned as a number, 0 only when it
 * underflows).
 */
export function binomialTail(k: number, n: number): number {
  if (k <= 0) return 1;
  if (k > n) return 0;
  // log C(n, i) by lgamma-free recurrence from i = n downwards, summed with log-sum-exp.
  let logC = 0; // log C(n, n)
  let acc = -Infinity;
  for (let i = n; i >= k; i--) {
    acc = logAdd(acc, logC);
    logC += Math.log(i) - Math.log(n - i + 1); // C(n, i−1) = C(n, i) · i / (n − i + 1)
  }
  return Math.min(1, Math.exp(acc - n * Math.LN2));
}

function logAdd(a: number, b: number): number {
  if (a === -Infinity) return b;
  const m = Math.max(a, b);
  return m + Math.log(Math.exp(a - m) + Math.exp(b - m));
}
