/**
 * PNG decoding without dependencies: 8-bit grey, grey+alpha, RGB, RGBA and palette images
 * (16-bit samples are reduced to 8), non-interlaced, via the platform's DecompressionStream.
 * The file is hostile until decoded: chunk order, lengths and CRCs are checked before anything
 * large is allocated, and the image data is inflated chunk by chunk into a buffer no larger than
 * the size IHDR implies, stopping as soon as the data would pass it (a deflate bomb costs a few
 * kilobytes, not gigabytes).
 */
import { crc32 } from './crc32.js';
import { PngError, checkChunkType, chunkType } from './text.js';

export interface DecodedImage {
  readonly width: number;
  readonly height: number;
  /** RGBA, 8 bits per sample, row-major. */
  readonly rgba: Uint8Array;
}

export const MAX_PIXELS = 8192 * 8192;

const SIGNATURE = [137, 80, 78, 71, 13, 10, 26, 10];

/**
 * Inflates the concatenated IDAT data into exactly `expected` bytes. The output buffer starts
 * small and grows with the data actually produced (never past `expected`), and the stream is
 * cancelled the moment it would produce more than `expected` bytes.
 */
async function inflate(parts: readonly Uint8Array[], file: string, expected: number): Promise<Uint8Array> {
  let next = 0;
  const source = new ReadableStream<BufferSource>(
    {
      pull(controller) {
        if (next < parts.length) controller.enqueue(parts[next++]! as Uint8Array<ArrayBuffer>);
        else controller.close();
      },
    },
    { highWaterMark: 0 },
  );
  const reader = source.pipeThrough(new DecompressionStream('deflate')).getReader();
  const compressed = parts.reduce((n, p) => n + p.length, 0);
  let out = new Uint8Array(Math.min(expected, 4 * compressed + 65_536));
  let n = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      if (value.length > expected - n) throw new PngError(`${file}: image data inflates past the ${expected} bytes its header implies`);
      if (n + value.length > out.length) {
        const grown = new Uint8Array(Math.min(expected, Math.max(2 * out.length, n + value.length)));
        grown.set(out.subarray(0, n));
        out = grown;
      }
      out.set(value, n);
      n += value.length;
    }
  } catch (e) {
    await reader.cancel().catch(() => undefined);
    if (e instanceof PngError) throw e;
    throw new PngError(`${file}: corrupt image data (${String(e instanceof Error ? e.message : e).slice(0, 200)})`);
  }
  if (n < expected) throw new PngError(`${file}: image data is shorter than ${expected} bytes (truncated?)`);
  return out;
}

const paeth = (a: number, b: number, c: number) => {
  const p = a + b - c;
  const pa = Math.abs(p - a);
  const pb = Math.abs(p - b);
  const pc = Math.abs(p - c);
  return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
};

export async function decodePng(bytes: Uint8Array, file = 'PNG'): Promise<DecodedImage> {
  if (bytes.length < 8 || SIGNATURE.some((b, i) => bytes[i] !== b)) throw new PngError(`${file}: not a PNG file`);
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let at = 8;
  let width = 0;
  let height = 0;
  let depth = 0;
  let color = -1;
  let palette: Uint8Array | undefined;
  let trns: Uint8Array | undefined;
  const idat: Uint8Array[] = [];
  for (;;) {
    if (at + 12 > bytes.length) throw new PngError(`${file}: no IEND chunk (truncated?)`);
    const len = v.getUint32(at);
    const type = chunkType(bytes, at + 4);
    if (len > bytes.length - at - 12) throw new PngError(`${file}: chunk ${type} runs past the end of the file (truncated?)`);
    const data = bytes.subarray(at + 8, at + 8 + len);
    if (crc32(bytes.subarray(at + 4, at + 8), data) !== v.getUint32(at + 8 + len)) throw new PngError(`${file}: chunk ${type} has a bad CRC (corrupt file)`);
    checkChunkType(type, at, file);
    if (at === 8 && type !== 'IHDR') throw new PngError(`${file}: the first chunk is ${type}, not IHDR (corrupt file)`);
    if (type === 'IHDR') {
      if (at !== 8) throw new PngError(`${file}: a second IHDR chunk (corrupt file)`);
      if (len !== 13) throw new PngError(`${file}: IHDR is ${len} bytes, not 13 (corrupt file)`);
      const h = new DataView(data.buffer, data.byteOffset, data.byteLength);
      [width, height, depth, color] = [h.getUint32(0), h.getUint32(4), data[8]!, data[9]!];
      if (data[10] !== 0 || data[11] !== 0) throw new PngError(`${file}: unknown compression or filter method ${data[10]}/${data[11]} (corrupt file)`);
      if (data[12] !== 0) throw new PngError(`${file}: interlaced PNGs are not supported`);
      if (width === 0 || height === 0 || width * height > MAX_PIXELS) throw new PngError(`${file}: ${width}×${height} is outside 1…${MAX_PIXELS} pixels`);
      const ok = [0, 3].includes(color) ? [1, 2, 4, 8, 16].includes(depth) && !(color === 3 && depth === 16) : [2, 4, 6].includes(color) && [8, 16].includes(depth);
      if (!ok) throw new PngError(`${file}: ${depth}-bit colour type ${color} is not a valid PNG format`);
    } else if (type === 'PLTE') {
      if (idat.length) throw new PngError(`${file}: PLTE after the image data (corrupt file)`);
      if (len === 0 || len % 3 !== 0 || len > 768) throw new PngError(`${file}: PLTE is ${len} bytes, not 1–256 RGB entries (corrupt file)`);
      palette = data;
    } else if (type === 'tRNS') trns = data;
    else if (type === 'IDAT') {
      if (len > 0) idat.push(data);
    } else if (type === 'IEND') break;
    at += 12 + len;
  }
  if (color < 0) throw new PngError(`${file}: missing IHDR`);
  if (color === 3 && !palette) throw new PngError(`${file}: palette image without PLTE`);
  if (idat.length === 0) throw new PngError(`${file}: no image data (IDAT)`);
  const channels = { 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 }[color]!;
  const bpp = Math.max(1, (channels * depth) / 8); // bytes per pixel for filtering (≥ 1)
  const stride = Math.ceil((width * channels * depth) / 8);
  const raw = await inflate(idat, file, height * (stride + 1));
  const cur = new Uint8Array(stride);
  let prev = new Uint8Array(stride);
  const rgba = new Uint8Array(width * height * 4);
  for (let y = 0; y < height; y++) {
    const f = raw[y * (stride + 1)]!;
    const line = raw.subarray(y * (stride + 1) + 1, (y + 1) * (stride + 1));
    for (let i = 0; i < stride; i++) {
      const a = i >= bpp ? cur[i - bpp]! : 0;
      const b = prev[i]!;
      const c = i >= bpp ? prev[i - bpp]! : 0;
      const x = line[i]!;
      cur[i] = f === 0 ? x : f === 1 ? x + a : f === 2 ? x + b : f === 3 ? x + ((a + b) >> 1) : f === 4 ? x + paeth(a, b, c) : -1;
      if (f > 4) throw new PngError(`${file}: unknown row filter ${f}`);
    }
    for (let x = 0; x < width; x++) {
      // Sample k of pixel x: sub-byte samples are packed from the high bit; 16-bit ones keep their high byte.
      const s = (k: number): number => {
        if (depth >= 8) return cur[(x * channels + k) * (depth / 8)]!;
        const bit = (x * channels + k) * depth;
        const v = (cur[bit >> 3]! >> (8 - depth - (bit & 7))) & ((1 << depth) - 1);
        return color === 3 ? v : Math.round((v * 255) / ((1 << depth) - 1));
      };
      const o = (y * width + x) * 4;
      if (color === 3) {
        const idx = s(0);
        rgba[o] = palette![idx * 3] ?? 0;
        rgba[o + 1] = palette![idx * 3 + 1] ?? 0;
        rgba[o + 2] = palette![idx * 3 + 2] ?? 0;
        rgba[o + 3] = trns?.[idx] ?? 255;
      } else if (channels <= 2) {
        rgba[o] = rgba[o + 1] = rgba[o + 2] = s(0);
        rgba[o + 3] = channels === 2 ? s(1) : 255;
      } else {
        rgba[o] = s(0);
        rgba[o + 1] = s(1);
        rgba[o + 2] = s(2);
        rgba[o + 3] = channels === 4 ? s(3) : 255;
      }
    }
    prev = Uint8Array.from(cur);
  }
  return { width, height, rgba };
}
