import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { Tensor } from '@stylegraph/core';
import { readSafetensors } from '../model/safetensors.js';
import { createNodeCompute } from '../compute/node.js';
import { StyleGAN2 } from '../stylegan/generator.js';
import { readNvidiaPickle, CheckpointError } from './nvidia-pkl.js';
import { readCheckpoint } from './checkpoint.js';

const dir = fileURLToPath(new URL('../../fixtures/pkl/', import.meta.url));
const load = async (name: string) => readNvidiaPickle(new Uint8Array(await readFile(`${dir}${name}`)), name);
const code = async (name: string) => {
  try {
    await load(name);
  } catch (e) {
    expect(e).toBeInstanceOf(CheckpointError);
    return { code: (e as CheckpointError).code, message: (e as Error).message };
  }
  throw new Error(`${name} loaded`);
};

describe('NVIDIA StyleGAN2-ADA pickles', () => {
  it.each(['a32', 'b64'])('%s: weights, config and images equal the reference', async (name) => {
    const model = await load(`${name}.pkl`);
    const want = JSON.parse(await readFile(`${dir}${name}.config.json`, 'utf8'));
    expect(model.config.generator).toEqual(want.generator);
    expect(model.config.discriminator).toEqual(want.discriminator);
    const expected = readSafetensors(new Uint8Array(await readFile(`${dir}${name}.expected.safetensors`))).tensors as Map<string, Tensor<'float32'>>;
    for (const [k, t] of model.weights.generator) expect(Array.from(t.data), k).toEqual(Array.from(expected.get(`G.${k}`)!.data));
    for (const [k, t] of model.weights.discriminator!) expect(Array.from(t.data), k).toEqual(Array.from(expected.get(`D.${k}`)!.data));
    const { img } = await new StyleGAN2(model, createNodeCompute({ backend: 'cpu' })).synthesis(expected.get('ws')!, { noise: 'const' });
    const ref = expected.get('img_const')!;
    let err = 0;
    for (let i = 0; i < ref.data.length; i++) err = Math.max(err, Math.abs(img.data[i]! - ref.data[i]!));
    expect(err).toBeLessThanOrEqual(1e-4);
  });

  it.each([
    ['evil-os-system.pkl', 'os.system'],
    ['evil-eval.pkl', 'builtins.eval'],
    ['evil-popen.pkl', 'subprocess.Popen'],
  ])('refuses %s naming the global, executing nothing', async (file, global) => {
    const r = await code(file);
    expect(r.code).toBe('CHECKPOINT_UNSUPPORTED');
    expect(r.message).toContain(`refusing to load global ${global}`);
    expect(existsSync('/tmp/stylegraph-pwned')).toBe(false);
  });

  it('refuses truncated files, wrong magic and short storages with clear errors', async () => {
    expect(await code('truncated.pkl')).toMatchObject({ code: 'CHECKPOINT_FORMAT', message: expect.stringContaining('truncated') });
    expect(await code('not-a-pickle.pkl')).toMatchObject({ code: 'CHECKPOINT_FORMAT', message: expect.stringContaining('wrong magic bytes') });
    expect(await code('short-storage.pkl')).toMatchObject({ code: 'CHECKPOINT_FORMAT', message: expect.stringContaining('shorter') });
  });

  it('recognizes StyleGAN3 and TensorFlow pickles and says so', async () => {
    // A StyleGAN3 skeleton without weights (the real ones: nvidia-pkl-sg3.test.ts).
    expect(await code('stylegan3.pkl')).toMatchObject({ code: 'CHECKPOINT_STRUCTURE', message: 'G_ema has no mapping network (mapping.fc0, mapping.w_avg)' });
    await expect(readCheckpoint(new Uint8Array(await readFile(`${dir}tensorflow.pkl`)), 'tensorflow.pkl')).rejects.toMatchObject({ code: 'CHECKPOINT_STRUCTURE', message: expect.stringContaining('tensorflow.pkl: the top-level Network is missing version, name, static_kwargs') });
  });
});

describe('state-dict checkpoints', () => {
  it.each([
    ['b64.state-dict.pt', 'b64', 256, true],
    ['a32.generator-only.safetensors', 'a32', null, false],
  ] as const)('%s (torch.save zip / safetensors) imports with the same weights', async (file, name, convClamp, withD) => {
    const model = await readCheckpoint(new Uint8Array(await readFile(`${dir}${file}`)), file, { convClamp });
    const want = JSON.parse(await readFile(`${dir}${name}.config.json`, 'utf8'));
    expect(model.config.generator).toEqual(want.generator);
    expect(model.config.discriminator).toEqual(withD ? want.discriminator : null);
    const expected = readSafetensors(new Uint8Array(await readFile(`${dir}${name}.expected.safetensors`))).tensors;
    for (const [k, t] of model.weights.generator) expect(Array.from(t.data), k).toEqual(Array.from(expected.get(`G.${k}`)!.data as Float32Array));
  });

  it('refuses files that are no checkpoint, and zips cut short', async () => {
    await expect(readCheckpoint(new TextEncoder().encode('hello world, no model here'), 'x.bin')).rejects.toThrow(/not a checkpoint stylegraph reads/);
    const zip = new Uint8Array(await readFile(`${dir}b64.state-dict.pt`));
    await expect(readCheckpoint(zip.subarray(0, zip.length - 100), 'cut.pt')).rejects.toThrow(/cut\.pt: not a complete zip archive/);
  });
});
