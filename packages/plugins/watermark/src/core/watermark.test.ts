import { describe, expect, it } from 'vitest';
import { bitsToHex, capacityBits, decode, embed, hexToBits, verify } from './watermark.js';
import { MAX_PAYLOAD_BITS, TEST_UNITS } from './layout.js';
import { crop, psnr8, quantize, resize, rotate, testImage } from '../testing/images.js';

const KEY = 'test key';
const HEX = '0123456789abcdef';
const BITS = hexToBits(HEX);

describe('watermark round trip', async () => {
  const original = quantize(testImage(256, 320, 3));
  const marked = quantize(await embed(original, KEY, BITS, { psnr: 43 }));

  it('meets the target PSNR as 8-bit pixels, and is deterministic', async () => {
    const p = psnr8(original, marked);
    expect(p).toBeGreaterThan(41.5);
    expect(p).toBeLessThan(44.5);
    const again = quantize(await embed(original, KEY, BITS, { psnr: 43 }));
    expect(Buffer.from(again.data.buffer).equals(Buffer.from(marked.data.buffer))).toBe(true);
    // A stronger mark changes more.
    expect(psnr8(original, quantize(await embed(original, KEY, BITS, { psnr: 36 })))).toBeLessThan(p - 5);
  });

  it('decodes the payload with an overwhelming p-value, without searching', async () => {
    const r = await decode(marked, KEY, 64, 1e-6);
    expect(r.detected).toBe(true);
    expect(r.pValue).toBeLessThan(1e-20);
    expect(r.crcOk).toBe(true);
    expect(bitsToHex(r.payload)).toBe(HEX);
    expect(r.unitPx).toBeCloseTo(2, 2);
    expect(Math.abs(r.rotation)).toBeLessThan(0.01);
  });

  it('does not detect with another key, nor in the unmarked image', async () => {
    for (const [img, key] of [
      [marked, 'another key'],
      [original, KEY],
    ] as const) {
      const r = await decode(img, key, 64, 1e-6);
      expect(r.detected).toBe(false);
      expect(r.pValue).toBeGreaterThan(1e-4);
    }
  });

  it('survives crop, rotation and resize, finding the geometry', async () => {
    const cropped = crop(marked, 70, 41, 200, 170);
    const c = await decode(cropped, KEY, 64, 1e-6);
    expect(bitsToHex(c.payload)).toBe(HEX);
    expect(c.unitPx).toBeCloseTo(2, 1);
    const rotated = await decode(quantize(rotate(marked, 4)), KEY, 64, 1e-6);
    expect(bitsToHex(rotated.payload)).toBe(HEX);
    expect(rotated.rotation).toBeCloseTo(4, 0);
    const small = await decode(quantize(resize(marked, 192, 240)), KEY, 64, 1e-6);
    expect(small.detected).toBe(true);
    expect(bitsToHex(small.payload)).toBe(HEX);
  });

  it('verifies the expected payload, and refuses a different one', async () => {
    const good = await verify(marked, KEY, BITS, 1e-6);
    expect(good.detected).toBe(true);
    expect(good.matchedBits).toBe(64);
    expect(good.trials).toBe(TEST_UNITS + 258);
    const wrong = hexToBits('fedcba9876543210');
    const bad = await verify(marked, KEY, wrong, 1e-6);
    // The test units still agree, the coded bits do not: the p-value is far weaker than for the right payload.
    expect(bad.pValue).toBeGreaterThan(good.pValue * 1e20);
    expect(bad.matchedBits).toBeLessThan(48);
  });
});

describe('the p-value', () => {
  it('is uniform for images without the key’s mark: calibrated at 0.1 and 0.01 over 400 keys', async () => {
    const img = quantize(testImage(128, 128, 5));
    const ps: number[] = [];
    for (let i = 0; i < 400; i++) ps.push((await decode(img, `random key ${i}`, 0, 1e-6)).pValue);
    const rate = (a: number) => ps.filter((p) => p <= a).length / ps.length;
    // Binomial(400, 0.1): 40 ± 6; the discrete test is slightly conservative.
    expect(rate(0.1)).toBeGreaterThan(0.05);
    expect(rate(0.1)).toBeLessThan(0.15);
    expect(rate(0.01)).toBeLessThan(0.03);
    expect(rate(0.5)).toBeGreaterThan(0.38);
  });
});

describe('sizes', () => {
  it('capacity: the full payload from 128 px up, less for smaller images', () => {
    expect(capacityBits(128, 128)).toBe(MAX_PAYLOAD_BITS);
    expect(capacityBits(3000, 4000)).toBe(MAX_PAYLOAD_BITS);
    expect(capacityBits(64, 64)).toBe(Math.floor(MAX_PAYLOAD_BITS / 4));
    expect(capacityBits(32, 32)).toBe(Math.floor(MAX_PAYLOAD_BITS / 16));
  });

  it('a 64 px image carries a zero-bit mark', async () => {
    const img = quantize(testImage(64, 64, 9));
    const m = quantize(await embed(img, KEY, new Uint8Array(0), { psnr: 40 }));
    expect((await decode(m, KEY, 0, 1e-6)).detected).toBe(true);
    expect((await decode(img, KEY, 0, 1e-6)).detected).toBe(false);
  });

  it('refuses images smaller than one tile', async () => {
    await expect(embed(testImage(20, 40), KEY, BITS, {})).rejects.toThrow(/too small/);
  });
});
