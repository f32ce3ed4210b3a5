/**
 * The watermark on RGB images ([3, H, W] in −1…1): embed, decode, verify. Same image, key and
 * payload give the same bytes.
 */
import { binomialTail } from './binomial.js';
import { decodeEvidence, gatherEvidence, agreements, codedSoft, type Evidence } from './decode.js';
import { embedTile, type Strength } from './embed.js';
import { codeWord, makeLayout, tileValues } from './layout.js';
import { lumaOf } from './plane.js';
import { MAX_PAYLOAD_BITS, T } from './layout.js';
import { tilePeriod } from './geometry.js';

export interface RgbImage {
  readonly data: Float32Array; // [3, H, W] in −1…1
  readonly H: number;
  readonly W: number;
}

/** The smallest side the mark is embedded into: one tile of single-pixel units. */
export const MIN_SIDE = T;

/**
 * The longest payload an H × W image holds: the layout's maximum once the image holds 16 tiles
 * (every image with both sides ≥ 128 px), proportionally less below.
 */
export function capacityBits(H: number, W: number): number {
  const period = tilePeriod(H, W);
  const tiles = (H / period) * (W / period);
  return Math.max(0, Math.min(MAX_PAYLOAD_BITS, Math.floor((MAX_PAYLOAD_BITS * tiles) / 16)));
}

function checkSize(img: RgbImage): void {
  if (Math.min(img.H, img.W) < MIN_SIDE) throw new RangeError(`a ${img.W}×${img.H} image is too small for the mark (both sides ≥ ${MIN_SIDE} px)`);
}

export async function embed(img: RgbImage, key: string, payload: Uint8Array, strength: Strength): Promise<RgbImage> {
  checkSize(img);
  const layout = await makeLayout(key, payload.length);
  const tile = tileValues(layout, payload.length > 0 ? codeWord(payload) : new Uint8Array(0));
  return { data: embedTile(img.data, img.H, img.W, tile, strength), H: img.H, W: img.W };
}

export interface DecodeResult {
  readonly detected: boolean;
  readonly pValue: number;
  readonly payload: Uint8Array;
  readonly crcOk: boolean;
  readonly bitErrorsCorrected: number;
  /** Unit size in received pixels, rotation in degrees (counter-clockwise), tile origin in received pixels. */
  readonly unitPx: number;
  readonly rotation: number;
  readonly offsetX: number;
  readonly offsetY: number;
  readonly searched: boolean;
  readonly evidence: Evidence;
}

function geometryReport(ev: Evidence): Pick<DecodeResult, 'unitPx' | 'rotation' | 'offsetX' | 'offsetY' | 'searched'> {
  const { geometry, alignment, searched } = ev.located;
  const unitWork = geometry.period / T;
  const cells = (alignment.oversample * T) / geometry.period; // cells per work pixel
  // The tile origin (cell offset) back in work pixels, then in received pixels.
  const c = Math.cos(geometry.theta);
  const s = Math.sin(geometry.theta);
  const ox = alignment.dx / cells;
  const oy = alignment.dy / cells;
  return {
    unitPx: unitWork / ev.factor,
    rotation: -((((geometry.theta * 180) / Math.PI + 540) % 360) - 180),
    offsetX: (c * ox - s * oy) / ev.factor,
    offsetY: (s * ox + c * oy) / ev.factor,
    searched,
  };
}

export async function decode(img: RgbImage, key: string, payloadBits: number, fpr: number): Promise<DecodeResult> {
  checkSize(img);
  const layout = await makeLayout(key, payloadBits);
  const ev = gatherEvidence(lumaOf(img.data, img.H, img.W), layout);
  const d = decodeEvidence(ev, layout);
  return { detected: d.pValue <= fpr, pValue: d.pValue, payload: d.payload, crcOk: d.crcOk, bitErrorsCorrected: d.bitErrorsCorrected, ...geometryReport(ev), evidence: ev };
}

export interface VerifyResult {
  readonly detected: boolean;
  readonly pValue: number;
  /** Payload bits of the decoded word equal to the expected ones, of `payloadBits`. */
  readonly matchedBits: number;
  /** Test units and coded bits agreeing with the expected mark, of `trials`. */
  readonly agreements: number;
  readonly trials: number;
}

/**
 * Whether the image carries this key's mark with this payload. The test counts agreements of
 * the test units and of every coded bit with the expected word: all are independent fair coins
 * for an image without it, so the binomial tail is exact.
 */
export async function verify(img: RgbImage, key: string, payload: Uint8Array, fpr: number): Promise<VerifyResult> {
  checkSize(img);
  const layout = await makeLayout(key, payload.length);
  const ev = gatherEvidence(lumaOf(img.data, img.H, img.W), layout);
  const test = agreements(ev, layout.test, (u) => layout.sign[u]!);
  let k = test.k;
  let n = test.n;
  if (payload.length > 0) {
    const expected = codeWord(payload);
    const soft = codedSoft(ev, layout);
    for (let i = 0; i < soft.length; i++) {
      if (soft[i] === 0) continue;
      n++;
      if ((soft[i]! > 0 ? 1 : 0) === expected[i]) k++;
    }
  }
  const decoded = decodeEvidence(ev, layout);
  let matched = 0;
  for (let i = 0; i < payload.length; i++) if (decoded.payload[i] === payload[i]) matched++;
  const pValue = binomialTail(k, n);
  return { detected: pValue <= fpr, pValue, matchedBits: matched, agreements: k, trials: n };
}

/** Hex digits → bits (most significant first); throws naming the first bad character. */
export function hexToBits(hex: string): Uint8Array {
  if (!/^[0-9a-fA-F]*$/.test(hex)) throw new RangeError(`payload "${hex}" is not hexadecimal`);
  const bits = new Uint8Array(hex.length * 4);
  for (let i = 0; i < hex.length; i++) {
    const v = parseInt(hex[i]!, 16);
    for (let b = 0; b < 4; b++) bits[i * 4 + b] = (v >> (3 - b)) & 1;
  }
  return bits;
}

export function bitsToHex(bits: Uint8Array): string {
  let s = '';
  for (let i = 0; i + 3 < bits.length; i += 4) s += ((bits[i]! << 3) | (bits[i + 1]! << 2) | (bits[i + 2]! << 1) | bits[i + 3]!).toString(16);
  return s;
}
