/**
 * Decoding: find the tile (candidate geometries from the autocorrelation lattice and the
 * unattacked geometry, each in four quarter turns, aligned by the search units), read every
 * unit, test for the mark with the test units and decode the payload from the coded units.
 *
 * The p-value is exact in what it assumes: the test units' signs are key-derived coin flips that
 * nothing in the search looks at, so for an image without this key's mark their correlation
 * with the evidence is a sign-flip sum of known distribution, whatever the image and whatever
 * the search chose (sign-flip.ts computes its tail).
 */
import { signFlipTail } from './sign-flip.js';
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

/**
 * A hypothesis family's penalty: the expected largest of `m` standard normal scores, √(2 ln m).
 * Families are compared by z minus their penalty, so that trying many geometries and offsets
 * does not beat one likely hypothesis (the image as embedded, uncropped) by chance.
 */
const penalty = (m: number): number => Math.sqrt(2 * Math.log(m));

/** Offsets (coarse cells each way) the "as embedded" hypothesis allows: pixel centres may land a cell off. */
const NEAR_CELLS = 1;

interface Choice {
  readonly geometry: Geometry;
  readonly score: number;
  readonly searched: boolean;
  readonly near: boolean;
}

/** The best-aligned candidate geometry for a residual plane and layout. */
export function locate(r: WorkPlane, lumaH: number, lumaW: number, layout: Layout): Located {
  const coarse = searchTemplate(layout, COARSE, 4);
  const S = T * COARSE;
  const nominal: Geometry = { period: tilePeriod(lumaH, lumaW) * r.factor, theta: 0 };
  const candidates: { geometry: Geometry; searched: boolean }[] = [{ geometry: nominal, searched: false }];
  const minSide = Math.min(r.H, r.W);
  const minPeriod = (T * WORK_UNIT) / 2.5;
  const maxPeriod = Math.min(minSide / 1.6, T * WORK_UNIT * 2.5);
  if (maxPeriod > minPeriod) {
    const ac = new Autocorrelation(r);
    for (const l of findLattices(ac, minPeriod, maxPeriod, LATTICE_CANDIDATES)) candidates.push({ geometry: { period: l.period, theta: l.theta }, searched: true });
  }
  // Families: the image as embedded (nominal geometry, offset near zero); the nominal geometry at
  // any offset and quarter turn; any lattice candidate at any offset and quarter turn.
  const anyOffset = penalty(4 * S * S * candidates.length);
  const nominalFold = foldPlane(r, nominal.period, nominal.theta, COARSE);
  const asEmbedded = alignAll(nominalFold, coarse, NEAR_CELLS)[0]!;
  let best: Choice = { geometry: nominal, score: asEmbedded.z - penalty((2 * NEAR_CELLS + 1) ** 2), searched: false, near: true };
  for (const c of candidates) {
    const turns = alignAll(c.geometry === nominal ? nominalFold : foldPlane(r, c.geometry.period, c.geometry.theta, COARSE), coarse);
    turns.forEach(({ z }, q) => {
      if (z - anyOffset > best.score) best = { geometry: { period: c.geometry.period, theta: c.geometry.theta + (q * Math.PI) / 2 }, score: z - anyOffset, searched: c.searched || q > 0, near: false };
    });
  }
  const { geometry, searched, near } = best;
  const fold = foldPlane(r, geometry.period, geometry.theta, FINE);
  const alignment = align(fold, searchTemplate(layout, FINE), 0, near ? (NEAR_CELLS + 1) * (FINE / COARSE) : undefined);
  return { geometry, alignment, fold, searched };
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
  /** Payload bits (empty for a zero-bit layout) and whether their CRC holds. */
  readonly payload: Uint8Array;
  readonly crcOk: boolean;
  /** Coded bits whose hard decision the decoder overruled. */
  readonly bitErrorsCorrected: number;
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

/**
 * The detection p-value: the correlation of the test units' evidence with their signs, against
 * its exact distribution when the signs are coin flips (no mark of this key).
 */
export function detectionPValue(ev: Evidence, layout: Layout): number {
  const w = new Float64Array(layout.test.length);
  let s = 0;
  layout.test.forEach((u, i) => {
    w[i] = ev.units[u]!;
    s += layout.sign[u]! * ev.units[u]!;
  });
  return signFlipTail(w, s);
}

export function decodeEvidence(ev: Evidence, layout: Layout): Decoded {
  const pValue = detectionPValue(ev, layout);
  if (layout.payloadBits === 0) {
    return { pValue, payload: new Uint8Array(0), crcOk: true, bitErrorsCorrected: 0 };
  }
  const soft = codedSoft(ev, layout);
  const msg = viterbiDecode(soft, layout.payloadBits + CRC_BITS);
  const payload = msg.slice(0, layout.payloadBits);
  const crc = crc16(payload);
  const crcOk = crc.every((b, i) => b === msg[layout.payloadBits + i]);
  const recoded = codeWord(payload);
  let flips = 0;
  for (let i = 0; i < soft.length; i++) if (soft[i] !== 0 && (soft[i]! > 0 ? 1 : 0) !== recoded[i]) flips++;
  return { pValue, payload, crcOk, bitErrorsCorrected: flips };
}
