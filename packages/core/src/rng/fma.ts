/**
 * Fused multiply-add for doubles: `fma(a, b, c)` is a·b + c rounded once (to nearest,
 * ties to even), exactly as a hardware FMA instruction computes it. JavaScript has no
 * FMA, so the exact value is carried as a sum of doubles (Dekker product, Knuth
 * two-sum); when that cannot decide the rounding, the exact value is formed with
 * BigInt arithmetic instead.
 */

const f64 = new Float64Array(1);
const u32 = new Uint32Array(f64.buffer);
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
const HI = LITTLE_ENDIAN ? 1 : 0;
const LO = LITTLE_ENDIAN ? 0 : 1;

const SPLITTER = 134217729; // 2^27 + 1
const BIG = 2 ** 995; // beyond this, splitting or summing could overflow
const TINY = 2 ** -960; // below this, partial products could underflow
const SAFE = 1 - 2 ** -50;

/** Error of the rounded product: a·b = p + twoProductError(a, b, p) exactly, p = fl(a·b). */
function twoProductError(a: number, b: number, p: number): number {
  let t = SPLITTER * a;
  const ah = t - (t - a);
  const al = a - ah;
  t = SPLITTER * b;
  const bh = t - (t - b);
  const bl = b - bh;
  return ah * bh - p + ah * bl + al * bh + al * bl;
}

/** Error of the rounded sum: a + b = s + twoSumError(a, b, s) exactly, s = fl(a + b). */
function twoSumError(a: number, b: number, s: number): number {
  const bb = s - a;
  return a - (s - bb) + (b - bb);
}

/** a·b + c with a single rounding to nearest, ties to even. */
export function fma(a: number, b: number, c: number): number {
  const p = a * b;
  const absA = Math.abs(a);
  const absB = Math.abs(b);
  const absP = Math.abs(p);
  // Non-finite, zero and extreme-exponent operands go to the exact path (which also
  // handles them); the test is false for NaN, so NaN goes there too.
  if (
    absA < BIG && absA > TINY && absB < BIG && absB > TINY &&
    absP < BIG && absP > TINY && Math.abs(c) < BIG
  ) {
    const e = twoProductError(a, b, p); // a·b = p + e
    const s = p + c;
    const t = twoSumError(p, c, s); // p + c = s + t
    const u = t + e;
    const ue = twoSumError(t, e, u); // exact = s + u + ue
    const r = s + u;
    if (ue === 0) return r; // exact = s + u, and r is its rounding
    const absR = Math.abs(r);
    if (absR > TINY) {
      const re = twoSumError(s, u, r); // exact = r + re + ue
      const d = re + ue;
      // r is the correctly rounded result when |exact − r| is below half the gap to
      // the neighbouring double on d's side (the gap halves below a power of two).
      f64[0] = absR;
      const hiWord = u32[HI]!;
      const k = ((hiWord >>> 20) & 0x7ff) - 1023;
      const powerOfTwo = (hiWord & 0xfffff) === 0 && u32[LO] === 0;
      const towardZero = (d < 0) !== (r < 0);
      const half = 2 ** (k - (powerOfTwo && towardZero ? 54 : 53));
      if (Math.abs(d) < half * SAFE) return r;
    }
  }
  return fmaExact(a, b, c);
}

/** The same as `fma`, always computed with exact BigInt arithmetic (slow). */
export function fmaExact(a: number, b: number, c: number): number {
  if (!Number.isFinite(a) || !Number.isFinite(b)) return a * b + c;
  if (!Number.isFinite(c)) return c;
  if (a === 0 || b === 0) return a * b + c; // the product is an exact (signed) zero
  if (c === 0) return a * b; // the exact sum is the non-zero product
  const [ma, ea] = decompose(a);
  const [mb, eb] = decompose(b);
  const [mc, ec] = decompose(c);
  const mp = ma * mb;
  const ep = ea + eb;
  const e = Math.min(ep, ec);
  const sum = (mp << BigInt(ep - e)) + (mc << BigInt(ec - e));
  return roundScaled(sum, e);
}

/** Finite non-zero x as an integer mantissa m and exponent e with x = m·2^e. */
function decompose(x: number): [bigint, number] {
  f64[0] = x;
  const hi = u32[HI]!;
  const lo = u32[LO]!;
  const biased = (hi >>> 20) & 0x7ff;
  const frac = (BigInt(hi & 0xfffff) << 32n) | BigInt(lo);
  const m = biased === 0 ? frac : frac | (1n << 52n);
  const e = biased === 0 ? -1074 : biased - 1075;
  return [hi >>> 31 ? -m : m, e];
}

/** The double nearest to n·2^e (ties to even); an exact zero gives +0. */
export function roundScaled(n: bigint, e: number): number {
  if (n === 0n) return 0;
  const negative = n < 0n;
  const abs = negative ? -n : n;
  const top = e + abs.toString(2).length - 1; // exponent of the leading bit
  if (top > 1023) return negative ? -Infinity : Infinity;
  let lsb = Math.max(top - 52, -1074); // exponent of the last bit kept
  const shift = lsb - e;
  let q: bigint;
  if (shift <= 0) {
    q = abs << BigInt(-shift);
  } else {
    q = abs >> BigInt(shift);
    const rem = abs - (q << BigInt(shift));
    const half = 1n << BigInt(shift - 1);
    if (rem > half || (rem === half && (q & 1n) === 1n)) q += 1n;
  }
  if (q === 1n << 53n) {
    q >>= 1n;
    lsb += 1;
  }
  let biased = 0;
  let frac = q;
  if (q >= 1n << 52n) {
    biased = lsb + 52 + 1023;
    if (biased >= 2047) return negative ? -Infinity : Infinity;
    frac = q - (1n << 52n);
  }
  u32[HI] = ((negative ? 0x80000000 : 0) | (biased << 20) | Number(frac >> 32n)) >>> 0;
  u32[LO] = Number(frac & 0xffffffffn);
  return f64[0]!;
}
