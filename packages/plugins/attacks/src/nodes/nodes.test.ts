import { describe, expect, it } from 'vitest';
import { isNodeError, type RunContext, type Tensor } from '@stylegraph/core';
import { image, runNode, tensor } from '@stylegraph/plugin-testing';
import { toUint8 } from '@stylegraph/plugin-io';
import plugin, { ATTACK_NODES, AttackBlur, AttackChain, AttackCrop, AttackJpeg, AttackResize, applyAttack, applyAttacks } from '../index.js';
import { itemToRgb, rgbToImage } from '../image/tensor-items.js';
import { attackBatch } from './attack-node.js';

/** What applyAttacks makes of every item of `x`, as an Image. */
async function expected(x: Tensor<'float32'>, steps: Parameters<typeof applyAttacks>[3]): Promise<Tensor<'float32'>> {
  const [B, , H, W] = x.dims as [number, number, number, number];
  const items = [];
  for (let b = 0; b < B; b++) items.push(await applyAttacks(toUint8(x, b), W, H, steps));
  return rgbToImage(items, { width: 0, height: 0 });
}

const x = image([2, 3, 12, 16], 7); // [B, 3, H, W], H ≠ W

describe('the nodes', () => {
  it('are the ten attack/* nodes, all pure, with defaults for every param', () => {
    expect(plugin.namespace).toBe('attack');
    expect(ATTACK_NODES.map((n) => n.type)).toEqual(['attack/Jpeg', 'attack/Webp', 'attack/Resize', 'attack/Crop', 'attack/Rotate', 'attack/Brightness', 'attack/Contrast', 'attack/Blur', 'attack/Noise', 'attack/Chain']);
    for (const n of ATTACK_NODES) {
      expect(n.purity).toBe('pure');
      expect(n.params.safeParse({}).success).toBe(true);
    }
  });

  it.each(ATTACK_NODES.map((n) => [n.type, n] as const))('%s: every batch item as applyAttack makes it, with default params', async (type, node) => {
    const { image: out } = await runNode(plugin, type, { inputs: { image: x } });
    const params = node.params.parse({}) as Record<string, unknown>;
    const steps = type === 'attack/Chain' ? (params.steps as never[]) : [{ attack: type.slice('attack/'.length).toLowerCase(), ...params } as never];
    const want = await expected(x, steps);
    expect(out.dims).toEqual(want.dims);
    expect(out.data).toEqual(want.data);
  });

  it('convert to bytes as io/SaveImage does, and back as v/127.5 − 1', () => {
    const t = tensor('float32', [1, 3, 1, 4], [-1.5, -1, 0, 1, 0.003, -0.0039, 0.5, 2, 1e-9, -1e-9, -0.996, 0.996]);
    const rgb = itemToRgb(t, 0);
    expect(rgb.rgb).toEqual(toUint8(t, 0));
    expect([...rgb.rgb.subarray(0, 3)]).toEqual([0, 128, 128]); // pixel 0: R −1.5, G 0.003, B 1e-9
    const back = rgbToImage([rgb], rgb);
    expect(itemToRgb(back, 0).rgb).toEqual(rgb.rgb);
    expect(back.data[0]).toBe(-1);
    expect(back.data[2]).toBe(Math.fround(128 / 127.5 - 1));
  });

  it('size their outputs as their inferShapes says (H ≠ W)', async () => {
    const resized = (await runNode(plugin, AttackResize, { inputs: { image: x }, params: { scale: 1.3, kernel: 'lanczos3' } })).image;
    expect(resized.dims).toEqual([2, 3, 16, 21]); // 15.6 → 16, 20.8 → 21
    const cropped = (await runNode(plugin, AttackCrop, { inputs: { image: x }, params: { area: 0.25, x: 1, y: 0 } })).image;
    expect(cropped.dims).toEqual([2, 3, 6, 8]);
    const steps = [{ attack: 'resize', scale: 0.5, kernel: 'area' }, { attack: 'rotate', degrees: -20 }, { attack: 'crop', area: 0.5 }];
    const chained = (await runNode(plugin, AttackChain, { inputs: { image: x }, params: { steps } })).image;
    expect(chained.dims).toEqual([2, 3, 4, 6]); // 6×8, then √0.5: 4.24 → 4, 5.66 → 6
    expect(chained.data).toEqual((await expected(x, steps as never)).data);
  });

  it('chain the same as the single nodes one after another', async () => {
    const step1 = (await runNode(plugin, AttackBlur, { inputs: { image: x }, params: { sigma: 1.7 } })).image;
    const step2 = (await runNode(plugin, AttackJpeg, { inputs: { image: step1 }, params: { quality: 40, subsampling: '4:4:4' } })).image;
    const chained = (await runNode(plugin, AttackChain, { inputs: { image: x }, params: { steps: [{ attack: 'blur', sigma: 1.7 }, { attack: 'jpeg', quality: 40, subsampling: '4:4:4' }] } })).image;
    expect(chained.data).toEqual(step2.data);
  });

  it('run an empty chain as a copy, and an empty batch', async () => {
    expect((await runNode(plugin, AttackChain, { inputs: { image: x } })).image.data).toEqual((await expected(x, [])).data);
    const ctx = { throwIfAborted: () => undefined, progress: () => undefined } as unknown as RunContext;
    const empty = await attackBatch('attack/Resize', tensor('float32', [0, 3, 10, 20]), [{ attack: 'resize', scale: 0.5, kernel: 'bicubic' }], ctx);
    expect(empty.dims).toEqual([0, 3, 5, 10]);
  });

  it('are deterministic, and give every item of a batch its own result', async () => {
    const a = (await runNode(plugin, 'attack/Noise', { inputs: { image: x }, params: { sigma: 20, seed: 9 } })).image;
    const b = (await runNode(plugin, 'attack/Noise', { inputs: { image: x }, params: { sigma: 20, seed: 9 } })).image;
    expect(a.data).toEqual(b.data);
    const one = (await runNode(plugin, 'attack/Noise', { inputs: { image: image([1, 3, 12, 16], 7) }, params: { sigma: 20, seed: 9 } })).image;
    expect(a.data.subarray(0, one.data.length)).toEqual(one.data);
  });
});

describe('bad inputs', () => {
  it.each(ATTACK_NODES.map((n) => [n.type] as const))('%s refuses an image that is not RGB (SHAPE_MISMATCH)', async (type) => {
    await expect(runNode(plugin, type, { inputs: { image: image([1, 1, 8, 8]) } })).rejects.toMatchObject({ code: 'SHAPE_MISMATCH' });
    await expect(runNode(plugin, type, { inputs: { image: image([1, 4, 8, 8]) } })).rejects.toMatchObject({ code: 'SHAPE_MISMATCH' });
  });

  it('names the node when a non-RGB image reaches it at run time', async () => {
    const ctx = { throwIfAborted: () => undefined, progress: () => undefined } as unknown as RunContext;
    let error: unknown;
    try {
      await attackBatch('attack/Jpeg', image([1, 1, 8, 8]), [], ctx);
    } catch (e) {
      error = e;
    }
    expect(isNodeError(error) && error.code === 'SHAPE_MISMATCH').toBe(true);
    expect((error as Error).message).toMatch(/attack\/Jpeg needs an RGB image \[B, 3, H, W\], not \[1, 1, 8, 8\]/);
  });

  it.each([
    ['attack/Jpeg', { quality: 0 }],
    ['attack/Jpeg', { subsampling: '4:1:1' }],
    ['attack/Webp', { quality: 150 }],
    ['attack/Resize', { scale: 0 }],
    ['attack/Resize', { kernel: 'hamming' }],
    ['attack/Crop', { area: 1.5 }],
    ['attack/Crop', { y: -0.1 }],
    ['attack/Crop', { aspect: 'square' }],
    ['attack/Rotate', { degrees: 270 }],
    ['attack/Rotate', { fill: 'transparent' }],
    ['attack/Brightness', { factor: 5 }],
    ['attack/Contrast', { factor: -1 }],
    ['attack/Blur', { sigma: 0 }],
    ['attack/Noise', { seed: 1.5 }],
    ['attack/Chain', { steps: [{ attack: 'jpeg', quality: 0 }] }],
    ['attack/Chain', { steps: [{ attack: 'resize', scale: 2, kernel: 'lanczos' }] }],
    ['attack/Chain', { steps: [{ attack: 'rotate', degree: 5 }] }],
    ['attack/Chain', { steps: { attack: 'blur' } }],
  ] as const)('%s refuses params %j (PARAM_INVALID)', async (type, params) => {
    await expect(runNode(plugin, type, { inputs: { image: x }, params })).rejects.toMatchObject({ code: 'PARAM_INVALID' });
  });

  it('leaves applyAttack’s programmatic errors to NodeError codes too', async () => {
    await expect(applyAttack(new Uint8Array(5), 1, 1, { attack: 'blur' })).rejects.toMatchObject({ code: 'attack/IMAGE_INVALID' });
  });
});
