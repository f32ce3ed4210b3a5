import { describe, expect, it } from 'vitest';
import { parseModelConfig } from './load.js';
import { ModelFileError } from './errors.js';
import type { ModelConfig, Sg2GeneratorConfig } from './config.js';
import { synthesisLayers } from '../stylegan/arch.js';

// The example from the format's description.
const example: ModelConfig & { generator: Sg2GeneratorConfig } = {
  format: 'stylegraph.model',
  formatVersion: 1,
  name: 'example',
  generator: {
    zDim: 512, cDim: 0, wDim: 512, numWs: 8, resolution: 32, imgChannels: 3,
    mapping: { numLayers: 8, lrMultiplier: 0.01 },
    channels: { '4': 64, '8': 64, '16': 32, '32': 16 },
    convClamp: null, architecture: 'skip',
  },
  discriminator: {
    architecture: 'resnet', cDim: 0, resolution: 32, imgChannels: 3,
    channels: { '32': 16, '16': 32, '8': 64, '4': 64 },
    cmapDim: null, mbstdGroupSize: 4, mbstdNumChannels: 1, convClamp: null, mapping: null,
  },
};
const conditional = {
  ...example,
  generator: { ...example.generator, cDim: 10 },
  discriminator: { ...example.discriminator!, cDim: 10, cmapDim: 64, mapping: { numLayers: 8, lrMultiplier: 0.01 } },
};

type Patch = { generator?: object; discriminator?: object | null; [k: string]: unknown };
const withPatch = (base: typeof example, p: Patch) => ({
  ...base,
  ...p,
  generator: { ...base.generator, ...p.generator },
  discriminator: p.discriminator === null ? null : { ...base.discriminator!, ...p.discriminator },
});
const parse = (v: unknown) => parseModelConfig(JSON.stringify(v));

describe('config.json', () => {
  it('accepts the documented example, a class-conditional model and a generator-only one', () => {
    expect(parse(example)).toEqual(example);
    expect(parse(conditional)).toEqual(conditional);
    expect(parse({ ...example, discriminator: null, description: 'd', license: 'CC0' }).discriminator).toBeNull();
    expect(parseModelConfig(new TextEncoder().encode(JSON.stringify(example))).name).toBe('example');
  });

  const bad: [string, unknown, RegExp][] = [
    ['a wrong format', { ...example, format: 'other' }, /^format: /],
    ['a future formatVersion', { ...example, formatVersion: 2 }, /^formatVersion: /],
    ['an unknown key', { ...example, extra: 1 }, /Unrecognized key.*extra/],
    ['an empty name', { ...example, name: '' }, /^name: /],
    ['a resolution that is not a power of two', withPatch(example, { generator: { resolution: 24 } }), /generator\.resolution: resolution must be a power of two/],
    ['a resolution below 4', withPatch(example, { generator: { resolution: 2 } }), /generator\.resolution: /],
    ['a resolution above 4096', withPatch(example, { generator: { resolution: 8192 } }), /generator\.resolution: /],
    ['numWs not matching the resolution', withPatch(example, { generator: { numWs: 9 } }), /generator\.numWs: resolution 32 needs numWs 8, not 9/],
    ['a missing channel count', withPatch(example, { generator: { channels: { '4': 64, '8': 64, '32': 16 } } }), /generator\.channels\.16: no channel count for resolution 16/],
    ['a channel count for a resolution the network lacks', withPatch(example, { generator: { channels: { ...example.generator.channels, '64': 8 } } }), /generator\.channels\.64: resolution 64 is not a block/],
    ['zero channels', withPatch(example, { generator: { channels: { ...example.generator.channels, '8': 0 } } }), /generator\.channels\.8: /],
    ['fractional channels', withPatch(example, { generator: { channels: { ...example.generator.channels, '8': 1.5 } } }), /generator\.channels\.8: /],
    ['too many channels', withPatch(example, { generator: { channels: { ...example.generator.channels, '8': 4097 } } }), /generator\.channels\.8: /],
    ['a huge zDim', withPatch(example, { generator: { zDim: 1e6 } }), /generator\.zDim: /],
    ['a negative cDim', withPatch(example, { generator: { cDim: -1 } }), /generator\.cDim: /],
    ['zDim and cDim both 0', withPatch(example, { generator: { zDim: 0 } }), /generator\.zDim: zDim and cDim cannot both be 0/],
    ['no mapping layers', withPatch(example, { generator: { mapping: { numLayers: 0, lrMultiplier: 0.01 } } }), /generator\.mapping\.numLayers: /],
    ['a negative conv clamp', withPatch(example, { generator: { convClamp: -1 } }), /generator\.convClamp: /],
    ['another architecture', withPatch(example, { generator: { architecture: 'resnet' } }), /generator\.architecture: /],
    ['a discriminator of another resolution', withPatch(example, { discriminator: { resolution: 16, channels: { '16': 32, '8': 64, '4': 64 } } }), /discriminator\.resolution: is 16 but the generator's is 32/],
    ['a discriminator with other classes', withPatch(conditional, { discriminator: { cDim: 5 } }), /discriminator\.cDim: is 5 but the generator's is 10/],
    ['a conditional discriminator without cmapDim', withPatch(conditional, { discriminator: { cmapDim: null } }), /discriminator\.cmapDim: .*needs cmapDim/],
    ['a conditional discriminator without mapping', withPatch(conditional, { discriminator: { mapping: null } }), /discriminator\.mapping: .*needs mapping/],
    ['cmapDim without classes', withPatch(example, { discriminator: { cmapDim: 64 } }), /discriminator\.cmapDim: must be null when cDim is 0/],
    ['mbstd channels not dividing the channels at 4', withPatch(example, { discriminator: { mbstdNumChannels: 3 } }), /discriminator\.mbstdNumChannels: channels at 4 \(64\) must be a multiple of mbstdNumChannels \(3\)/],
    ['a missing discriminator key', (({ discriminator: _d, ...rest }) => rest)(example), /^discriminator: /],
  ];
  it.each(bad)('refuses %s', (_what, value, message) => {
    let error: unknown;
    try {
      parse(value);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ModelFileError);
    expect((error as ModelFileError).code).toBe('CONFIG_INVALID');
    expect((error as ModelFileError).message.startsWith('config.json: ')).toBe(true);
    expect((error as ModelFileError).detail).toMatch(message);
  });

  it('refuses text that is not JSON, naming the file', () => {
    expect(() => parseModelConfig('{', 'models/x/config.json')).toThrow(/^models\/x\/config\.json: is not valid UTF-8 JSON/);
    expect(() => parseModelConfig(Uint8Array.from([0x7b, 0xff, 0x7d]))).toThrow(/is not valid UTF-8 JSON/);
  });

  it('reports how many further problems there are', () => {
    expect(() => parse(withPatch(example, { generator: { numWs: 9, zDim: -1, cDim: -1 } }))).toThrow(
      "config.json: generator.zDim: Too small: expected number to be >=0 (and 3 more: generator.cDim: Too small: expected number to be >=0; generator.numWs: resolution 32 needs numWs 8, not 9; discriminator.cDim: is 0 but the generator's is -1)",
    );
  });

  it('refuses any value of the wrong type anywhere with a CONFIG_INVALID error', () => {
    const weird = [null, '32', -1, 1.5, 1e300, [], {}, true];
    const paths: string[][] = [];
    const walk = (v: unknown, path: string[]) => {
      paths.push(path);
      if (v && typeof v === 'object') for (const [k, c] of Object.entries(v)) walk(c, [...path, k]);
    };
    walk(conditional, []);
    let refused = 0;
    for (const path of paths.slice(1)) {
      for (const w of weird) {
        const value = structuredClone(conditional) as Record<string, unknown>;
        let at = value;
        for (const k of path.slice(0, -1)) at = at[k] as Record<string, unknown>;
        at[path.at(-1)!] = w;
        try {
          parse(value);
        } catch (e) {
          if (!(e instanceof ModelFileError) || e.code !== 'CONFIG_INVALID') throw e;
          refused++;
        }
      }
    }
    // Some substitutions are valid (a null clamp, a longer name); most are not.
    expect(refused).toBeGreaterThan(paths.length * weird.length * 0.8);
  });
});

describe('the layers a config implies', () => {
  it('lists every synthesis layer in order with its channels and w index (ToRGB shares its index with the next conv0)', () => {
    // By hand for the 32 px example: block 4 reads ws[0..2) and advances 1; later blocks read 3 and advance 2.
    const layers = synthesisLayers(parse(example).generator as Sg2GeneratorConfig).map((l) => [l.name, l.res, l.inChannels, l.outChannels, l.wIndex]);
    expect(layers).toEqual([
      ['b4.conv1', 4, 64, 64, 0], ['b4.torgb', 4, 64, 3, 1],
      ['b8.conv0', 8, 64, 64, 1], ['b8.conv1', 8, 64, 64, 2], ['b8.torgb', 8, 64, 3, 3],
      ['b16.conv0', 16, 64, 32, 3], ['b16.conv1', 16, 32, 32, 4], ['b16.torgb', 16, 32, 3, 5],
      ['b32.conv0', 32, 32, 16, 5], ['b32.conv1', 32, 16, 16, 6], ['b32.torgb', 32, 16, 3, 7],
    ]);
    expect(Math.max(...layers.map((l) => l[4] as number)) + 1).toBe(example.generator.numWs);
  });
});
