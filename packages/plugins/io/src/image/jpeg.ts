/**
 * JPEG decoding with jpeg-js, behind a marker pre-scan of our own that treats the file as
 * hostile: before jpeg-js sees a byte, the segment structure is walked and checked — SOI first,
 * exactly one baseline, extended or progressive 8-bit Huffman frame header (SOF0/1/2) with
 * 1…MAX_PIXELS pixels, segments whose contents match their declared lengths, at most
 * MAX_JPEG_SCANS scans (progressive files with thousands of tiny scans are a known CPU attack),
 * and enough entropy-coded data for the frame's size (1–2 bits per 8×8 block at the very least:
 * a header that claims 8192×8192 over a few bytes of data is refused, instead of costing a
 * gigabyte and seconds to "decode"). jpeg-js then runs with a memory limit derived from the
 * frame's dimensions.
 */
import { NodeError } from '@stylegraph/core';
import jpeg from 'jpeg-js';
import { MAX_PIXELS, type DecodedImage } from '../png/decode.js';

/** The most scans (SOS segments) a JPEG may have; encoders write 1–4 baseline, ~10 progressive. */
export const MAX_JPEG_SCANS = 64;
/** jpeg-js's memory limit never exceeds this (its previous fixed limit). */
export const MAX_JPEG_MEMORY_MB = 1024;

interface Component {
  readonly id: number;
  readonly h: number;
  readonly v: number;
}

/** What the pre-scan learnt about a JPEG. */
export interface JpegFrame {
  readonly marker: number;
  readonly width: number;
  readonly height: number;
  readonly components: readonly Component[];
  readonly scans: number;
  /** Bytes of entropy-coded data over all scans. */
  readonly scanBytes: number;
}

const SOF_UNSUPPORTED: Record<number, string> = {
  0xc3: 'lossless (SOF3)',
  0xc5: 'hierarchical (SOF5)',
  0xc6: 'hierarchical progressive (SOF6)',
  0xc7: 'hierarchical lossless (SOF7)',
  0xc9: 'arithmetic-coded (SOF9)',
  0xca: 'arithmetic-coded progressive (SOF10)',
  0xcb: 'arithmetic-coded lossless (SOF11)',
  0xcd: 'arithmetic-coded hierarchical (SOF13)',
  0xce: 'arithmetic-coded hierarchical progressive (SOF14)',
  0xcf: 'arithmetic-coded hierarchical lossless (SOF15)',
};

const hex = (m: number) => `0x${m.toString(16).toUpperCase().padStart(2, '0')}`;

/** Walks the marker segments; throws `NodeError('IMAGE_INVALID', '<file>: …')` for anything it refuses. */
export function scanJpeg(bytes: Uint8Array, file: string): JpegFrame {
  const bad = (why: string): never => {
    throw new NodeError('IMAGE_INVALID', `${file}: ${why}`);
  };
  if (bytes.length < 4 || bytes[0] !== 0xff || bytes[1] !== 0xd8) bad('not a JPEG file (no SOI marker)');
  const n = bytes.length;
  const u16 = (at: number) => (bytes[at]! << 8) | bytes[at + 1]!;
  let frame: Omit<JpegFrame, 'scans' | 'scanBytes'> | undefined;
  let scans = 0;
  let scanBytes = 0;
  let at = 2;
  while (at < n) {
    // A marker: 0xFF (fill bytes allowed), then its code. Stray bytes between segments are skipped
    // up to the next 0xFF — never past a marker, so no scan or frame header goes uncounted.
    if (bytes[at] !== 0xff) {
      // jpeg-js reads "00 E0" / "00 E1" as an APP segment whose 0xFF was lost (some phones write it).
      if (bytes[at] === 0x00 && (bytes[at + 1] === 0xe0 || bytes[at + 1] === 0xe1) && at + 4 <= n) {
        at += 2 + u16(at + 2);
        continue;
      }
      const ff = bytes.indexOf(0xff, at);
      if (ff < 0) break;
      at = ff;
    }
    while (at < n && bytes[at] === 0xff) at++;
    if (at >= n) break;
    const m = bytes[at++]!;
    if (m === 0xd9) break; // EOI
    if (m === 0x00 || m === 0x01 || (m >= 0xd0 && m <= 0xd8)) continue; // stuffed byte, TEM, RSTn, SOI: no length
    if (at + 2 > n) bad(`segment ${hex(m)} at byte ${at - 2} is cut short (truncated?)`);
    const len = u16(at);
    if (len < 2) bad(`segment ${hex(m)} at byte ${at - 2} has an invalid length ${len}`);
    if (at + len > n) bad(`segment ${hex(m)} at byte ${at - 2} runs past the end of the file (truncated?)`);
    const seg = bytes.subarray(at + 2, at + len);
    at += len;
    if (m === 0xc0 || m === 0xc1 || m === 0xc2) {
      if (frame) bad('more than one frame header (SOF); multi-frame JPEGs are not supported');
      if (seg.length < 6) bad('frame header (SOF) is cut short');
      const precision = seg[0]!;
      const height = (seg[1]! << 8) | seg[2]!;
      const width = (seg[3]! << 8) | seg[4]!;
      const count = seg[5]!;
      if (precision === 12) bad('12-bit JPEGs are not supported (8-bit only)');
      if (precision !== 8) bad(`invalid sample precision ${precision} (8-bit JPEGs only)`);
      if (height === 0) bad('the frame header gives height 0 (height from a DNL marker is not supported)');
      if (width === 0) bad('the frame header gives width 0');
      if (width * height > MAX_PIXELS) bad(`${width}×${height} is more than ${MAX_PIXELS} pixels`);
      if (count < 1 || count > 4) bad(`${count} colour components (1–4 supported)`);
      if (seg.length !== 6 + 3 * count) bad(`frame header (SOF) is ${seg.length + 2} bytes, not ${8 + 3 * count} for ${count} components`);
      const components: Component[] = [];
      for (let i = 0; i < count; i++) {
        const id = seg[6 + 3 * i]!;
        const h = seg[7 + 3 * i]! >> 4;
        const v = seg[7 + 3 * i]! & 15;
        if (h < 1 || h > 4 || v < 1 || v > 4) bad(`component ${id} has sampling factors ${h}×${v} (1–4 allowed)`);
        if (components.some((c) => c.id === id)) bad(`component ${id} appears twice in the frame header`);
        components.push({ id, h, v });
      }
      frame = { marker: m, width, height, components };
    } else if (m in SOF_UNSUPPORTED) {
      bad(`${SOF_UNSUPPORTED[m]} JPEGs are not supported (baseline and progressive Huffman JPEGs only)`);
    } else if (m === 0xcc) {
      bad('arithmetic-coded JPEGs (DAC) are not supported (baseline and progressive Huffman JPEGs only)');
    } else if (m === 0xc4) {
      // DHT: tables of 1 + 16 + Σ counts bytes must fill the segment exactly (jpeg-js trusts the counts).
      for (let i = 0; i < seg.length; ) {
        if (i + 17 > seg.length) bad('Huffman table segment (DHT) is cut short');
        let sum = 0;
        for (let k = 1; k <= 16; k++) sum += seg[i + k]!;
        if (sum > 256) bad(`Huffman table with ${sum} codes (at most 256)`);
        i += 17 + sum;
        if (i > seg.length) bad('Huffman table segment (DHT) is shorter than its code counts');
      }
    } else if (m === 0xdb) {
      // DQT: tables of 1 + 64 or 1 + 128 bytes must fill the segment exactly.
      for (let i = 0; i < seg.length; ) {
        const p = seg[i]! >> 4;
        if (p > 1) bad(`quantization table with precision ${p}`);
        i += 1 + 64 * (p + 1);
        if (i > seg.length) bad('quantization table segment (DQT) is shorter than its tables');
      }
    } else if (m === 0xdd || m === 0xdc) {
      if (seg.length !== 2) bad(`${m === 0xdd ? 'restart interval (DRI)' : 'line count (DNL)'} segment is ${seg.length + 2} bytes, not 4`);
    } else if (m === 0xda) {
      if (!frame) bad('a scan (SOS) before the frame header (SOF)');
      if (++scans > MAX_JPEG_SCANS) bad(`more than ${MAX_JPEG_SCANS} scans (a progressive JPEG with this many is refused as a CPU-exhaustion attack)`);
      const count = seg[0] ?? 0;
      if (count < 1 || count > 4 || seg.length !== 4 + 2 * count) bad(`scan header (SOS) is ${seg.length + 2} bytes for ${count} components`);
      for (let i = 0; i < count; i++) {
        const id = seg[1 + 2 * i]!;
        if (!frame!.components.some((c) => c.id === id)) bad(`a scan refers to component ${id}, which the frame header does not define`);
      }
      if (frame!.marker === 0xc2) {
        const [ss, se, a] = [seg[1 + 2 * count]!, seg[2 + 2 * count]!, seg[3 + 2 * count]!];
        if (ss > se || se > 63 || a >> 4 > 13 || (a & 15) > 13 || (ss === 0) !== (se === 0) || (ss > 0 && count !== 1)) {
          bad(`invalid progressive scan parameters Ss=${ss} Se=${se} Ah=${a >> 4} Al=${a & 15}`);
        }
      }
      // Entropy-coded data runs to the next marker: 0xFF not followed by 0x00 (stuffing) or RSTn.
      const start = at;
      for (;;) {
        const ff = bytes.indexOf(0xff, at);
        if (ff < 0 || ff + 1 >= n) {
          at = n;
          break;
        }
        const next = bytes[ff + 1]!;
        if (next === 0x00 || (next >= 0xd0 && next <= 0xd7)) at = ff + 2;
        else {
          at = ff;
          break;
        }
      }
      scanBytes += at - start;
    }
    // APPn, COM and other segments are skipped by their length.
  }
  if (!frame) bad('no frame header (SOF): not a JPEG image, or truncated');
  // Defence in depth: jpeg-js resynchronizes after some malformed data where this walk does not,
  // so bound the scans it could ever find by the SOS byte pairs anywhere in the file (a legitimate
  // file has its own scans, an EXIF thumbnail's and a few by chance in binary metadata).
  let sosPairs = 0;
  for (let i = bytes.indexOf(0xff); i >= 0 && i + 1 < n; i = bytes.indexOf(0xff, i + 1)) {
    if (bytes[i + 1] === 0xda && ++sosPairs > 4 * MAX_JPEG_SCANS) bad(`more than ${4 * MAX_JPEG_SCANS} scan (SOS) markers in the file`);
  }
  const f = frame!;
  // Every block of every component is coded with at least one bit (its DC code), and in a
  // sequential JPEG with a second (its first AC code or end-of-block): a frame needs at least that
  // many bits of entropy-coded data, so a header claiming more pixels than the data could hold is
  // refused before jpeg-js allocates and decodes them.
  const maxH = Math.max(...f.components.map((c) => c.h));
  const maxV = Math.max(...f.components.map((c) => c.v));
  const blocks = f.components.reduce((sum, c) => sum + Math.ceil(Math.ceil((f.width * c.h) / maxH) / 8) * Math.ceil(Math.ceil((f.height * c.v) / maxV) / 8), 0);
  const minBits = (f.marker === 0xc2 ? 1 : 2) * blocks;
  if (scanBytes * 8 < minBits) {
    bad(`holds ${scanBytes} bytes of image data, too few for ${f.width}×${f.height} pixels (at least ${Math.ceil(minBits / 8)}; truncated, or a lying header)`);
  }
  return { ...f, scans, scanBytes };
}

/** An upper estimate of what jpeg-js allocates (and counts against its limit) for a frame. */
export function jpegMemoryBytes(f: Pick<JpegFrame, 'width' | 'height' | 'components'>): number {
  const maxH = Math.max(...f.components.map((c) => c.h));
  const maxV = Math.max(...f.components.map((c) => c.v));
  const mcusX = Math.ceil(f.width / (8 * maxH));
  const mcusY = Math.ceil(f.height / (8 * maxV));
  let total = f.width * f.height * (f.components.length + 4); // colour conversion, RGBA output
  for (const c of f.components) {
    total += mcusX * c.h * mcusY * c.v * 256; // coefficient blocks (Int32Array(64) each)
    total += Math.ceil((Math.ceil(f.width / 8) * c.h) / maxH) * 8 * Math.ceil((Math.ceil(f.height / 8) * c.v) / maxV) * 8; // sample lines
  }
  return total;
}

/** Decodes JPEG bytes to RGBA; every failure is `NodeError('IMAGE_INVALID', '<file>: …')`. */
export function decodeJpeg(bytes: Uint8Array, file: string): DecodedImage {
  const frame = scanJpeg(bytes, file);
  const need = jpegMemoryBytes(frame);
  if (need > MAX_JPEG_MEMORY_MB * 2 ** 20) {
    throw new NodeError('IMAGE_INVALID', `${file}: decoding ${frame.width}×${frame.height} would take about ${Math.ceil(need / 2 ** 20)} MB, more than the ${MAX_JPEG_MEMORY_MB} MB limit`);
  }
  // Headroom for the quantization and Huffman tables jpeg-js also counts (bounded by the file's size).
  const limitMB = Math.min(MAX_JPEG_MEMORY_MB, Math.ceil((need + 4 * bytes.length + 8 * 2 ** 20) / 2 ** 20));
  let img: { width: number; height: number; data: Uint8Array };
  try {
    img = jpeg.decode(bytes, { useTArray: true, formatAsRGBA: true, maxResolutionInMP: MAX_PIXELS / 1e6, maxMemoryUsageInMB: limitMB });
  } catch (e) {
    throw new NodeError('IMAGE_INVALID', `${file}: not a readable JPEG (${String(e instanceof Error ? e.message : e).slice(0, 200)})`);
  }
  if (img.width !== frame.width || img.height !== frame.height || img.data.length !== 4 * img.width * img.height) {
    throw new NodeError('IMAGE_INVALID', `${file}: not a readable JPEG (decoded ${img.width}×${img.height}, the header says ${frame.width}×${frame.height})`);
  }
  return { width: img.width, height: img.height, rgba: img.data };
}
