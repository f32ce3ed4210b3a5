/**
 * Calibration and detection metrics: Platt scaling, the score threshold for a false-positive
 * rate, expected calibration error, average precision and TPR at a fixed FPR. The same
 * definitions as tools/detect/common.py.
 */

export const sigmoid = (x: number): number => 1 / (1 + Math.exp(-x));

/**
 * Platt scaling: (a, b) minimizing the mean log loss of sigmoid(a·score + b). Newton's method with
 * a backtracking line search, on standardized scores (from a = 0, b = the log-odds of the labels),
 * so scores of any scale converge; a tiny ridge keeps separable data finite.
 */
export function fitPlatt(scores: ArrayLike<number>, labels: ArrayLike<number>): { a: number; b: number } {
  const n = scores.length;
  if (n === 0 || n !== labels.length) throw new Error(`fitPlatt: ${n} scores and ${labels.length} labels`);
  let mean = 0;
  let pos = 0;
  for (let i = 0; i < n; i++) {
    mean += scores[i]! / n;
    pos += labels[i]!;
  }
  let sd = 0;
  for (let i = 0; i < n; i++) sd += (scores[i]! - mean) ** 2 / n;
  sd = Math.sqrt(sd) || 1;
  const z = Float64Array.from({ length: n }, (_, i) => (scores[i]! - mean) / sd);
  const ridge = 1e-6;
  const loss = (a: number, b: number) => {
    let l = 0.5 * ridge * a * a;
    for (let i = 0; i < n; i++) {
      const t = a * z[i]! + b;
      // log(1 + e^t) − y·t, computed stably.
      l += (t > 0 ? t + Math.log1p(Math.exp(-t)) : Math.log1p(Math.exp(t))) - labels[i]! * t;
    }
    return l / n;
  };
  const p0 = Math.min(Math.max(pos / n, 1e-6), 1 - 1e-6);
  let a = 0;
  let b = Math.log(p0 / (1 - p0));
  let current = loss(a, b);
  for (let it = 0; it < 100; it++) {
    let ga = ridge * a * n;
    let gb = 0;
    let haa = ridge * n;
    let hab = 0;
    let hbb = 1e-9;
    for (let i = 0; i < n; i++) {
      const p = sigmoid(a * z[i]! + b);
      const r = p - labels[i]!;
      const w = p * (1 - p);
      ga += r * z[i]!;
      gb += r;
      haa += w * z[i]! * z[i]!;
      hab += w * z[i]!;
      hbb += w;
    }
    const det = haa * hbb - hab * hab;
    let da = det > 0 ? (hbb * ga - hab * gb) / det : ga / n;
    let db = det > 0 ? (haa * gb - hab * ga) / det : gb / n;
    let step = 1;
    let next = loss(a - da, b - db);
    while (!(next <= current) && step > 1e-8) {
      step /= 2;
      next = loss(a - step * da, b - step * db);
    }
    if (!(next <= current)) break;
    da *= step;
    db *= step;
    a -= da;
    b -= db;
    const gain = current - next;
    current = next;
    if (Math.abs(da) + Math.abs(db) < 1e-10 || gain < 1e-15) break;
  }
  // sigmoid(a·(s − mean)/sd + b) = sigmoid((a/sd)·s + (b − a·mean/sd)).
  return { a: a / sd, b: b - (a * mean) / sd };
}

/** The smallest threshold t with at most ⌊fpr·N⌋ real scores above it (scores above t are "synthetic"). */
export function thresholdAtFpr(realScores: ArrayLike<number>, fpr: number): number {
  if (realScores.length === 0) throw new Error('thresholdAtFpr: no real scores');
  const s = Float64Array.from(realScores).sort().reverse();
  const k = Math.floor(fpr * s.length);
  return s[Math.min(k, s.length - 1)]!;
}

/** Expected calibration error over `bins` equal-width probability bins. */
export function expectedCalibrationError(prob: ArrayLike<number>, labels: ArrayLike<number>, bins = 15): number {
  const n = prob.length;
  const cnt = new Float64Array(bins);
  const sp = new Float64Array(bins);
  const sy = new Float64Array(bins);
  for (let i = 0; i < n; i++) {
    const k = Math.min(Math.floor(prob[i]! * bins), bins - 1);
    cnt[k]!++;
    sp[k]! += prob[i]!;
    sy[k]! += labels[i]!;
  }
  let e = 0;
  for (let k = 0; k < bins; k++) if (cnt[k]! > 0) e += (cnt[k]! / n) * Math.abs(sp[k]! / cnt[k]! - sy[k]! / cnt[k]!);
  return e;
}

/** Average precision: the mean, over the positives ranked by score (high first, ties in input order), of the precision at each. */
export function averagePrecision(scores: ArrayLike<number>, labels: ArrayLike<number>): number {
  const order = Array.from({ length: scores.length }, (_, i) => i).sort((i, j) => scores[j]! - scores[i]! || i - j);
  let tp = 0;
  let sum = 0;
  order.forEach((i, rank) => {
    if (labels[i]) {
      tp++;
      sum += tp / (rank + 1);
    }
  });
  return tp ? sum / tp : 0;
}

/** Fraction of generated scores above the threshold fixed at `fpr` on the real scores. */
export function tprAtFpr(real: ArrayLike<number>, generated: ArrayLike<number>, fpr: number): number {
  const t = thresholdAtFpr(real, fpr);
  let k = 0;
  for (let i = 0; i < generated.length; i++) if (generated[i]! > t) k++;
  return k / generated.length;
}
