/**
 * Fuzzing the PNG decoder and text reader (seeded, bounded): random bytes, byte-level mutations
 * of valid files, and chunk-level mutations that keep CRCs valid so they reach the decoder's
 * deeper checks. Property: the call succeeds with a consistent image, or fails with a PngError
 * naming the file — never another error, and never an image larger than its header allows.
 * Plus plain regression tests for the defects the hardening fixed (a deflate bomb among them).
 */
import { constants as zlibConstants, deflateSync } from 'node:zlib';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { applyBytes, byteMutations, concat } from '../../../../../test/support/byte-mutations.js';
import { crc32 } from './crc32.js';
import { MAX_PIXELS, decodePng } from './decode.js';
import { encodePng } from './encode.js';
import { PngError, readPngText } from './text.js';

const SIG = Uint8Array.from([137, 80, 78, 71, 13, 10, 26, 10]);
const be32 = (n: number) => Uint8Array.from([n >>> 24, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff]);
const ascii = (s: string) => Uint8Array.from(s, (c) => c.charCodeAt(0));

interface Chunk {
  type: string;
  data: Uint8Array;
  /** Keep a wrong CRC (only the byte-level mutations break CRCs otherwise). */
  badCrc?: boolean;
}
const chunkBytes = ({ type, data, badCrc }: Chunk) => {
  const t = ascii(type);
  return concat([be32(data.length), t, data, be32((crc32(t, data) ^ (badCrc ? 1 : 0)) >>> 0)]);
};
const png = (chunks: Chunk[]) => concat([SIG, ...chunks.map(chunkBytes)]);
const ihdr = (w: number, h: number, depth: number, color: number, interlace = 0) => {
  const d = new Uint8Array(13);
  d.set(be32(w), 0);
  d.set(be32(h), 4);
  d.set([depth, color, 0, 0, interlace], 8);
  return { type: 'IHDR', data: d };
};
const idat = (raw: Uint8Array) => ({ type: 'IDAT', data: new Uint8Array(deflateSync(raw)) });
const IEND = { type: 'IEND', data: new Uint8Array(0) };

/** Parses a PNG the test built into its chunks (no checks: the input is ours). */
function chunksOf(bytes: Uint8Array): Chunk[] {
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out: Chunk[] = [];
  for (let at = 8; at + 12 <= bytes.length; ) {
    const len = v.getUint32(at);
    out.push({ type: String.fromCharCode(...bytes.subarray(at + 4, at + 8)), data: bytes.slice(at + 8, at + 8 + len) });
    at += 12 + len;
  }
  return out;
}

/** Valid PNGs of every supported format: the encoder's and hand-made ones (palette, 16-bit, 1-bit, 2-bit). */
async function validPngs(): Promise<Uint8Array[]> {
  const px = (n: number) => Uint8Array.from({ length: n }, (_, i) => (i * 37 + 11) % 256);
  // Raw scanlines with filter bytes cycling 0–4, so every filter is exercised.
  const rows = (h: number, stride: number) => {
    const raw = new Uint8Array(h * (stride + 1));
    for (let y = 0; y < h; y++) {
      raw[y * (stride + 1)] = y % 5;
      for (let i = 0; i < stride; i++) raw[y * (stride + 1) + 1 + i] = (y * 31 + i * 7) % 256;
    }
    return raw;
  };
  return [
    await encodePng(px(5 * 3 * 4), 5, 3, 4, { graph: '{"a":1}' }),
    await encodePng(px(1), 1, 1, 1),
    await encodePng(px(8 * 2 * 3), 8, 2, 3),
    png([ihdr(6, 4, 2, 3), { type: 'PLTE', data: px(12) }, { type: 'tRNS', data: Uint8Array.from([0, 128, 255]) }, idat(rows(4, 2)), IEND]),
    png([ihdr(3, 3, 16, 6), idat(rows(3, 24)), IEND]),
    png([ihdr(9, 2, 1, 0), idat(rows(2, 2)), { type: 'tEXt', data: ascii('k\u0000v') }, IEND]),
    // One zlib stream split over two IDAT chunks.
    png([ihdr(4, 5, 8, 4), ...((z) => [{ type: 'IDAT', data: z.subarray(0, 9) }, { type: 'IDAT', data: z.subarray(9) }])(idat(rows(5, 8)).data), IEND]),
    png([ihdr(2, 2, 16, 0), idat(rows(2, 4)), IEND]),
  ];
}

/** One byte-level mutation, as data (so counterexamples print). */
const EXTREMES = [0, 1, 0x7f, 0x80, 0xff, 0x7fff, 0x8000, 0xffff, 0x7fffffff, 0x80000000, 0xfffffffe, 0xffffffff];
const byteMutation = byteMutations({ extremes: EXTREMES });

/** Chunk-level mutations that keep the CRCs right, so they get past the CRC check. */
const chunkMutation = fc.oneof(
  fc.record({ kind: fc.constant('data' as const), chunk: fc.nat(), m: byteMutation }),
  fc.record({ kind: fc.constant('drop' as const), chunk: fc.nat() }),
  fc.record({ kind: fc.constant('dup' as const), chunk: fc.nat() }),
  fc.record({ kind: fc.constant('swap' as const), chunk: fc.nat(), other: fc.nat() }),
  fc.record({ kind: fc.constant('add' as const), chunk: fc.nat(), type: fc.constantFrom('IHDR', 'PLTE', 'tRNS', 'IDAT', 'IEND', 'tEXt', 'zTXt', 'gAMA', 'ab1d'), data: fc.uint8Array({ maxLength: 40 }) }),
  fc.record({
    kind: fc.constant('ihdr' as const),
    field: fc.constantFrom(0, 4, 8, 9, 10, 11, 12),
    value: fc.oneof(fc.constantFrom(...EXTREMES, 2 ** 31, 8192, 8193, 16, 3, 6), fc.nat()),
  }),
  fc.record({ kind: fc.constant('badcrc' as const), chunk: fc.nat() }),
);
type ChunkMutation = typeof chunkMutation extends fc.Arbitrary<infer T> ? T : never;
function applyChunks(chunks: Chunk[], m: ChunkMutation): Chunk[] {
  const c = chunks.map((x) => ({ ...x }));
  const i = c.length ? ('chunk' in m ? m.chunk : 0) % c.length : 0;
  switch (m.kind) {
    case 'data':
      if (c[i]) c[i]!.data = applyBytes(c[i]!.data, m.m);
      return c;
    case 'drop':
      return c.filter((_, k) => k !== i);
    case 'dup':
      return c.length ? [...c.slice(0, i + 1), { ...c[i]! }, ...c.slice(i + 1)] : c;
    case 'swap': {
      const j = c.length ? m.other % c.length : 0;
      if (c[i] && c[j]) [c[i], c[j]] = [c[j]!, c[i]!];
      return c;
    }
    case 'add':
      return [...c.slice(0, i), { type: m.type, data: m.data }, ...c.slice(i)];
    case 'ihdr': {
      const h = c.find((x) => x.type === 'IHDR');
      if (h && h.data.length === 13) {
        h.data = h.data.slice();
        if (m.field < 8) h.data.set(be32(m.value >>> 0), m.field);
        else h.data[m.field] = m.value & 0xff;
      }
      return c;
    }
    case 'badcrc':
      if (c[i]) c[i]!.badCrc = true;
      return c;
  }
}

const FILE = 'fuzz.png';

/** The property: an image consistent with its header, or a PngError naming the file. */
async function decodesOrRefuses(bytes: Uint8Array): Promise<void> {
  let text: Map<string, string> | undefined;
  try {
    text = readPngText(bytes, FILE);
  } catch (e) {
    if (!(e instanceof PngError)) throw e;
    expect(e.message.startsWith(`${FILE}: `)).toBe(true);
  }
  if (text) for (const [k, v] of text) expect(k.length + v.length).toBeLessThanOrEqual(bytes.length);
  try {
    const img = await decodePng(bytes, FILE);
    expect(img.width * img.height).toBeGreaterThan(0);
    expect(img.width * img.height).toBeLessThanOrEqual(MAX_PIXELS);
    expect(img.rgba.length).toBe(4 * img.width * img.height);
    // Deflate expands at most ~1032×, and a pixel is at least 1 bit: the image is really in the file.
    expect(img.rgba.length).toBeLessThanOrEqual(32 * 1100 * bytes.length);
  } catch (e) {
    if (!(e instanceof PngError)) throw e;
    expect(e.message.startsWith(`${FILE}: `)).toBe(true);
    expect(e.message.length).toBeLessThan(400);
  }
}

describe('PNG decoder fuzz', () => {
  it('random bytes, with and without the PNG signature (300 + 300 cases)', async () => {
    await fc.assert(fc.asyncProperty(fc.uint8Array({ maxLength: 300 }), (b) => decodesOrRefuses(b)), { seed: 0x9e3779b9, numRuns: 300 });
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 300 }), (b) => decodesOrRefuses(concat([SIG, b]))),
      { seed: 0x1234567, numRuns: 300 },
    );
  });

  it('byte-level mutations of valid files: flips, cuts, insertions, deletions, extreme integers (800 cases)', async () => {
    const bases = await validPngs();
    for (const b of bases) await expect(decodePng(b, FILE)).resolves.toBeDefined();
    await fc.assert(
      fc.asyncProperty(fc.nat({ max: bases.length - 1 }), fc.array(byteMutation, { minLength: 1, maxLength: 4 }), (k, ms) => decodesOrRefuses(ms.reduce(applyBytes, bases[k]!))),
      { seed: 20240611, numRuns: 800 },
    );
  });

  it('chunk-level mutations with valid CRCs: IHDR fields, order, duplicates, inserted chunks (1000 cases)', async () => {
    const bases = (await validPngs()).map(chunksOf);
    await fc.assert(
      fc.asyncProperty(fc.nat({ max: bases.length - 1 }), fc.array(chunkMutation, { minLength: 1, maxLength: 3 }), (k, ms) => decodesOrRefuses(png(ms.reduce(applyChunks, bases[k]!)))),
      { seed: 77, numRuns: 1000 },
    );
  });
});

describe('PNG decoder regressions', () => {
  it('refuses a deflate bomb (16×16 IHDR, IDAT inflating to 64 MB) without allocating it', async () => {
    const bomb = png([ihdr(16, 16, 8, 6), { type: 'IDAT', data: new Uint8Array(deflateSync(new Uint8Array(64 << 20), { level: 9, strategy: zlibConstants.Z_RLE })) }, IEND]);
    expect(bomb.length).toBeLessThan(100_000);
    const base = process.memoryUsage().arrayBuffers;
    let peak = 0;
    const sample = () => (peak = Math.max(peak, process.memoryUsage().arrayBuffers - base));
    const timer = setInterval(sample, 1);
    try {
      await expect(decodePng(bomb, 'bomb.png')).rejects.toThrow(new PngError('bomb.png: image data inflates past the 1040 bytes its header implies'));
    } finally {
      sample();
      clearInterval(timer);
    }
    expect(peak).toBeLessThan(8 << 20);
  });

  it('refuses image data that inflates to more than the header implies, and keeps the short-data error', async () => {
    const raw = new Uint8Array(2 * (1 + 2 * 3));
    await expect(decodePng(png([ihdr(2, 2, 8, 2), idat(raw), IEND]), 'ok.png')).resolves.toMatchObject({ width: 2, height: 2 });
    await expect(decodePng(png([ihdr(2, 2, 8, 2), idat(concat([raw, Uint8Array.of(0)])), IEND]), 'long.png')).rejects.toThrow('long.png: image data inflates past the 14 bytes its header implies');
    await expect(decodePng(png([ihdr(2, 2, 8, 2), idat(raw.subarray(1)), IEND]), 'short.png')).rejects.toThrow('short.png: image data is shorter than 14 bytes (truncated?)');
  });

  it('refuses chunks out of order and malformed headers with PngErrors (a short IHDR was a RangeError)', async () => {
    const raw = idat(new Uint8Array(2 * 7));
    const cases: [Chunk[], RegExp][] = [
      [[{ type: 'IHDR', data: new Uint8Array(4) }, raw, IEND], /IHDR is 4 bytes, not 13/],
      [[raw, ihdr(2, 2, 8, 2), IEND], /the first chunk is IDAT, not IHDR/],
      [[ihdr(2, 2, 8, 2), ihdr(2, 2, 8, 2), raw, IEND], /a second IHDR chunk/],
      [[ihdr(2, 2, 8, 2), IEND], /no image data \(IDAT\)/],
      [[ihdr(2, 2, 2, 3), raw, { type: 'PLTE', data: new Uint8Array(6) }, IEND], /PLTE after the image data/],
      [[ihdr(2, 2, 2, 3), { type: 'PLTE', data: new Uint8Array(5) }, raw, IEND], /PLTE is 5 bytes/],
      [[ihdr(0x10000, 0x10000, 8, 2), raw, IEND], /65536×65536 is outside 1…67108864 pixels/],
      [[ihdr(2, 2, 8, 2), { type: 'ab\u0001d', data: new Uint8Array(0) }, raw, IEND], /chunk type 0x61620164 at byte 33 is not 4 ASCII letters/],
    ];
    for (const [chunks, message] of cases) {
      const e = await decodePng(png(chunks), 'x.png').then(() => undefined, (err: unknown) => err);
      expect(e, String(message)).toBeInstanceOf(PngError);
      expect((e as Error).message).toMatch(message);
    }
  });

  it('reads text chunks with long keywords and values without overflowing the stack', async () => {
    // A 200 000-byte "keyword" was spread into String.fromCharCode: RangeError (call stack).
    const longKey = { type: 'tEXt', data: concat([new Uint8Array(200_000).fill(0x41), Uint8Array.of(0), ascii('v')]) };
    const longValue = { type: 'tEXt', data: concat([ascii('graph'), Uint8Array.of(0), new Uint8Array(300_000).fill(0xe9)]) };
    const file = png([ihdr(1, 1, 8, 0), longKey, longValue, idat(new Uint8Array(2)), IEND]);
    const text = readPngText(file, 't.png');
    expect([...text.keys()]).toEqual(['graph']);
    expect(text.get('graph')).toBe('\u00e9'.repeat(300_000));
    await expect(decodePng(file, 't.png')).resolves.toMatchObject({ width: 1, height: 1 });
  });
});
