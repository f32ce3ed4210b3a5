/** Reading tEXt chunks from PNG bytes (signature, lengths and CRCs checked; no pixel decoding). */
import { crc32 } from './crc32.js';

export class PngError extends Error {
  override readonly name = 'PngError';
}

const SIGNATURE = [137, 80, 78, 71, 13, 10, 26, 10];

const isLetter = (c: number) => (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a);

/** The type of the chunk whose type field starts at `at`, as shown in messages (hex unless 4 letters). */
export function chunkType(bytes: Uint8Array, at: number): string {
  const t = bytes.subarray(at, at + 4);
  return t.every(isLetter) ? String.fromCharCode(...t) : `0x${Array.from(t, (c) => c.toString(16).padStart(2, '0')).join('')}`;
}

/** Refuses a chunk type that is not 4 ASCII letters (checked after the CRC, which covers it). */
export function checkChunkType(type: string, at: number, file: string): void {
  if (type.startsWith('0x')) throw new PngError(`${file}: chunk type ${type} at byte ${at} is not 4 ASCII letters (corrupt file)`);
}

/** Bytes as Latin-1 text, a bounded slice at a time (spreading a large array overflows the call stack). */
function latin1(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i += 8192) s += String.fromCharCode(...bytes.subarray(i, i + 8192));
  return s;
}

/**
 * The tEXt keyword → text pairs. Chunks whose keyword is not 1–79 bytes (the PNG limit) are
 * ignored, as decoders ignore malformed ancillary chunks.
 */
export function readPngText(bytes: Uint8Array, file = 'PNG'): Map<string, string> {
  if (bytes.length < 8 || SIGNATURE.some((b, i) => bytes[i] !== b)) throw new PngError(`${file}: not a PNG file`);
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out = new Map<string, string>();
  let at = 8;
  while (at + 12 <= bytes.length) {
    const len = v.getUint32(at);
    const type = chunkType(bytes, at + 4);
    if (len > bytes.length - at - 12) throw new PngError(`${file}: chunk ${type} runs past the end of the file (truncated?)`);
    const data = bytes.subarray(at + 8, at + 8 + len);
    if (crc32(bytes.subarray(at + 4, at + 8), data) !== v.getUint32(at + 8 + len)) throw new PngError(`${file}: chunk ${type} has a bad CRC (corrupt file)`);
    checkChunkType(type, at, file);
    if (type === 'tEXt') {
      const nul = data.subarray(0, 80).indexOf(0);
      if (nul > 0) out.set(latin1(data.subarray(0, nul)), latin1(data.subarray(nul + 1)));
    }
    if (type === 'IEND') return out;
    at += 12 + len;
  }
  throw new PngError(`${file}: no IEND chunk (truncated?)`);
}
