/** CRC-16/CCITT-FALSE (poly 0x1021, init 0xFFFF) over a bit string, most significant bit first. */
export function crc16(bits: Uint8Array): Uint8Array {
  let crc = 0xffff;
  for (const b of bits) {
    const top = ((crc >> 15) & 1) ^ (b & 1);
    crc = ((crc << 1) & 0xffff) ^ (top ? 0x1021 : 0);
  }
  const out = new Uint8Array(16);
  for (let i = 0; i < 16; i++) out[i] = (crc >> (15 - i)) & 1;
  return out;
}

/** Number of CRC bits the coded word carries after the payload. */
export const CRC_BITS = 16;
