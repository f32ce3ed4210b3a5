/** Reading tEXt chunks from PNG bytes (signature, lengths and CRCs checked; no pixel decoding). */
import { crc32 } from './crc32.js';

export class PngError extends Error {
  override readonly name = 'PngError';
}

export function readPngText(bytes: Uint8Array, file = 'PNG'): Map<string, string> {
  const sig = [137, 80, 78, 71, 13, 10, 26, 10];
  if (bytes.length < 8 || sig.some((b, i) => bytes[i] !== b)) throw new PngError(`${file}: not a PNG file`);
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out = new Map<string, string>();
  let at = 8;
  while (at + 12 <= bytes.length) {
    const len = v.getUint32(at);
    const type = String.fromCharCode(...bytes.subarray(at + 4, at + 8));
    if (at + 12 + len > bytes.length) throw new PngError(`${file}: chunk ${type} runs past the end of the file (truncated?)`);
    const data = bytes.subarray(at + 8, at + 8 + len);
    if (crc32(bytes.subarray(at + 4, at + 8), data) !== v.getUint32(at + 8 + len)) throw new PngError(`${file}: chunk ${type} has a bad CRC (corrupt file)`);
    if (type === 'tEXt') {
      const nul = data.indexOf(0);
      if (nul > 0) out.set(String.fromCharCode(...data.subarray(0, nul)), Array.from(data.subarray(nul + 1), (c) => String.fromCharCode(c)).join(''));
    }
    if (type === 'IEND') return out;
    at += 12 + len;
  }
  throw new PngError(`${file}: no IEND chunk (truncated?)`);
}
