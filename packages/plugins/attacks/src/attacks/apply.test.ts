import { describe, expect, it } from 'vitest';
import { caseNamed, difference, expectedOf, inputOf } from '../testing/fixtures.js';
import { applyAttack, applyAttacks, attackOutputSize, chainOutputSize } from './apply.js';
import { parseAttackChain, parseAttackSpec } from '../spec/attack-spec.js';

describe('applyAttack and applyAttacks', () => {
  const input = inputOf(caseNamed('chain-geometric'));

  it('apply one attack to interleaved RGB bytes, defaults filled in', async () => {
    const c = caseNamed('rotate-15-black');
    const out = await applyAttack(input.rgb, input.width, input.height, { attack: 'rotate', degrees: 15 });
    expect(out.rgb).toEqual(expectedOf(c).rgb);
  });

  it('never modify the input, and never hand it back', async () => {
    const before = input.rgb.slice();
    const outs = await Promise.all([
      applyAttack(input.rgb, input.width, input.height, { attack: 'brightness', factor: 1 }),
      applyAttack(input.rgb, input.width, input.height, { attack: 'rotate', degrees: 0 }),
      applyAttack(input.rgb, input.width, input.height, { attack: 'noise', sigma: 0 }),
      applyAttack(input.rgb, input.width, input.height, { attack: 'resize', scale: 1 }),
      applyAttacks(input.rgb, input.width, input.height, []),
    ]);
    for (const out of outs) {
      expect(out.rgb).toEqual(before);
      expect(out.rgb).not.toBe(input.rgb);
    }
    await applyAttacks(input.rgb, input.width, input.height, [{ attack: 'blur' }, { attack: 'noise', sigma: 30 }, { attack: 'jpeg' }]);
    expect(input.rgb).toEqual(before);
  });

  it('chain like PIL, step by step: crop, resize, rotate, brightness, contrast, blur (exact)', async () => {
    const c = caseNamed('chain-geometric');
    const out = await applyAttacks(input.rgb, input.width, input.height, c.spec as never);
    expect([out.width, out.height]).toEqual([c.width, c.height]);
    expect(difference(out, expectedOf(c)).maxAbs).toBe(0);
  });

  it('chain like PIL through the codecs: resize, JPEG, WebP (within 40 dB)', async () => {
    const c = caseNamed('chain-codec');
    const out = await applyAttacks(input.rgb, input.width, input.height, c.spec as never);
    expect([out.width, out.height]).toEqual([c.width, c.height]);
    expect(difference(out, expectedOf(c)).psnr).toBeGreaterThanOrEqual(40);
  });

  it('refuse a buffer of the wrong length, and a bad spec', async () => {
    await expect(applyAttack(input.rgb, input.width + 1, input.height, { attack: 'blur' })).rejects.toMatchObject({ code: 'attack/IMAGE_INVALID' });
    await expect(applyAttack(input.rgb, input.width, input.height, { attack: 'blur', sigma: 0 })).rejects.toMatchObject({ code: 'PARAM_INVALID' });
    await expect(applyAttacks(input.rgb, input.width, input.height, [{ attack: 'blur' }, { attack: 'nope' } as never])).rejects.toMatchObject({ code: 'PARAM_INVALID' });
  });

  it('refuse to make an image larger than 16384 pixels a side, or of more than 8192² pixels', async () => {
    const row = new Uint8Array(3000 * 3);
    await expect(applyAttack(row, 3000, 1, { attack: 'resize', scale: 8 })).rejects.toMatchObject({ code: 'attack/IMAGE_TOO_LARGE' });
    // Sides within bounds, but more pixels than io/LoadImage would ever read: refused before allocating.
    const square = new Uint8Array(2048 * 2048 * 3);
    await expect(applyAttack(square, 2048, 2048, { attack: 'resize', scale: 5 })).rejects.toThrow(/at most 67108864 pixels/);
  });
});

describe('attackOutputSize', () => {
  it('is the size the attacks make', async () => {
    const input = inputOf(caseNamed('chain-geometric'));
    for (const spec of parseAttackChain([{ attack: 'resize', scale: 0.37 }, { attack: 'crop', area: 0.3, x: 0.1 }, { attack: 'rotate' }, { attack: 'resize', scale: 3.3, kernel: 'nearest' }])) {
      const out = await applyAttack(input.rgb, input.width, input.height, spec);
      expect(attackOutputSize(spec, input.width, input.height)).toEqual({ width: out.width, height: out.height });
    }
    expect(chainOutputSize(parseAttackChain([{ attack: 'resize', scale: 0.5 }, { attack: 'crop', area: 0.25 }]), 48, 40)).toEqual({ width: 12, height: 10 });
    expect(attackOutputSize(parseAttackSpec({ attack: 'jpeg' }), 7, 5)).toEqual({ width: 7, height: 5 });
  });
});
