import { describe, expect, it } from 'vitest';
import { memoryFiles, runNode, tensor } from '@stylegraph/plugin-testing';
import plugin, { Decode, Embed, Verify } from '../index.js';
import { quantize, testImage } from '../testing/images.js';

/** Two test images as one batch [2, 3, H, W], 8-bit values. */
function batch(H: number, W: number) {
  const a = quantize(testImage(H, W, 11));
  const b = quantize(testImage(H, W, 12));
  const data = new Float32Array(2 * 3 * H * W);
  data.set(a.data);
  data.set(b.data, 3 * H * W);
  return tensor('float32', [2, 3, H, W], data);
}

const as8bit = (t: { dims: readonly number[]; data: Float32Array }) => tensor('float32', [...t.dims], t.data.map((v) => Math.round((v + 1) * 127.5) / 127.5 - 1));

describe('watermark nodes', () => {
  it('Embed → Decode recovers each image’s payload; Verify confirms it; the report names each image', async () => {
    const images = batch(160, 200);
    const { image: marked } = await runNode(plugin, Embed, { inputs: { image: images }, params: { key: 'node key', payload: 'c0ffee00deadbeef' } });
    expect(marked.dims).toEqual([2, 3, 160, 200]);
    const received = as8bit(marked);
    const { bits, report } = await runNode(plugin, Decode, { inputs: { image: received }, params: { key: 'node key' } });
    expect(bits.dtype).toBe('uint8');
    expect(bits.dims).toEqual([2, 64]);
    expect(report.images).toBe(2);
    expect(report.detected).toBe(2);
    expect(report['payload.0']).toBe('c0ffee00deadbeef');
    expect(report['payload.1']).toBe('c0ffee00deadbeef');
    expect(report['payloadValid.1']).toBe(1);
    expect(report.pValue as number).toBeLessThan(1e-12);
    const v = await runNode(plugin, Verify, { inputs: { image: received }, params: { key: 'node key', payload: 'c0ffee00deadbeef' } });
    expect(v.report.detected).toBe(2);
    expect(v.report['matchedBits.0']).toBe(64);
  });

  it('reads the key from a file, so the graph does not hold it', async () => {
    const img = tensor('float32', [1, 3, 128, 128], quantize(testImage(128, 128, 2)).data);
    const files = memoryFiles({ 'secret.key': 'file key\n' });
    const { image: marked } = await runNode(plugin, Embed, { inputs: { image: img }, params: { keyFile: 'secret.key', payload: '' }, files });
    const byFile = await runNode(plugin, Decode, { inputs: { image: as8bit(marked) }, params: { keyFile: 'secret.key', payloadBits: 0 }, files });
    const byText = await runNode(plugin, Decode, { inputs: { image: as8bit(marked) }, params: { key: 'file key', payloadBits: 0 } });
    expect(byFile.report.detected).toBe(1);
    expect(byFile.report.pValue).toBe(byText.report.pValue);
    expect(byFile.bits.dims).toEqual([1, 0]);
    const other = await runNode(plugin, Decode, { inputs: { image: as8bit(marked) }, params: { key: 'file key!', payloadBits: 0 } });
    expect(other.report.detected).toBe(0);
    expect(other.report.payload).toBe('');
  });

  it('refuses a missing or double key, a payload that does not fit, bad hex, a grey image and a too-small one', async () => {
    const img = tensor('float32', [1, 3, 64, 64], quantize(testImage(64, 64, 4)).data);
    await expect(runNode(plugin, Embed, { inputs: { image: img }, params: {} })).rejects.toThrow(/exactly one of "key" and "keyFile"/);
    await expect(runNode(plugin, Embed, { inputs: { image: img }, params: { key: 'a', keyFile: 'b' } })).rejects.toThrow(/exactly one/);
    // 64 px holds 47 bits: a 64-bit payload is refused with the capacity.
    await expect(runNode(plugin, Embed, { inputs: { image: img }, params: { key: 'a' } })).rejects.toThrow(/does not fit a 64×64 image: it holds at most 47 bits \(11 hex digits\)/);
    await expect(runNode(plugin, Embed, { inputs: { image: img }, params: { key: 'a', payload: 'xyz' } })).rejects.toMatchObject({ code: 'PARAM_INVALID' });
    await expect(runNode(plugin, Embed, { inputs: { image: tensor('float32', [1, 1, 64, 64], new Float32Array(4096)) }, params: { key: 'a' } })).rejects.toMatchObject({ code: 'SHAPE_MISMATCH' });
    await expect(runNode(plugin, Decode, { inputs: { image: tensor('float32', [1, 3, 16, 64], new Float32Array(3 * 16 * 64)) }, params: { key: 'a' } })).rejects.toThrow(/too small/);
  });
});
