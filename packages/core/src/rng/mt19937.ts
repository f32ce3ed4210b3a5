/**
 * MT19937, the 32-bit Mersenne Twister, seeded the way NumPy's legacy
 * `np.random.RandomState(seed)` seeds it from an integer, so that both produce the
 * same stream of 32-bit words and the same 53-bit doubles.
 */

const N = 624;
const M = 397;
const MATRIX_A = 0x9908b0df;
const UPPER_MASK = 0x80000000;
const LOWER_MASK = 0x7fffffff;

/** Largest seed accepted: 2^32 − 1. */
export const MAX_SEED = 0xffffffff;

/** True when `seed` is an integer in [0, 2^32 − 1]. */
export function isValidSeed(seed: unknown): seed is number {
  return typeof seed === 'number' && Number.isInteger(seed) && seed >= 0 && seed <= MAX_SEED;
}

export class MT19937 {
  private readonly mt = new Uint32Array(N);
  private index = N;

  /** Seeds the generator; `seed` must be an integer in [0, 2^32 − 1]. */
  constructor(seed: number) {
    if (!isValidSeed(seed)) {
      throw new RangeError(`MT19937: seed ${String(seed)} is not an integer in [0, ${MAX_SEED}]`);
    }
    const mt = this.mt;
    mt[0] = seed >>> 0;
    for (let i = 1; i < N; i++) {
      const prev = mt[i - 1]!;
      // key[i] = 1812433253 * (key[i-1] ^ (key[i-1] >>> 30)) + i  (mod 2^32)
      mt[i] = (Math.imul(1812433253, (prev ^ (prev >>> 30)) >>> 0) + i) >>> 0;
    }
    this.index = N;
  }

  /** Regenerates all 624 state words (the "twist"). */
  private twist(): void {
    const mt = this.mt;
    let i = 0;
    for (; i < N - M; i++) {
      const y = (mt[i]! & UPPER_MASK) | (mt[i + 1]! & LOWER_MASK);
      mt[i] = mt[i + M]! ^ (y >>> 1) ^ (y & 1 ? MATRIX_A : 0);
    }
    for (; i < N - 1; i++) {
      const y = (mt[i]! & UPPER_MASK) | (mt[i + 1]! & LOWER_MASK);
      mt[i] = mt[i + M - N]! ^ (y >>> 1) ^ (y & 1 ? MATRIX_A : 0);
    }
    const y = (mt[N - 1]! & UPPER_MASK) | (mt[0]! & LOWER_MASK);
    mt[N - 1] = mt[M - 1]! ^ (y >>> 1) ^ (y & 1 ? MATRIX_A : 0);
    this.index = 0;
  }

  /** The next 32-bit output word, as an unsigned integer in [0, 2^32 − 1]. */
  nextUint32(): number {
    if (this.index >= N) this.twist();
    let y = this.mt[this.index++]!;
    y ^= y >>> 11;
    y ^= (y << 7) & 0x9d2c5680;
    y ^= (y << 15) & 0xefc60000;
    y ^= y >>> 18;
    return y >>> 0;
  }

  /** A double in [0, 1) with 53 random bits, built from two words (27 + 26 bits). */
  nextDouble(): number {
    const a = this.nextUint32() >>> 5;
    const b = this.nextUint32() >>> 6;
    return (a * 67108864 + b) / 9007199254740992;
  }
}
