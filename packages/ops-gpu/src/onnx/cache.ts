/**
 * Content signatures. `cacheKey` hashes any JSON-like value
 * (object keys sorted, typed arrays by their bytes) with SHA-256 through WebCrypto, so the same
 * parts give the same key in Node and in browsers.
 */

type Part = unknown;

function encodeParts(value: Part, chunks: Uint8Array[]): unknown {
  if (ArrayBuffer.isView(value)) {
    chunks.push(new Uint8Array(value.buffer, value.byteOffset, value.byteLength));
    return { $bytes: chunks.length - 1, type: value.constructor.name, length: value.byteLength };
  }
  if (value instanceof ArrayBuffer) return encodeParts(new Uint8Array(value), chunks);
  if (typeof value === 'bigint') return { $bigint: value.toString() };
  if (typeof value === 'number' && !Number.isFinite(value)) return { $number: String(value) };
  if (value === undefined) return { $undefined: true };
  if (Array.isArray(value)) return value.map((v) => encodeParts(v, chunks));
  if (value instanceof Map) return { $map: [...value.entries()].map(([k, v]) => [encodeParts(k, chunks), encodeParts(v, chunks)]) };
  if (typeof value === 'object' && value !== null) {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(value).sort()) out[k] = encodeParts((value as Record<string, unknown>)[k], chunks);
    return out;
  }
  return value;
}

const hex = (buf: ArrayBuffer) => [...new Uint8Array(buf)].map((b) => b.toString(16).padStart(2, '0')).join('');

/** SHA-256 (hex) of raw bytes. */
export async function hashBytes(bytes: Uint8Array): Promise<string> {
  return hex(await globalThis.crypto.subtle.digest('SHA-256', bytes as Uint8Array<ArrayBuffer>));
}

/** A stable SHA-256 hex signature of a list of parts (strings, numbers, objects, typed arrays…). */
export async function cacheKey(parts: readonly Part[]): Promise<string> {
  const chunks: Uint8Array[] = [];
  const head = new TextEncoder().encode(JSON.stringify(encodeParts(parts, chunks)));
  const size = chunks.reduce((n, c) => n + c.byteLength, head.byteLength + 8 * chunks.length + 8);
  const all = new Uint8Array(size);
  const view = new DataView(all.buffer);
  let off = 0;
  const put = (c: Uint8Array) => {
    view.setBigUint64(off, BigInt(c.byteLength), true);
    all.set(c, off + 8);
    off += 8 + c.byteLength;
  };
  put(head);
  chunks.forEach(put);
  return hashBytes(all);
}
