/**
 * PNG encoding without dependencies (Node and browsers): 8-bit grey, RGB or RGBA, zlib via
 * the platform's CompressionStream, and tEXt chunks (text kept ASCII by JSON \u-escaping).
 */
import { crc32 } from './crc32.js';

const SIGNATURE = Uint8Array.from([137, 80, 78, 71, 13, 10, 26, 10]);
const COLOR_TYPE: Record<number, number> = { 1: 0, 3: 2, 4: 6 };

async function deflate(data: Uint8Array): Promise<Uint8Array> {
  const stream = new Blob([data as Uint8Array<ArrayBuffer>]).stream().pipeThrough(new CompressionStream('deflate'));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

function chunk(type: string, data: Uint8Array): Uint8Array {
  const out = new Uint8Array(12 + data.length);
  const v = new DataView(out.buffer);
  const t = new TextEncoder().encode(type);
  v.setUint32(0, data.length);
  out.set(t, 4);
  out.set(data, 8);
  v.setUint32(8 + data.length, crc32(t, data));
  return out;
}

/** Keyword and text for a tEXt chunk; the text must be Latin-1 (ASCII-escape JSON first). */
function textChunk(keyword: string, text: string): Uint8Array {
  if (!/^[\x20-\x7e]{1,79}$/.test(keyword)) throw new RangeError(`PNG text keyword "${keyword}" must be 1–79 printable ASCII characters`);
  const bytes = new Uint8Array(keyword.length + 1 + text.length);
  for (let i = 0; i < keyword.length; i++) bytes[i] = keyword.charCodeAt(i);
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c > 0xff) throw new RangeError('PNG tEXt text must be Latin-1');
    bytes[keyword.length + 1 + i] = c;
  }
  return chunk('tEXt', bytes);
}

/** JSON with every non-ASCII character \u-escaped, so it fits a tEXt chunk unchanged. */
export const asciiJson = (value: unknown): string => JSON.stringify(value).replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);

/** Pixels `[H, W, channels]` (row-major, 8-bit) → PNG bytes. */
export async function encodePng(pixels: Uint8Array, width: number, height: number, channels: 1 | 3 | 4, text: Record<string, string> = {}): Promise<Uint8Array> {
  if (pixels.length !== width * height * channels) throw new RangeError(`encodePng: ${pixels.length} bytes for ${width}×${height}×${channels}`);
  const ihdr = new Uint8Array(13);
  const v = new DataView(ihdr.buffer);
  v.setUint32(0, width);
  v.setUint32(4, height);
  ihdr.set([8, COLOR_TYPE[channels]!, 0, 0, 0], 8);
  const stride = width * channels;
  const raw = new Uint8Array(height * (stride + 1)); // filter byte 0 (None) per row
  for (let y = 0; y < height; y++) raw.set(pixels.subarray(y * stride, (y + 1) * stride), y * (stride + 1) + 1);
  const parts = [SIGNATURE, chunk('IHDR', ihdr), ...Object.entries(text).map(([k, t]) => textChunk(k, t)), chunk('IDAT', await deflate(raw)), chunk('IEND', new Uint8Array(0))];
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
