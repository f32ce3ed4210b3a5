/**
 * Decoding: find the tile (candidate geometries from the autocorrelation lattice and the
 * unattacked geometry, each in four quarter turns, aligned by the search units), read every
 * unit, test for the mark with the test units and decode the payload from the coded units.
 *
 * The p-value is exact: the test units' signs are key-derived coin flips that nothing in the
 * search looks at, so for an image without this key's mark the number of test units whose
 * evidence agrees with their sign is Binomial(n, ½) whatever the image and whatever the search
 * chose.
 */
import { binomialTail } from './binomial.js';
import { CRC_BITS, crc16 } from './crc.js';
import { viterbiDecode } from './conv-code.js';
import { COARSE, FINE, align, alignAll, foldPlane, readUnits, searchTemplate, type Alignment, type Fold } from './fold.js';
import { WORK_UNIT, tilePeriod } from './geometry.js';
import { codeWord, T, type Layout } from './layout.js';
import { Autocorrelation, findLattices } from './lattice.js';
import { residualOf, type WorkPlane } from './residual.js';
import type { Plane } from './plane.js';

export interface Geometry {
  /** Tile period in work pixels and rotation (radians, counter-clockwise on screen is negative). */
  readonly period: number;
  readonly theta: number;
}

export interface Located {
  readonly geometry: Geometry;
  readonly alignment: Alignment;
  readonly fold: Fold;
  /** Whether the geometry came from the lattice search rather than the image's own size. */
  readonly searched: boolean;
}

/** Lattice candidates kept for folding. */
const LATTICE_CANDIDATES = 4;

/** The best-aligned candidate geometry for a residual plane and layout. */
export function locate(r: WorkPlane, lumaH: number, lumaW: number, layout: Layout): Located {
  const coarse = searchTemplate(layout, COARSE, 4);
  const nominal = tilePeriod(lumaH, lumaW) * r.factor;
  const candidates: { geometry: Geometry; searched: boolean }[] = [{ geometry: { period: nominal, theta: 0 }, searched: false }];
  const minSide = Math.min(r.H, r.W);
  const minPeriod = (T * WORK_UNIT) / 2.5;
  const maxPeriod = Math.min(minSide / 1.6, T * WORK_UNIT * 2.5);
  if (maxPeriod > minPeriod) {
    const ac = new Autocorrelation(r);
    for (const l of findLattices(ac, minPeriod, maxPeriod, LATTICE_CANDIDATES)) candidates.push({ geometry: { period: l.period, theta: l.theta }, searched: true });
  }
  // Candidates compete on coarse cells; the winner is folded again on fine ones.
  let best: { geometry: Geometry; z: number; searched: boolean } | undefined;
  for (const c of candidates) {
    const turns = alignAll(foldPlane(r, c.geometry.period, c.geometry.theta, COARSE), coarse);
    turns.forEach(({ z }, q) => {
      if (!best || z > best.z) best = { geometry: { period: c.geometry.period, theta: c.geometry.theta + (q * Math.PI) / 2 }, z, searched: c.searched || q > 0 };
    });
  }
  const { geometry, searched } = best!;
  const fold = foldPlane(r, geometry.period, geometry.theta, FINE);
  return { geometry, alignment: align(fold, searchTemplate(layout, FINE)), fold, searched };
}

export interface Evidence {
  readonly located: Located;
  /** Each unit's evidence, [T, T]. */
  readonly units: Float64Array;
  readonly covered: Float64Array;
  readonly factor: number;
}

/** Locates the tile in a luma plane and reads every unit. */
export function gatherEvidence(luma: Plane, layout: Layout): Evidence {
  const r = residualOf(luma);
  const located = locate(r, luma.H, luma.W, layout);
  const { value, count } = readUnits(located.fold, located.alignment);
  return { located, units: value, covered: count, factor: r.factor };
}

/** Agreements between units' evidence and expected signs: k of n (units without evidence are left out). */
export function agreements(ev: Evidence, units: Iterable<number>, expected: (u: number) => number): { k: number; n: number } {
  let k = 0;
  let n = 0;
  for (const u of units) {
    const v = ev.units[u]!;
    if (ev.covered[u] === 0 || v === 0) continue;
    n++;
    if (v * expected(u) > 0) k++;
  }
  return { k, n };
}

export interface Decoded {
  readonly pValue: number;
  readonly testAgreements: number;
  readonly testUnits: number;
  /** Payload bits (empty for a zero-bit layout) and whether their CRC holds. */
  readonly payload: Uint8Array;
  readonly crcOk: boolean;
  /** Coded bits whose hard decision the decoder overruled. */
  readonly bitErrorsCorrected: number;
  /** Soft value of each coded bit (positive favours 1). */
  readonly soft: Float64Array;
}

/** Soft values of the coded bits from the unit evidence. */
export function codedSoft(ev: Evidence, layout: Layout): Float64Array {
  const soft = new Float64Array(layout.codedBits);
  for (let u = 0; u < T * T; u++) {
    const b = layout.bitOf[u]!;
    if (b >= 0) soft[b]! += layout.sign[u]! * ev.units[u]!;
  }
  return soft;
}

export function decodeEvidence(ev: Evidence, layout: Layout): Decoded {
  const test = agreements(ev, layout.test, (u) => layout.sign[u]!);
  const pValue = binomialTail(test.k, test.n);
  if (layout.payloadBits === 0) {
    return { pValue, testAgreements: test.k, testUnits: test.n, payload: new Uint8Array(0), crcOk: true, bitErrorsCorrected: 0, soft: new Float64Array(0) };
  }
  const soft = codedSoft(ev, layout);
  const msg = viterbiDecode(soft, layout.payloadBits + CRC_BITS);
  const payload = msg.slice(0, layout.payloadBits);
  const crc = crc16(payload);
  const crcOk = crc.every((b, i) => b === msg[layout.payloadBits + i]);
  const recoded = codeWord(payload);
  let flips = 0;
  for (let i = 0; i < soft.length; i++) if (soft[i] !== 0 && (soft[i]! > 0 ? 1 : 0) !== recoded[i]) flips++;
  return { pValue, testAgreements: test.k, testUnits: test.n, payload, crcOk, bitErrorsCorrected: flips, soft };
}
