import { existsSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { tensor, type Tensor } from '@stylegraph/core';
import { loadModel, type ModelFileSource } from './load.js';
import { ModelFileError } from './errors.js';
import { randomWeights, standardConfig } from './random.js';
import { expectedDiscriminatorTensors, expectedGeneratorTensors } from './state-dict.js';
import { writeSafetensors } from './safetensors.js';
import { folderSource } from './node-files.js';

const small = standardConfig({ resolution: 16, zDim: 8, wDim: 8, cDim: 2, mappingLayers: 2, channelBase: 64, channelMax: 16, convClamp: 256 });

function source(files: Record<string, Uint8Array | string>): ModelFileSource {
  return {
    read: async (n) => {
      const f = files[n];
      if (f === undefined) throw new Error(`no ${n}`);
      return typeof f === 'string' ? new TextEncoder().encode(f) : f;
    },
    exists: async (n) => n in files,
  };
}
/** A model folder of random weights, changed by `mutate`. */
function folder(mutate?: (g: Map<string, Tensor>, d: Map<string, Tensor>) => void, config: unknown = small) {
  const w = randomWeights(small, 1);
  const g = new Map<string, Tensor>(w.generator);
  const d = new Map<string, Tensor>(w.discriminator!);
  mutate?.(g, d);
  return { 'config.json': JSON.stringify(config), 'generator.safetensors': writeSafetensors(g), 'discriminator.safetensors': writeSafetensors(d) };
}
async function loadError(files: Record<string, Uint8Array | string>): Promise<ModelFileError> {
  const e: unknown = await loadModel(source(files)).then(
    () => undefined,
    (err: unknown) => err,
  );
  if (!(e instanceof ModelFileError)) throw new Error(`expected a ModelFileError, got ${String(e)}`);
  return e;
}

describe('loadModel', () => {
  it('loads a complete model folder with exactly the weights written', async () => {
    const w = randomWeights(small, 1);
    const m = await loadModel(source(folder()));
    expect(m.config).toEqual(small);
    expect(m.generator).toEqual(small.generator);
    expect(m.discriminator).toEqual(small.discriminator);
    expect(m.weights.generator).toEqual(w.generator);
    expect(m.weights.discriminator).toEqual(w.discriminator);
    expect(m.contentHash).toMatch(/^[0-9a-f]{64}$/);
  });

  it('hashes the content: the same files give the same hash, any change another', async () => {
    const base = await loadModel(source(folder()));
    expect((await loadModel(source(folder()))).contentHash).toBe(base.contentHash);
    const hashes = [
      await loadModel(source(folder((g) => g.set('mapping.w_avg', tensor('float32', [8]))))),
      await loadModel(source(folder((_g, d) => d.set('b4.out.bias', tensor('float32', [16]))))),
      await loadModel(source(folder(undefined, { ...small, name: 'renamed' }))),
    ].map((m) => m.contentHash);
    expect(new Set([base.contentHash, ...hashes]).size).toBe(4);
  });

  it('loads a generator-only model', async () => {
    const config = { ...small, discriminator: null };
    const { 'discriminator.safetensors': _d, ...files } = folder(undefined, config);
    const m = await loadModel(source(files));
    expect(m.weights.discriminator).toBeUndefined();
    expect(m.discriminator).toBeNull();
  });

  it('names the file and tensor of a missing, misshaped or extra tensor', async () => {
    let e = await loadError(folder((g) => g.delete('synthesis.b8.conv1.bias')));
    expect([e.code, e.file, e.tensor]).toEqual(['TENSOR_MISSING', 'generator.safetensors', 'synthesis.b8.conv1.bias']);
    expect(e.message).toBe('generator.safetensors: tensor "synthesis.b8.conv1.bias" is missing (the config needs shape [8])');
    e = await loadError(folder((g) => g.set('synthesis.b8.conv0.weight', tensor('float32', [8, 8, 3, 3]))));
    expect(e.code).toBe('TENSOR_SHAPE');
    expect(e.message).toBe('generator.safetensors: tensor "synthesis.b8.conv0.weight" has shape [8, 8, 3, 3] but the config needs [8, 16, 3, 3]');
    e = await loadError(folder((_g, d) => d.set('b4.extra', tensor('float32', [1]))));
    expect(e.code).toBe('TENSOR_UNEXPECTED');
    expect(e.message).toBe('discriminator.safetensors: tensor "b4.extra" is not part of the network the config describes');
    e = await loadError(folder((g) => g.set('synthesis.b4.const', tensor('int32', [16, 4, 4]))));
    expect(e.code).toBe('TENSOR_DTYPE');
    expect(e.message).toBe('generator.safetensors: tensor "synthesis.b4.const" has dtype int32; weights must be floating point');
  });

  it('reports every tensor problem of a file in one error', async () => {
    const e = await loadError(
      folder((g) => {
        g.delete('mapping.fc1.bias');
        g.set('mapping.fc0.bias', tensor('float32', [9]));
        g.set('synthesis.b32.const', tensor('float32', [1]));
      }),
    );
    expect([e.code, e.tensor]).toEqual(['TENSOR_SHAPE', 'mapping.fc0.bias']);
    expect(e.message).toBe(
      'generator.safetensors: tensor "mapping.fc0.bias" has shape [9] but the config needs [8] (and 2 more: tensor "mapping.fc1.bias" is missing (the config needs shape [8]); tensor "synthesis.b32.const" is not part of the network the config describes)',
    );
  });

  it('keeps the message short however many tensors are wrong', async () => {
    const e = await loadError(folder((g) => Array.from({ length: 10_000 }, (_, i) => g.set(`extra.${i}`, tensor('float32', [0])))));
    expect([e.code, e.tensor]).toEqual(['TENSOR_UNEXPECTED', 'extra.0']);
    expect(e.message).toBe(
      'generator.safetensors: tensor "extra.0" is not part of the network the config describes (and 9999 more: ' +
        // The writer stores names sorted: extra.1, extra.10, extra.100, …
        [1, 10, 100, 1000].map((i) => `tensor "extra.${i}" is not part of the network the config describes`).join('; ') +
        '; …)',
    );
  });

  it('refuses missing, unexpected and broken files', async () => {
    const { 'discriminator.safetensors': _d, ...noD } = folder();
    let e = await loadError(noD);
    expect([e.code, e.message]).toEqual(['FILE_MISSING', 'discriminator.safetensors: is missing from the model folder']);
    e = await loadError({ 'config.json': JSON.stringify(small) });
    expect([e.code, e.file]).toEqual(['FILE_MISSING', 'generator.safetensors']);
    e = await loadError({ 'generator.safetensors': new Uint8Array(8) });
    expect([e.code, e.file]).toEqual(['FILE_MISSING', 'config.json']);
    e = await loadError(folder(undefined, { ...small, discriminator: null }));
    expect([e.code, e.file]).toEqual(['FILE_UNEXPECTED', 'discriminator.safetensors']);
    e = await loadError({ ...folder(), 'config.json': '{"format": "stylegraph.model"' });
    expect([e.code, e.file]).toEqual(['CONFIG_INVALID', 'config.json']);
    e = await loadError({ ...folder(), 'generator.safetensors': new Uint8Array(20) });
    expect([e.code, e.file]).toEqual(['SAFETENSORS_HEADER', 'generator.safetensors']);
  });

  it('reads an optional encoder.onnx (not part of the content hash) and refuses one that is not an encoder', async () => {
    const { GraphBuilder } = await import('../onnx/builder.js');
    const b = new GraphBuilder();
    b.output('ws', b.relu(b.input('image', 'float32', ['B', 3, 16, 16])));
    const enc = b.toModel();
    const plain = await loadModel(source(folder()));
    const withEnc = await loadModel(source({ ...folder(), 'encoder.onnx': enc }));
    expect(plain.encoder).toBeUndefined();
    expect(withEnc.encoder!.bytes).toEqual(enc);
    expect(withEnc.encoder!.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(withEnc.contentHash).toBe(plain.contentHash);
    let e = await loadError({ ...folder(), 'encoder.onnx': new Uint8Array([1, 2, 3]) });
    expect([e.code, e.file]).toEqual(['FILE_INVALID', 'encoder.onnx']);
    const o = new GraphBuilder();
    o.output('features', o.relu(o.input('image', 'float32', ['B', 3, 16, 16])));
    e = await loadError({ ...folder(), 'encoder.onnx': o.toModel() });
    expect(e.message).toContain('needs one image input and a "ws" output');
  });

  it('checks weights against the config', async () => {
    const other = standardConfig({ resolution: 16, zDim: 8, wDim: 8, cDim: 2, mappingLayers: 2, channelBase: 128, channelMax: 16, convClamp: 256 });
    const e = await loadError(folder(undefined, other));
    expect(e.code).toBe('TENSOR_SHAPE');
    expect(e.file).toBe('generator.safetensors');
    expect(expectedGeneratorTensors(other.generator).size).toBe(expectedGeneratorTensors(small.generator).size);
  });
});

// Models made by the PyTorch reference (tools/sg2ref), when present.
const fixtureRoot = fileURLToPath(new URL('../../fixtures/', import.meta.url));
const fixtures = existsSync(fixtureRoot) ? readdirSync(fixtureRoot).filter((n) => existsSync(`${fixtureRoot}${n}/config.json`)) : [];
describe.runIf(fixtures.length > 0)('reference fixtures', () => {
  it.each(fixtures)('%s loads with every tensor the config implies', async (name) => {
    const m = await loadModel(folderSource(`${fixtureRoot}${name}`));
    expect(m.config.name.length).toBeGreaterThan(0);
    expect([...m.weights.generator.keys()].sort()).toEqual([...expectedGeneratorTensors(m.config.generator).keys()].sort());
    if (m.config.discriminator) expect(m.weights.discriminator!.size).toBe(expectedDiscriminatorTensors(m.config.discriminator).size);
    for (const t of m.weights.generator.values()) expect(t.data.every(Number.isFinite)).toBe(true);
  });
});
