/**
 * Natural logarithm that is bit-identical to the GNU C library's `log()` as it runs on
 * x86-64 CPUs with FMA (glibc ≥ 2.28 picks that variant at load time), which is the
 * `log` NumPy's C code calls on Linux. Neither V8's `Math.log` nor a correctly rounded
 * log agrees with it on every input: both differ in the last bit for some arguments,
 * and one differing bit changes a Gaussian sample.
 *
 * The method is the double-precision log of Arm Optimized Routines (math/log.c,
 * Copyright (c) 2018 Arm Limited, MIT License): x = 2^k·z with z in [0.6875, 1.375),
 * z/c − 1 = r for a tabulated c near z, log x = k·ln 2 + log c + log1p(r) with a
 * polynomial for log1p(r) − r; inputs near 1 use one longer polynomial. Every step
 * rounds exactly where the compiled FMA variant rounds, including which multiply–adds
 * are fused.
 */

import { fma } from './fma.js';
import { A, B, LN2_HI, LN2_LO, TABLE } from './log-data.js';

const f64 = new Float64Array(1);
const u32 = new Uint32Array(f64.buffer);
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
const HI = LITTLE_ENDIAN ? 1 : 0; // index of the high (sign, exponent) word

const [A0, A1, A2, A3, A4] = A;
const [B0, B1, B2, B3, B4, B5, B6, B7, B8, B9, B10] = B;

/** High word of OFF = 0x3fe6000000000000 (0.6875): z is scaled into [OFF, 2·OFF). */
const OFF_HI = 0x3fe60000;
/** Inputs in [NEAR1_LO, NEAR1_HI) take the polynomial path around 1. */
const NEAR1_LO = 1 - 2 ** -4;
const NEAR1_HI = 1 + 0x109 * 2 ** -12; // 1 + 0x1.09p-4
const TWO27 = 2 ** 27;
const TWO52 = 2 ** 52;
const MIN_NORMAL = 2 ** -1022;

/** ln(x), bit-identical to glibc's x86-64 FMA `log`. */
export function libmLog(x: number): number {
  if (x >= NEAR1_LO && x < NEAR1_HI) return logNear1(x);
  let k0 = 0;
  if (!(x >= MIN_NORMAL && x < Infinity)) {
    if (x === 0) return -Infinity;
    if (x === Infinity) return Infinity;
    if (!(x > 0)) return NaN; // negative or NaN
    x *= TWO52; // subnormal: scale into the normal range
    k0 = -52;
  }
  f64[0] = x;
  const hi = u32[HI]!;
  const tmpHi = (hi - OFF_HI) | 0; // high word of (bits(x) − OFF), no borrow: OFF's low word is 0
  const i = (tmpHi >>> 13) & 127;
  const k = (tmpHi >> 20) + k0;
  u32[HI] = (hi - (tmpHi & 0xfff00000)) >>> 0; // z = x / 2^k, low word unchanged
  const z = f64[0]!;
  const invc = TABLE[2 * i]!;
  const logc = TABLE[2 * i + 1]!;

  const r = fma(z, invc, -1);
  const w = fma(k, LN2_HI, logc);
  const hiPart = w + r;
  const lo = fma(k, LN2_LO, w - hiPart + r);
  const r2 = r * r;
  const p = fma(fma(r, A4, A3), r2, fma(r, A2, A1));
  const y = fma(r * r2, p, fma(r2, A0, lo));
  return y + hiPart;
}

function logNear1(x: number): number {
  if (x === 1) return 0;
  const r = x - 1;
  const r2 = r * r;
  const r3 = r * r2;
  const a = fma(r2, B3, fma(r, B2, B1));
  const b = fma(r2, B6, fma(r, B5, B4));
  const c = fma(r3, B10, fma(r2, B9, fma(r, B8, B7)));
  const poly = fma(fma(c, r3, b), r3, a);
  // r = rhi + rlo with rhi holding the top half of r's bits, so rhi² is exact.
  const rw = fma(r, TWO27, r);
  const rhi = fma(-TWO27, r, rw);
  const rlo = r - rhi;
  const rhi2 = rhi * rhi;
  const hi = fma(rhi2, B0, r);
  let lo = fma(rhi2, B0, r - hi);
  lo = fma(B0 * rlo, rhi + r, lo);
  const y = fma(poly, r3, lo);
  return hi + y;
}
