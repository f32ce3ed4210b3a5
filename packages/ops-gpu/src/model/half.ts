/** 16-bit floats (IEEE half and bfloat16) widened to numbers. */

export function f16ToF32(h: number): number {
  const s = h & 0x8000 ? -1 : 1;
  const e = (h >> 10) & 0x1f;
  const m = h & 0x3ff;
  if (e === 0) return s * m * 2 ** -24;
  if (e === 31) return m ? NaN : s * Infinity;
  return s * (1 + m / 1024) * 2 ** (e - 15);
}

const bits = new Uint32Array(1);
const asFloat = new Float32Array(bits.buffer);
export function bf16ToF32(h: number): number {
  bits[0] = h << 16;
  return asFloat[0]!;
}
