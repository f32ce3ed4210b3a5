/**
 * `RandomState`: the JavaScript counterpart of NumPy's legacy `np.random.RandomState`
 * for integer seeds. Given the same seed and the same sequence of calls, `randn`,
 * `random` and `randint` return bit-for-bit the values NumPy returns (on Linux x86-64,
 * see log.ts), so latents drawn from a seed match those of the Python tools.
 */

import { libmLog } from './log.js';
import { MAX_SEED, MT19937, isValidSeed } from './mt19937.js';

export class RandomState {
  /** The seed this state was created from. */
  readonly seed: number;
  private readonly mt: MT19937;
  /** Second value of the last polar Box–Muller pair, returned by the next Gaussian draw. */
  private gauss = 0;
  private hasGauss = false;

  /** Like `np.random.RandomState(seed)`; `seed` must be an integer in [0, 2^32 − 1]. */
  constructor(seed: number) {
    if (!isValidSeed(seed)) {
      throw new RangeError(`RandomState: seed ${describe(seed)} is not an integer in [0, ${MAX_SEED}]`);
    }
    this.seed = seed;
    this.mt = new MT19937(seed);
  }

  /** `n` standard normal samples, like `RandomState.randn(n)` / `standard_normal(n)`. */
  randn(n: number): Float64Array {
    const out = new Float64Array(checkCount('randn', n));
    for (let i = 0; i < out.length; i++) out[i] = this.nextGaussian();
    return out;
  }

  /** `n` uniform samples in [0, 1), like `RandomState.random(n)` / `random_sample(n)`. */
  random(n: number): Float64Array {
    const out = new Float64Array(checkCount('random', n));
    for (let i = 0; i < out.length; i++) out[i] = this.mt.nextDouble();
    return out;
  }

  /**
   * One integer uniform in [low, high), like `RandomState.randint(low, high)`; with one
   * argument, in [0, low). The range high − low may be at most 2^32.
   */
  randint(low: number, high?: number): number {
    if (high === undefined) {
      high = low;
      low = 0;
    }
    if (!Number.isSafeInteger(low) || !Number.isSafeInteger(high)) {
      throw new RangeError(`RandomState.randint: bounds ${describe(low)}, ${describe(high)} must be safe integers`);
    }
    if (low >= high) throw new RangeError(`RandomState.randint: low >= high (${low} >= ${high})`);
    const span = high - low - 1; // largest offset
    if (span > 0xffffffff) {
      throw new RangeError(`RandomState.randint: range ${high - low} is larger than 2^32, which is not supported`);
    }
    if (span === 0) return low;
    // Rejection sampling with the smallest all-ones mask covering the span.
    let mask = span;
    mask |= mask >>> 1;
    mask |= mask >>> 2;
    mask |= mask >>> 4;
    mask |= mask >>> 8;
    mask |= mask >>> 16;
    mask >>>= 0;
    let v: number;
    do v = (this.mt.nextUint32() & mask) >>> 0;
    while (v > span);
    return low + v;
  }

  /** One standard normal sample (polar Box–Muller, each pair yields two samples). */
  private nextGaussian(): number {
    if (this.hasGauss) {
      this.hasGauss = false;
      const g = this.gauss;
      this.gauss = 0;
      return g;
    }
    let x1: number;
    let x2: number;
    let r2: number;
    do {
      x1 = 2 * this.mt.nextDouble() - 1;
      x2 = 2 * this.mt.nextDouble() - 1;
      r2 = x1 * x1 + x2 * x2;
    } while (r2 >= 1 || r2 === 0);
    const f = Math.sqrt((-2 * libmLog(r2)) / r2);
    this.gauss = f * x1;
    this.hasGauss = true;
    return f * x2;
  }
}

/** `np.random.RandomState(seed).randn(n)`. */
export function randn(seed: number, n: number): Float64Array {
  return new RandomState(seed).randn(n);
}

function checkCount(what: string, n: number): number {
  if (!Number.isSafeInteger(n) || n < 0) {
    throw new RangeError(`RandomState.${what}: count ${describe(n)} is not a non-negative integer`);
  }
  return n;
}

function describe(v: unknown): string {
  return typeof v === 'string' ? JSON.stringify(v) : String(v);
}
