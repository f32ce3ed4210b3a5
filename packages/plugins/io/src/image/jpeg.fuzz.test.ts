/**
 * Fuzzing the JPEG decoder (our marker pre-scan, then jpeg-js), seeded and bounded: random
 * bytes, byte-level mutations of valid files (jpeg-js's encoder and a PIL-made 4:2:0 photo), and
 * segment-level mutations that keep segment lengths right so they reach the frame, table and
 * scan checks. Property: a decoded image consistent with its header and with the data in the
 * file, or NodeError('IMAGE_INVALID', '<file>: …') — never another error. Plus regressions.
 */
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import jpeg from 'jpeg-js';
import { describe, expect, it } from 'vitest';
import { NodeError } from '@stylegraph/core';
import { applyBytes, byteMutations, concat } from '../../../../../test/support/byte-mutations.js';
import { MAX_PIXELS } from '../png/decode.js';
import { MAX_JPEG_SCANS, decodeJpeg, scanJpeg } from './jpeg.js';


/** A marker segment; SOS segments carry the entropy-coded data that follows them. */
interface Segment {
  marker: number;
  payload: Uint8Array;
  entropy?: Uint8Array;
}
const segmentBytes = (s: Segment) =>
  concat([[0xff, s.marker, (s.payload.length + 2) >> 8, (s.payload.length + 2) & 0xff], s.payload, s.entropy ?? []]);
const jpegOf = (segments: Segment[]) => concat([[0xff, 0xd8], ...segments.map(segmentBytes), [0xff, 0xd9]]);

/** Splits a well-formed JPEG the test built (or a fixture) into its segments. */
function segmentsOf(b: Uint8Array): Segment[] {
  const out: Segment[] = [];
  for (let at = 2; at + 4 <= b.length && b[at + 1] !== 0xd9; ) {
    const marker = b[at + 1]!;
    const len = (b[at + 2]! << 8) | b[at + 3]!;
    const seg: Segment = { marker, payload: b.slice(at + 4, at + 2 + len) };
    at += 2 + len;
    if (marker === 0xda) {
      let end = at;
      while (!(b[end] === 0xff && b[end + 1] !== 0x00 && !(b[end + 1]! >= 0xd0 && b[end + 1]! <= 0xd7))) end++;
      seg.entropy = b.slice(at, end);
      at = end;
    }
    out.push(seg);
  }
  return out;
}

const rgbaOf = (w: number, h: number) => Uint8Array.from({ length: w * h * 4 }, (_, i) => (i % 4 === 3 ? 255 : (i * 29 + (i >> 6) * 13) % 256));
const encoded = (w: number, h: number, q: number) => new Uint8Array(jpeg.encode({ width: w, height: h, data: rgbaOf(w, h) }, q).data);
const photo = new Uint8Array(readFileSync(new URL('../../fixtures/photo.jpg', import.meta.url)));
const BASES = [encoded(16, 16, 90), encoded(9, 17, 50), encoded(24, 8, 75), photo];

const FILE = 'fuzz.jpg';

/** The property. */
function decodesOrRefuses(bytes: Uint8Array): void {
  try {
    const img = decodeJpeg(bytes, FILE);
    expect(img.width * img.height).toBeGreaterThan(0);
    expect(img.width * img.height).toBeLessThanOrEqual(MAX_PIXELS);
    expect(img.rgba.length).toBe(4 * img.width * img.height);
    // At least one bit per 8×8 block is in the file: a lying header cannot multiply it.
    expect(img.width * img.height).toBeLessThanOrEqual(512 * bytes.length + 4096);
  } catch (e) {
    if (!(e instanceof NodeError)) throw e;
    expect(e.code).toBe('IMAGE_INVALID');
    expect(e.message.startsWith(`${FILE}: `)).toBe(true);
    expect(e.message.length).toBeLessThan(400);
  }
}

const EXTREMES = [0, 1, 0x7f, 0x80, 0xff, 0x7fff, 0x8000, 0xffff, 0x7fffffff, 0x80000000, 0xffffffff];
const byteMutation = byteMutations({ extremes: EXTREMES, le: false });

const MARKERS = [0xc0, 0xc1, 0xc2, 0xc3, 0xc5, 0xc9, 0xcc, 0xc4, 0xdb, 0xdd, 0xdc, 0xda, 0xe0, 0xe1, 0xfe, 0xf0, 0xd8, 0xd0];
const segmentMutation = fc.oneof(
  fc.record({ kind: fc.constant('payload' as const), seg: fc.nat(), m: byteMutation }),
  fc.record({ kind: fc.constant('entropy' as const), seg: fc.nat(), m: byteMutation }),
  fc.record({ kind: fc.constant('drop' as const), seg: fc.nat() }),
  fc.record({ kind: fc.constant('dup' as const), seg: fc.nat(), times: fc.integer({ min: 1, max: 80 }) }),
  fc.record({ kind: fc.constant('swap' as const), seg: fc.nat(), other: fc.nat() }),
  fc.record({ kind: fc.constant('add' as const), seg: fc.nat(), marker: fc.constantFrom(...MARKERS), payload: fc.uint8Array({ maxLength: 40 }) }),
  fc.record({ kind: fc.constant('marker' as const), seg: fc.nat(), marker: fc.constantFrom(...MARKERS) }),
  // Frame header fields: precision, height, width, component count, a sampling factor byte.
  fc.record({
    kind: fc.constant('sof' as const),
    field: fc.constantFrom(0, 1, 3, 5, 7, 10),
    value: fc.oneof(fc.constantFrom(...EXTREMES, 8, 12, 16, 0x11, 0x22, 0x44, 0x55, 0xf1, 8192, 8193, 4096), fc.nat({ max: 0xffff })),
  }),
);
type SegmentMutation = typeof segmentMutation extends fc.Arbitrary<infer T> ? T : never;
function applySegments(segments: Segment[], m: SegmentMutation): Segment[] {
  const s = segments.map((x) => ({ ...x }));
  if (!s.length) return m.kind === 'add' ? [{ marker: m.marker, payload: m.payload }] : s;
  const i = 'seg' in m ? m.seg % s.length : 0;
  switch (m.kind) {
    case 'payload':
      s[i]!.payload = applyBytes(s[i]!.payload, m.m).subarray(0, 65_533);
      return s;
    case 'entropy': {
      const sos = s.filter((x) => x.entropy);
      const t = sos[m.seg % Math.max(1, sos.length)];
      if (t) t.entropy = applyBytes(t.entropy!, m.m);
      return s;
    }
    case 'drop':
      return s.filter((_, k) => k !== i);
    case 'dup':
      return [...s.slice(0, i + 1), ...Array.from({ length: m.times }, () => ({ ...s[i]! })), ...s.slice(i + 1)];
    case 'swap': {
      const j = m.other % s.length;
      [s[i], s[j]] = [s[j]!, s[i]!];
      return s;
    }
    case 'add':
      return [...s.slice(0, i), { marker: m.marker, payload: m.payload }, ...s.slice(i)];
    case 'marker':
      s[i]!.marker = m.marker;
      return s;
    case 'sof': {
      const f = s.find((x) => x.marker >= 0xc0 && x.marker <= 0xc2);
      if (f && f.payload.length > m.field) {
        f.payload = f.payload.slice();
        if (m.field === 1 || m.field === 3) {
          f.payload[m.field] = (m.value >> 8) & 0xff;
          if (m.field + 1 < f.payload.length) f.payload[m.field + 1] = m.value & 0xff;
        } else f.payload[m.field] = m.value & 0xff;
      }
      return s;
    }
  }
}

describe('JPEG decoder fuzz', () => {
  it('decodes the base files', () => {
    for (const b of BASES) expect(decodeJpeg(b, FILE).rgba.length).toBeGreaterThan(0);
  });

  it('random bytes, with and without SOI (250 + 250 cases)', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 400 }), (b) => decodesOrRefuses(b)), { seed: 0xdecaf, numRuns: 250 });
    fc.assert(fc.property(fc.uint8Array({ maxLength: 400 }), (b) => decodesOrRefuses(concat([[0xff, 0xd8, 0xff], b]))), { seed: 0xbeef, numRuns: 250 });
  });

  it('byte-level mutations of valid files (700 cases)', () => {
    fc.assert(
      fc.property(fc.nat({ max: BASES.length - 1 }), fc.array(byteMutation, { minLength: 1, maxLength: 4 }), (k, ms) => decodesOrRefuses(ms.reduce(applyBytes, BASES[k]!))),
      { seed: 4242, numRuns: 700 },
    );
  });

  it('segment-level mutations: frame fields, tables, repeated scans, inserted and reordered segments (800 cases)', () => {
    const bases = BASES.map(segmentsOf);
    for (const [k, b] of BASES.entries()) expect(jpegOf(bases[k]!)).toEqual(b);
    fc.assert(
      fc.property(fc.nat({ max: bases.length - 1 }), fc.array(segmentMutation, { minLength: 1, maxLength: 3 }), (k, ms) => decodesOrRefuses(jpegOf(ms.reduce(applySegments, bases[k]!)))),
      { seed: 31337, numRuns: 800 },
    );
  });
});

/** A progressive greyscale JPEG of w×h whose every block is DC 0 (1 bit), with `scans` DC scans. */
function dcScans(w: number, h: number, scans: number): Uint8Array {
  const dqt = { marker: 0xdb, payload: concat([[0], new Uint8Array(64).fill(1)]) };
  const sof = { marker: 0xc2, payload: Uint8Array.from([8, h >> 8, h & 0xff, w >> 8, w & 0xff, 1, 1, 0x11, 0]) };
  // DC table 0: a single 1-bit code, for category 0.
  const dht = { marker: 0xc4, payload: concat([[0x00, 1], new Uint8Array(15), [0]]) };
  const blocks = Math.ceil(w / 8) * Math.ceil(h / 8);
  const scan = { marker: 0xda, payload: Uint8Array.from([1, 1, 0x00, 0, 0, 0]), entropy: new Uint8Array(Math.ceil(blocks / 8)) };
  return jpegOf([dqt, sof, dht, ...Array.from({ length: scans }, () => scan)]);
}

const refusal = (bytes: Uint8Array, file = 'x.jpg') => {
  try {
    decodeJpeg(bytes, file);
  } catch (e) {
    expect(e).toBeInstanceOf(NodeError);
    expect((e as NodeError).code).toBe('IMAGE_INVALID');
    return (e as Error).message;
  }
  throw new Error('decoded');
};

describe('JPEG decoder regressions', () => {
  it(`decodes a progressive JPEG of up to ${MAX_JPEG_SCANS} scans and refuses one of thousands before decoding a scan`, () => {
    expect(decodeJpeg(dcScans(64, 64, 1), 'one.jpg').rgba[0]).toBe(128);
    expect(decodeJpeg(dcScans(64, 64, MAX_JPEG_SCANS), 'many.jpg').width).toBe(64);
    // 5 000 scans over 256×256: jpeg-js would decode every block of every scan.
    const bomb = dcScans(256, 256, 5000);
    const t = performance.now();
    expect(refusal(bomb, 'scans.jpg')).toBe(`scans.jpg: more than ${MAX_JPEG_SCANS} scans (a progressive JPEG with this many is refused as a CPU-exhaustion attack)`);
    expect(performance.now() - t).toBeLessThan(200);
  });

  it('refuses a header claiming 8192×8192 over a few hundred bytes before jpeg-js allocates it', () => {
    const segs = segmentsOf(BASES[0]!);
    const sof = segs.find((s) => s.marker === 0xc0)!;
    sof.payload = sof.payload.slice();
    sof.payload.set([0x20, 0x00, 0x20, 0x00], 1);
    const base = process.memoryUsage().arrayBuffers;
    const t = performance.now();
    expect(refusal(jpegOf(segs))).toMatch(/^x\.jpg: holds \d+ bytes of image data, too few for 8192×8192 pixels/);
    expect(performance.now() - t).toBeLessThan(100);
    expect(process.memoryUsage().arrayBuffers - base).toBeLessThan(4 << 20);
  });

  it('refuses missing frames, unsupported frame types and malformed headers with clear messages', () => {
    const segs = segmentsOf(BASES[0]!);
    const withSof = (marker: number, patch?: (p: Uint8Array) => void) =>
      jpegOf(
        segs.map((s) => {
          if (s.marker !== 0xc0) return s;
          const payload = s.payload.slice();
          patch?.(payload);
          return { marker, payload };
        }),
      );
    expect(refusal(Uint8Array.from([0x89, 0x50, 0x4e, 0x47]))).toBe('x.jpg: not a JPEG file (no SOI marker)');
    expect(refusal(jpegOf(segs.filter((s) => s.marker !== 0xc0 && s.marker !== 0xda)))).toBe('x.jpg: no frame header (SOF): not a JPEG image, or truncated');
    expect(refusal(jpegOf(segs.filter((s) => s.marker !== 0xc0)))).toBe('x.jpg: a scan (SOS) before the frame header (SOF)');
    expect(refusal(withSof(0xc3))).toMatch(/lossless \(SOF3\) JPEGs are not supported/);
    expect(refusal(withSof(0xc9))).toMatch(/arithmetic-coded \(SOF9\) JPEGs are not supported/);
    expect(refusal(withSof(0xc1, (p) => (p[0] = 12)))).toBe('x.jpg: 12-bit JPEGs are not supported (8-bit only)');
    expect(refusal(withSof(0xc0, (p) => p.set([0, 0], 1)))).toMatch(/height 0/);
    expect(refusal(withSof(0xc0, (p) => (p[7] = 0x51)))).toMatch(/sampling factors 5×1/);
    expect(refusal(concat([jpegOf(segs).subarray(0, 100)]))).toMatch(/runs past the end of the file|truncated/);
    // A Huffman table whose code counts run past its segment (jpeg-js would read on into the next one).
    const dht = segs.findIndex((s) => s.marker === 0xc4);
    const longCounts = segs.map((s, k) => (k === dht ? { ...s, payload: concat([s.payload.subarray(0, 1), [200], s.payload.subarray(2)]) } : s));
    expect(refusal(jpegOf(longCounts))).toMatch(/Huffman table/);
  });

  it('pre-scans what it decodes: dimensions, components and scans', () => {
    expect(scanJpeg(photo, 'photo.jpg')).toMatchObject({ marker: 0xc0, width: 40, height: 24, scans: 1, components: [{ id: 1, h: 2, v: 2 }, { id: 2, h: 1, v: 1 }, { id: 3, h: 1, v: 1 }] });
  });
});
