/**
 * PNG decoding without dependencies: 8-bit grey, grey+alpha, RGB, RGBA and palette images
 * (16-bit samples are reduced to 8), non-interlaced, via the platform's DecompressionStream.
 * Sizes, chunk lengths and CRCs are checked before anything large is allocated.
 */
import { crc32 } from './crc32.js';
import { PngError } from './text.js';

export interface DecodedImage {
  readonly width: number;
  readonly height: number;
  /** RGBA, 8 bits per sample, row-major. */
  readonly rgba: Uint8Array;
}

export const MAX_PIXELS = 8192 * 8192;

async function inflate(data: Uint8Array, file: string, expected: number): Promise<Uint8Array> {
  try {
    const stream = new Blob([data as Uint8Array<ArrayBuffer>]).stream().pipeThrough(new DecompressionStream('deflate'));
    const out = new Uint8Array(await new Response(stream).arrayBuffer());
    if (out.length < expected) throw new PngError(`${file}: image data is shorter than ${expected} bytes (truncated?)`);
    return out;
  } catch (e) {
    if (e instanceof PngError) throw e;
    throw new PngError(`${file}: corrupt image data (${(e as Error).message})`);
  }
}

const paeth = (a: number, b: number, c: number) => {
  const p = a + b - c;
  const pa = Math.abs(p - a);
  const pb = Math.abs(p - b);
  const pc = Math.abs(p - c);
  return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
};

export async function decodePng(bytes: Uint8Array, file = 'PNG'): Promise<DecodedImage> {
  const sig = [137, 80, 78, 71, 13, 10, 26, 10];
  if (bytes.length < 8 || sig.some((b, i) => bytes[i] !== b)) throw new PngError(`${file}: not a PNG file`);
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
    const type = String.fromCharCode(...bytes.subarray(at + 4, at + 8));
    if (at + 12 + len > bytes.length) throw new PngError(`${file}: chunk ${type} runs past the end of the file (truncated?)`);
    const data = bytes.subarray(at + 8, at + 8 + len);
    if (crc32(bytes.subarray(at + 4, at + 8), data) !== v.getUint32(at + 8 + len)) throw new PngError(`${file}: chunk ${type} has a bad CRC (corrupt file)`);
    if (type === 'IHDR') {
      const h = new DataView(data.buffer, data.byteOffset, data.byteLength);
      [width, height, depth, color] = [h.getUint32(0), h.getUint32(4), data[8]!, data[9]!];
      if (data[12] !== 0) throw new PngError(`${file}: interlaced PNGs are not supported`);
      if (width === 0 || height === 0 || width * height > MAX_PIXELS) throw new PngError(`${file}: ${width}×${height} is outside 1…${MAX_PIXELS} pixels`);
      const ok = [0, 3].includes(color) ? [1, 2, 4, 8, 16].includes(depth) && !(color === 3 && depth === 16) : [2, 4, 6].includes(color) && [8, 16].includes(depth);
      if (!ok) throw new PngError(`${file}: ${depth}-bit colour type ${color} is not a valid PNG format`);
    } else if (type === 'PLTE') palette = data;
    else if (type === 'tRNS') trns = data;
    else if (type === 'IDAT') idat.push(data);
    else if (type === 'IEND') break;
    at += 12 + len;
  }
  if (color < 0) throw new PngError(`${file}: missing IHDR`);
  if (color === 3 && !palette) throw new PngError(`${file}: palette image without PLTE`);
  const channels = { 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 }[color]!;
  const bpp = Math.max(1, (channels * depth) / 8); // bytes per pixel for filtering (≥ 1)
  const stride = Math.ceil((width * channels * depth) / 8);
  const joined = new Uint8Array(idat.reduce((n, d) => n + d.length, 0));
  idat.reduce((o, d) => (joined.set(d, o), o + d.length), 0);
  const raw = await inflate(joined, file, height * (stride + 1));
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
