/**
 * The rate-1/3, constraint-length-7 convolutional code (generators 133, 171, 165 octal, as in
 * LTE and many modems), terminated with 6 zero tail bits, and its soft-decision Viterbi decoder.
 * Soft inputs are log-likelihood-like numbers: positive favours 1, the magnitude is confidence.
 */

const K = 7;
const STATES = 1 << (K - 1); // 64
const GENERATORS = [0o133, 0o171, 0o165];
export const CODE_RATE = GENERATORS.length;
export const TAIL_BITS = K - 1;

function parity(x: number): number {
  x ^= x >> 4;
  x ^= x >> 2;
  x ^= x >> 1;
  return x & 1;
}

/** The 3 output bits for input bit `b` entering a register whose previous 6 bits are `state`. */
function outputs(state: number, b: number): number[] {
  const reg = (b << (K - 1)) | state; // newest bit highest
  return GENERATORS.map((g) => parity(reg & g));
}

/** Coded length of `n` message bits. */
export const codedLength = (n: number): number => (n + TAIL_BITS) * CODE_RATE;

/** Message bits (0/1) → coded bits (0/1), `codedLength(n)` of them. */
export function convEncode(bits: Uint8Array): Uint8Array {
  const out = new Uint8Array(codedLength(bits.length));
  let state = 0;
  let o = 0;
  for (let i = 0; i < bits.length + TAIL_BITS; i++) {
    const b = i < bits.length ? bits[i]! & 1 : 0;
    for (const v of outputs(state, b)) out[o++] = v;
    state = ((b << (K - 2)) | (state >> 1)) & (STATES - 1);
  }
  return out;
}

/**
 * Maximum-likelihood message for soft values (one per coded bit; positive favours 1, magnitude
 * is confidence), by the Viterbi algorithm over the terminated trellis. Returns the `n` message bits.
 */
export function viterbiDecode(soft: Float64Array, n: number): Uint8Array {
  const steps = n + TAIL_BITS;
  if (soft.length !== steps * CODE_RATE) throw new Error(`viterbiDecode: ${soft.length} soft values for ${n} bits`);
  // Branch outputs per (state, input) as ±1.
  const sym = new Int8Array(STATES * 2 * CODE_RATE);
  for (let s = 0; s < STATES; s++) for (let b = 0; b < 2; b++) outputs(s, b).forEach((v, j) => (sym[(s * 2 + b) * CODE_RATE + j] = v ? 1 : -1));
  let metric = new Float64Array(STATES).fill(-Infinity);
  metric[0] = 0;
  let next = new Float64Array(STATES);
  const from = new Uint8Array(steps * STATES); // predecessor's dropped bit (state's low bit)
  for (let t = 0; t < steps; t++) {
    next.fill(-Infinity);
    const maxB = t < n ? 1 : 0;
    for (let s = 0; s < STATES; s++) {
      const m = metric[s]!;
      if (m === -Infinity) continue;
      for (let b = 0; b <= maxB; b++) {
        let gain = 0;
        for (let j = 0; j < CODE_RATE; j++) gain += sym[(s * 2 + b) * CODE_RATE + j]! * soft[t * CODE_RATE + j]!;
        const ns = ((b << (K - 2)) | (s >> 1)) & (STATES - 1);
        if (m + gain > next[ns]!) {
          next[ns] = m + gain;
          from[t * STATES + ns] = s & 1;
        }
      }
    }
    [metric, next] = [next, metric];
  }
  // Trace back from the zero state: the input bit of each step is the state's top bit.
  const bits = new Uint8Array(n);
  let s = 0;
  for (let t = steps - 1; t >= 0; t--) {
    const b = (s >> (K - 2)) & 1;
    if (t < n) bits[t] = b;
    s = ((s << 1) & (STATES - 1)) | from[t * STATES + s]!;
  }
  return bits;
}
