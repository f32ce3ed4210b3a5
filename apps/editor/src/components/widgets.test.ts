/** The built-in plugins' params, as the server describes them, get the editor's widgets through their schema metadata. */
import { describe, expect, it } from 'vitest';
import { browserRegistry } from '../browser/registry';
import { fieldKind, type JsonSchema } from './schema';

const kinds = () => {
  const out: Record<string, string> = {};
  for (const info of browserRegistry.describeAll()) {
    for (const [name, s] of Object.entries((info.params as JsonSchema).properties ?? {})) {
      const f = fieldKind(s, { file: info.fileParams.includes(name) });
      out[`${info.type}.${name}`] = f.kind === 'layers' ? `layers:${f.space}` : f.kind;
    }
  }
  return out;
};

describe('widgets of the built-in nodes', () => {
  it('come from .meta() and fileParams', () => {
    const k = kinds();
    expect(k).toMatchObject({
      'stylegan/SeedLatents.seeds': 'seeds',
      'faces/RenderFaces.seeds': 'seeds',
      'stylegan/Noise.seed': 'seed',
      'stylegan/MeanW.seed': 'seed',
      'std/RandomNormal.seed': 'seed',
      'stylegan/Noise.layers': 'layers:noise',
      'stylegan/StyleMix.layers': 'layers:ws',
      'stylegan/LatentEdit.layers': 'layers:ws',
      'stylegan/LoadGenerator.path': 'file',
      'stylegan/LoadW.path': 'file',
      'stylegan/LatentEdit.direction': 'file',
      'io/LoadImage.path': 'file',
    });
    // Every seed, seed list and layer picker is declared: none is left to the param's name.
    const named = Object.entries(k).filter(([p]) => /\.(seeds?|layers)$/.test(p));
    expect(named.filter(([, v]) => !/^(seeds?|layers:)/.test(v))).toEqual([]);
  });
});
