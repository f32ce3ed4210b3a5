/**
 * A minimal reader for zip archives whose entries are stored uncompressed — what torch.save and
 * np.savez write: central directory → entry name → bytes. Refuses compressed, encrypted and
 * zip64 entries, duplicate names, and archives whose offsets point outside the file. Entries are
 * views into the input (nothing is copied), so the result never holds more than the file.
 */

export class ZipError extends Error {
  override readonly name = 'ZipError';
}

/** An entry name as shown in messages: as is when short printable ASCII, else JSON-quoted and cut. */
const shown = (name: string) => (/^[\x21-\x7e][\x20-\x7e]{0,199}$/.test(name) ? name : JSON.stringify(name.length > 200 ? `${name.slice(0, 200)}…` : name));

export function readStoredZip(bytes: Uint8Array, file: string): Map<string, Uint8Array> {
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const bad = (why: string): never => {
    throw new ZipError(`${file}: ${why}`);
  };
  let eocd = -1;
  for (let i = bytes.length - 22; i >= Math.max(0, bytes.length - 22 - 65_535); i--) {
    if (v.getUint32(i, true) === 0x06054b50) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) bad('not a complete zip archive (no end-of-central-directory record; truncated?)');
  const count = v.getUint16(eocd + 10, true);
  let at = v.getUint32(eocd + 16, true);
  if (at === 0xffffffff || count === 0xffff) bad('zip64 archives (over 4 GiB or 65 535 entries) are not supported');
  const text = new TextDecoder();
  const out = new Map<string, Uint8Array>();
  for (let k = 0; k < count; k++) {
    if (at + 46 > bytes.length || v.getUint32(at, true) !== 0x02014b50) bad('corrupt zip central directory');
    const flags = v.getUint16(at + 8, true);
    const method = v.getUint16(at + 10, true);
    const size = v.getUint32(at + 20, true);
    const unpacked = v.getUint32(at + 24, true);
    const nameLen = v.getUint16(at + 28, true);
    const extraLen = v.getUint16(at + 30, true);
    const commentLen = v.getUint16(at + 32, true);
    const local = v.getUint32(at + 42, true);
    if (at + 46 + nameLen > bytes.length) bad('corrupt zip central directory (an entry name runs past the end of the file)');
    const name = text.decode(bytes.subarray(at + 46, at + 46 + nameLen));
    at += 46 + nameLen + extraLen + commentLen;
    if (method !== 0) bad(`zip entry ${shown(name)} is compressed; only stored (uncompressed) entries are supported, as torch.save and np.savez write them`);
    if (flags & 1) bad(`zip entry ${shown(name)} is encrypted`);
    if (size === 0xffffffff || local === 0xffffffff) bad(`zip entry ${shown(name)} is a zip64 entry (over 4 GiB); those are not supported`);
    if (size !== unpacked) bad(`zip entry ${shown(name)} is stored with ${size} bytes but claims ${unpacked} uncompressed (corrupt archive)`);
    if (out.has(name)) bad(`zip entry ${shown(name)} appears twice`);
    if (local + 30 > bytes.length || v.getUint32(local, true) !== 0x04034b50) bad(`zip entry ${shown(name)} has no local header`);
    const start = local + 30 + v.getUint16(local + 26, true) + v.getUint16(local + 28, true);
    if (start + size > bytes.length) bad(`zip entry ${shown(name)} extends past the end of the file (truncated?)`);
    out.set(name, bytes.subarray(start, start + size));
  }
  return out;
}
