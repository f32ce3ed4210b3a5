import { mkdtemp, readdir, readFile, rm, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { tensor } from '@stylegraph/core';
import { folderSource, saveModel } from './node-files.js';
import { loadModel } from './load.js';
import { randomWeights, standardConfig } from './random.js';
import { ModelFileError } from './errors.js';

const config = standardConfig({ resolution: 8, zDim: 4, wDim: 4, mappingLayers: 2, channelBase: 32, channelMax: 8 });
const weights = randomWeights(config, 3);
let root: string;
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'stylegraph-model-'));
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('folderSource', () => {
  it('reads plain file names inside the folder and refuses anything else', async () => {
    await mkdir(join(root, 'm'));
    await writeFile(join(root, 'm', 'config.json'), '{}');
    await writeFile(join(root, 'secret'), 'x');
    const src = folderSource(join(root, 'm'));
    expect(new TextDecoder().decode(await src.read('config.json'))).toBe('{}');
    expect(await src.exists('config.json')).toBe(true);
    expect(await src.exists('generator.safetensors')).toBe(false);
    for (const bad of ['../secret', 'a/b', 'a\\b', '.hidden', '..', '', 'x\0y']) {
      await expect(src.read(bad)).rejects.toBeInstanceOf(ModelFileError);
      await expect(src.exists(bad)).rejects.toThrow(/is not a plain file name/);
    }
  });
});

describe('saveModel', () => {
  it('writes a folder that loads back to the same model', async () => {
    const dir = join(root, 'model');
    await saveModel(dir, { config, ...weights, extra: { 'MODEL.md': '# model\n' } });
    expect((await readdir(dir)).sort()).toEqual(['MODEL.md', 'config.json', 'discriminator.safetensors', 'generator.safetensors']);
    const m = await loadModel(folderSource(dir));
    expect(m.config).toEqual(config);
    expect(m.weights.generator).toEqual(weights.generator);
    expect(m.weights.discriminator).toEqual(weights.discriminator);
    // Deterministic: saving again gives identical files.
    const first = await readFile(join(dir, 'generator.safetensors'));
    await saveModel(dir, { config, ...weights });
    expect(await readFile(join(dir, 'generator.safetensors'))).toEqual(first);
    expect(await readdir(dir)).not.toContain('MODEL.md');
    expect(await readdir(root)).toEqual(['model']);
  });

  it('writes nothing when the model is inconsistent, and keeps an existing folder', async () => {
    const dir = join(root, 'model');
    const bad = new Map(weights.generator).set('synthesis.b4.const', tensor('float32', [1]));
    await expect(saveModel(dir, { config, generator: bad, discriminator: weights.discriminator! })).rejects.toThrow(
      'generator.safetensors: tensor "synthesis.b4.const" has shape [1] but the config needs [8, 4, 4]',
    );
    await expect(saveModel(dir, { config, generator: weights.generator })).rejects.toThrow(/discriminator\.safetensors: is needed/);
    await expect(saveModel(dir, { config: { ...config, discriminator: null }, ...weights })).rejects.toThrow(/discriminator\.safetensors: weights were given/);
    await expect(saveModel(dir, { config: { ...config, name: '' }, ...weights })).rejects.toMatchObject({ code: 'CONFIG_INVALID' });
    await expect(saveModel(dir, { config, ...weights, extra: { '../x': 'y' } })).rejects.toMatchObject({ code: 'FILE_NAME' });
    await expect(saveModel(dir, { config, ...weights, extra: { 'config.json': 'y' } })).rejects.toMatchObject({ code: 'FILE_NAME' });
    expect(await readdir(root)).toEqual([]);

    await saveModel(dir, { config, ...weights });
    const before = await readFile(join(dir, 'config.json'));
    await expect(saveModel(dir, { config, generator: bad, discriminator: weights.discriminator! })).rejects.toThrow(ModelFileError);
    expect(await readFile(join(dir, 'config.json'))).toEqual(before);
    expect(await readdir(root)).toEqual(['model']);
  });

  it('replaces only a model folder or an empty folder, never other files', async () => {
    const empty = join(root, 'empty');
    await mkdir(empty);
    await saveModel(empty, { config, ...weights });
    expect((await readdir(empty)).sort()).toEqual(['config.json', 'discriminator.safetensors', 'generator.safetensors']);

    const home = join(root, 'home');
    await mkdir(home);
    await writeFile(join(home, 'notes.txt'), 'keep me');
    await expect(saveModel(home, { config, ...weights })).rejects.toMatchObject({
      code: 'FOLDER_NOT_MODEL',
      message: `${home}: is a folder without config.json; refusing to replace it with a model`,
    });
    expect(await readdir(home)).toEqual(['notes.txt']);
    const plain = join(root, 'file');
    await writeFile(plain, 'x');
    await expect(saveModel(plain, { config, ...weights })).rejects.toMatchObject({ code: 'FOLDER_NOT_MODEL', message: `${plain}: exists and is not a folder; refusing to replace it with a model` });
    expect(await readFile(plain, 'utf8')).toBe('x');
    expect((await readdir(root)).sort()).toEqual(['empty', 'file', 'home']);
  });

  it('removes its half-written temporary folder when a write fails', async () => {
    // The model files are written, then the over-long extra name fails (ENAMETOOLONG).
    await saveModel(join(root, 'model'), { config, ...weights });
    await expect(saveModel(join(root, 'model'), { config, ...weights, extra: { [`${'a'.repeat(300)}.md`]: 'x' } })).rejects.toMatchObject({ code: 'ENAMETOOLONG' });
    await expect(saveModel(join(root, 'other'), { config, ...weights, extra: { [`${'a'.repeat(300)}.md`]: 'x' } })).rejects.toMatchObject({ code: 'ENAMETOOLONG' });
    expect(await readdir(root)).toEqual(['model']);
    expect((await readdir(join(root, 'model'))).sort()).toEqual(['config.json', 'discriminator.safetensors', 'generator.safetensors']);
  });
});
