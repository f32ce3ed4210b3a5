/**
 * NVIDIA network pickles built by hand (testing/network-pickle.ts): the state dicts read from
 * the module trees, the config inferred from init kwargs, module attributes and tensor shapes
 * (each source, and which wins), and the structural errors of malformed or hostile trees.
 */
import { describe, expect, it } from 'vitest';
import { sha256Hex } from '@stylegraph/core';
import { expectedDiscriminatorTensors, expectedGeneratorTensors } from '../model/state-dict.js';
import type { DiscriminatorConfig, GeneratorConfig, Sg2GeneratorConfig } from '../model/config.js';
import { TINY_D, TINY_G } from '../testing/tiny-configs.js';
import { CheckpointError, modelName, readNvidiaPickle } from './nvidia-pkl.js';
import { at, module, networkPickle, storageValue, treeOf, writeModule, type Module } from '../testing/network-pickle.js';
import { OP, type PickleWriter } from '../testing/pickle-writer.js';

const G = TINY_G;
const D = TINY_D;

const gen = (g: GeneratorConfig = G) => treeOf('training.networks.Generator', expectedGeneratorTensors(g));
const disc = (d: DiscriminatorConfig = D) => {
  const t = treeOf('training.networks.Discriminator', expectedDiscriminatorTensors(d));
  // The minibatch-stddev layer is a module without tensors.
  at(t, 'b4').modules.set('mbstd', module('training.networks.MinibatchStdLayer'));
  return t;
};

const read = (networks: Record<string, Module | ((w: PickleWriter) => void)>, file = 'net.pkl') => readNvidiaPickle(networkPickle(networks), file);
const error = async (networks: Record<string, Module | ((w: PickleWriter) => void)>) => {
  try {
    await read(networks);
  } catch (e) {
    expect(e).toBeInstanceOf(CheckpointError);
    return { code: (e as CheckpointError).code, message: (e as Error).message };
  }
  throw new Error('loaded');
};

describe('network pickles: state dicts', () => {
  it('reads every tensor of G_ema and D under its NVIDIA name, with its values', async () => {
    const bytes = networkPickle({ G_ema: gen(), D: disc() });
    const model = await readNvidiaPickle(bytes, 'nets/snap-000010.pkl');
    expect([...model.weights.generator.keys()].sort()).toEqual([...expectedGeneratorTensors(G).keys()].sort());
    expect([...model.weights.discriminator!.keys()].sort()).toEqual([...expectedDiscriminatorTensors(D).keys()].sort());
    const fc0 = model.weights.generator.get('mapping.fc0.weight')!;
    expect(fc0.dims).toEqual([4, 3]);
    expect(Array.from(fc0.data)).toEqual(Array.from({ length: 12 }, (_, k) => storageValue(k)));
    expect(Array.from(model.weights.discriminator!.get('b4.fc.bias')!.data)).toEqual([0, 1, 2, 3].map(storageValue));
    expect(model.config.name).toBe('snap-000010');
    expect(model.contentHash).toBe(await sha256Hex(bytes));
    expect(model.generator).toEqual(model.config.generator);
    expect(model.discriminator).toEqual(model.config.discriminator);
  });

  it('skips non-persistent buffers and None entries, but not a persistent buffer of the same name elsewhere', async () => {
    const g = gen();
    const b8 = at(g, 'synthesis.b8');
    b8.buffers.set('scratch', [5]);
    b8.nonPersistent.push('scratch');
    b8.parameters.set('unused_bias', null);
    b8.buffers.set('unused_buf', null);
    const model = await read({ G_ema: g });
    expect(model.weights.generator.has('synthesis.b8.scratch')).toBe(false);
    expect(model.weights.generator.has('synthesis.b8.unused_bias')).toBe(false);
    // A parameter named like a non-persistent buffer is still a parameter.
    at(g, 'synthesis.b8').parameters.set('scratch', [5]);
    await expect(read({ G_ema: g })).rejects.toThrow(/synthesis\.b8\.scratch/);
  });

  it('reads a generator-only pickle, and G when there is no G_ema (G_ema first when both are there)', async () => {
    expect((await read({ G: gen() })).config.discriminator).toBeNull();
    const other = gen({ ...G, wDim: 5 });
    const both = await read({ G: other, G_ema: gen() });
    expect(both.config.generator.wDim).toBe(4);
    const onlyG = await read({ G: other });
    expect(onlyG.config.generator.wDim).toBe(5);
    // A D that is no network is ignored.
    expect((await read({ G_ema: gen(), D: (w) => void w.str('not a network') })).config.discriminator).toBeNull();
  });

  it('names a parameter that is not a tensor', async () => {
    const g = gen();
    at(g, 'mapping.fc1').raw.set('_parameters', (w) => void w.dict((d) => void d.str('weight').str('oops')));
    expect(await error({ G_ema: g })).toEqual({ code: 'CHECKPOINT_STRUCTURE', message: 'mapping.fc1.weight is not a tensor' });
  });

  it('refuses a module that contains itself, and trees nested or shared beyond the limits', async () => {
    // The state dict is memoized before the object exists, and gets `_modules = {self: obj}` after.
    const selfish = (w: PickleWriter) => {
      w.op(OP.EMPTY_DICT).op(OP.LONG_BINPUT).u32(7).op(OP.POP);
      w.call('torch_utils.persistence', '_reconstruct_persistent_obj', (a) =>
        a.dict((m) => void m.str('type').str('class').str('class_name').str('Loop').str('state').op(OP.LONG_BINGET).u32(7)),
      );
      w.op(OP.LONG_BINPUT).u32(8);
      w.op(OP.LONG_BINGET).u32(7).str('_modules').dict((d) => void d.str('again').op(OP.LONG_BINGET).u32(8)).op(OP.SETITEM).op(OP.POP);
    };
    expect(await error({ G_ema: selfish })).toEqual({ code: 'CHECKPOINT_STRUCTURE', message: 'module again contains itself' });

    const deep = treeOf('Deep', new Map([[`${Array.from({ length: 70 }, (_, i) => `m${i}`).join('.')}.w`, [1]]]));
    expect(await error({ G_ema: deep })).toEqual({ code: 'CHECKPOINT_STRUCTURE', message: "the network's modules nest more than 64 deep" });
    // 64 levels are fine (the tree then fails later, for want of a mapping network).
    const ok = treeOf('Deep', new Map([[`${Array.from({ length: 63 }, (_, i) => `m${i}`).join('.')}.w`, [1]]]));
    expect((await error({ G_ema: ok })).message).toContain('G_ema has no mapping network');

    // Each level holds the one below twice: 2^18 places for 18 modules.
    const shared = (w: PickleWriter) => {
      w.call('torch_utils.persistence', '_reconstruct_persistent_obj', (a) => a.dict((m) => void m.str('type').str('class').str('class_name').str('L').str('state').op(OP.EMPTY_DICT)));
      for (let i = 0; i < 18; i++) {
        w.op(OP.LONG_BINPUT).u32(200 + i).op(OP.POP);
        w.call('torch_utils.persistence', '_reconstruct_persistent_obj', (a) =>
          a.dict((m) => {
            m.str('type').str('class').str('class_name').str('L').str('state');
            m.dict((s) => void s.str('_modules').dict((d) => void d.str('a').op(OP.LONG_BINGET).u32(200 + i).str('b').op(OP.LONG_BINGET).u32(200 + i)));
          }),
        );
      }
    };
    expect(await error({ G_ema: shared })).toEqual({ code: 'CHECKPOINT_STRUCTURE', message: 'the network has more than 65536 modules' });
  });
});

describe('network pickles: the inferred config', () => {
  it('infers every generator and discriminator setting from the tensor shapes alone', async () => {
    const model = await read({ G_ema: gen(), D: disc() });
    expect(model.config.generator).toEqual(G);
    expect(model.config.discriminator).toEqual(D);
  });

  it('infers z, c and w sizes, image channels, mapping depth and channels of a larger generator', async () => {
    const g: GeneratorConfig = { ...(G as Sg2GeneratorConfig), zDim: 5, cDim: 2, wDim: 6, resolution: 16, numWs: 6, imgChannels: 1, mapping: { numLayers: 3, lrMultiplier: 0.01 }, channels: { '4': 8, '8': 4, '16': 2 } };
    const model = await read({ G_ema: gen(g) });
    expect(model.config.generator).toEqual(g);
  });

  it('takes resolution, lr multiplier and conv clamp from init kwargs', async () => {
    const g = gen();
    g.kwargs = { z_dim: 3, w_dim: 4, img_resolution: 8, mapping_kwargs: { lr_multiplier: 0.5 }, synthesis_kwargs: { conv_clamp: 256 } };
    const d = disc();
    d.kwargs = { img_resolution: 8, conv_clamp: 128, epilogue_kwargs: { mbstd_group_size: 8 } };
    const model = await read({ G_ema: g, D: d });
    expect(model.config.generator).toEqual({ ...G, mapping: { numLayers: 2, lrMultiplier: 0.5 }, convClamp: 256 });
    expect(model.config.discriminator).toEqual({ ...D, convClamp: 128, mbstdGroupSize: 8 });
  });

  it('prefers the layers’ own attributes to init kwargs', async () => {
    const g = gen();
    g.kwargs = { img_resolution: 8, mapping_kwargs: { lr_multiplier: 0.5 }, synthesis_kwargs: { conv_clamp: 256 } };
    at(g, 'mapping.fc0').attrs.bias_gain = 0.25;
    at(g, 'synthesis.b8.conv1').attrs.conv_clamp = 64;
    // Attributes of other layers do not count.
    at(g, 'mapping.fc1').attrs.bias_gain = 0.75;
    at(g, 'synthesis.b4.conv1').attrs.conv_clamp = 32;
    const d = disc();
    d.kwargs = { conv_clamp: 128, epilogue_kwargs: { mbstd_group_size: 8 } };
    at(d, 'b8.conv0').attrs.conv_clamp = 16;
    at(d, 'b4.mbstd').attrs = { group_size: 2, num_channels: 1 };
    const model = await read({ G_ema: g, D: d });
    expect(model.config.generator.mapping.lrMultiplier).toBe(0.25);
    expect(model.config.generator.convClamp).toBe(64);
    expect(model.config.discriminator!.convClamp).toBe(16);
    expect(model.config.discriminator!.mbstdGroupSize).toBe(2);
  });

  it('reads a None conv clamp as no clamp, and non-numbers as absent', async () => {
    const g = gen();
    g.kwargs = { img_resolution: 8, mapping_kwargs: { lr_multiplier: '0.5' }, synthesis_kwargs: { conv_clamp: null } };
    at(g, 'synthesis.b8.conv1').attrs.conv_clamp = null;
    const model = await read({ G_ema: g });
    expect(model.config.generator.convClamp).toBeNull();
    expect(model.config.generator.mapping.lrMultiplier).toBe(0.01);
    const g2 = gen();
    at(g2, 'synthesis.b8.conv1').attrs.conv_clamp = 'high';
    expect((await read({ G_ema: g2 })).config.generator.convClamp).toBeNull();
  });

  it('uses the img_resolution kwarg over the blocks found, and refuses a mismatch', async () => {
    const g = gen();
    g.kwargs = { img_resolution: 16 };
    expect(await error({ G_ema: g })).toEqual({ code: 'CHECKPOINT_STRUCTURE', message: expect.stringMatching(/^the networks do not form a supported StyleGAN2 config: generator\.channels\.16: no channel count for resolution 16/) });
  });

  it('infers mbstd channels from the epilogue conv, and a class-conditional discriminator', async () => {
    const d2 = await read({ G_ema: gen(), D: disc({ ...D, mbstdNumChannels: 2 }) });
    expect(d2.config.discriminator!.mbstdNumChannels).toBe(2);
    const g = { ...G, cDim: 3 };
    const dc: DiscriminatorConfig = { ...D, cDim: 3, cmapDim: 5, mapping: { numLayers: 2, lrMultiplier: 0.01 } };
    const d = disc(dc);
    const cond = await read({ G_ema: gen(g), D: d });
    expect(cond.config.discriminator).toEqual(dc);
    at(d, 'mapping.fc0').attrs.bias_gain = 0.1;
    expect((await read({ G_ema: gen(g), D: d })).config.discriminator!.mapping).toEqual({ numLayers: 2, lrMultiplier: 0.1 });
  });

  it('refuses a generator without a mapping network, and a config the schema rejects', async () => {
    const g = gen();
    at(g, 'mapping').buffers.delete('w_avg');
    expect(await error({ G_ema: g })).toEqual({ code: 'CHECKPOINT_STRUCTURE', message: 'G_ema has no mapping network (mapping.fc0, mapping.w_avg)' });
    const noFc = gen();
    at(noFc, 'mapping').modules.delete('fc0');
    expect((await error({ G_ema: noFc })).message).toBe('G_ema has no mapping network (mapping.fc0, mapping.w_avg)');
    // The D's resolution must be the G's.
    const model = await error({ G_ema: gen(), D: disc({ ...D, resolution: 16, channels: { '4': 4, '8': 2, '16': 2 } }) });
    expect(model).toEqual({ code: 'CHECKPOINT_STRUCTURE', message: "the networks do not form a supported StyleGAN2 config: discriminator.resolution: is 16 but the generator's is 8" });
  });

  it('checks the tensors against the config: a missing or misshapen tensor is named', async () => {
    const g = gen();
    at(g, 'synthesis.b8.conv0').buffers.delete('noise_const');
    await expect(read({ G_ema: g })).rejects.toThrow(/net\.pkl \(generator\).*synthesis\.b8\.conv0\.noise_const/s);
    const d = disc();
    at(d, 'b8.skip').parameters.set('weight', [2, 2, 3, 3]);
    await expect(read({ G_ema: gen(), D: d })).rejects.toThrow(/net\.pkl \(discriminator\).*b8\.skip\.weight/s);
  });
});

describe('network pickles: what is refused before reading', () => {
  it('recognizes StyleGAN3 synthesis networks', async () => {
    for (const name of ['input', 'L0_36_512', 'L13_256_3']) {
      const g = gen();
      at(g, 'synthesis').modules.set(name, module('training.networks_stylegan3.SynthesisLayer'));
      expect(await error({ G_ema: g }), name).toEqual({ code: 'CHECKPOINT_STRUCTURE', message: 'the StyleGAN3 generator does not record img_resolution' });
    }
    // Names that only look similar (and hold no tensors) are read as StyleGAN2.
    for (const name of ['inputs', 'xL0_1', 'L_0', 'Lx_1', 'l0_1']) {
      const g = gen();
      at(g, 'synthesis').modules.set(name, module('Other'));
      expect((await read({ G_ema: g })).config.generator, name).toEqual(G);
    }
    // Only the synthesis network's own children count.
    const g = gen();
    at(g, 'mapping').modules.set('input', module('Other'));
    expect((await read({ G_ema: g })).config.generator).toEqual(G);
  });

  it('wants a dict with a G_ema (or G) network', async () => {
    const notDict = new Uint8Array([0x80, 2, OP.EMPTY_LIST, OP.STOP]);
    await expect(readNvidiaPickle(notDict, 'x.pkl')).rejects.toMatchObject({ code: 'CHECKPOINT_STRUCTURE', message: 'x.pkl: expected a dict with G_ema (an NVIDIA network pickle)' });
    await expect(read({ D: disc() }, 'x.pkl')).rejects.toMatchObject({ code: 'CHECKPOINT_STRUCTURE', message: 'x.pkl: has no G_ema network' });
    await expect(read({ G_ema: (w) => void w.str('x') }, 'x.pkl')).rejects.toMatchObject({ code: 'CHECKPOINT_STRUCTURE', message: 'x.pkl: has no G_ema network' });
  });

  it('accepts pickle protocols 2 to 5 only', async () => {
    const body = networkPickle({ G_ema: gen() });
    for (const p of [2, 3, 4, 5]) {
      const b = body.slice();
      b[1] = p;
      expect((await readNvidiaPickle(b, 'p.pkl')).config.generator, `protocol ${p}`).toEqual(G);
    }
    for (const bad of [[0x80, 1], [0x80, 6], [0x81, 2], [0x80], []]) {
      const b = new Uint8Array([...bad, ...body.subarray(bad.length)]);
      await expect(readNvidiaPickle(bad.length < 2 ? new Uint8Array(bad) : b, 'p.pkl'), JSON.stringify(bad)).rejects.toMatchObject({
        code: 'CHECKPOINT_FORMAT',
        message: 'p.pkl: not a Python pickle of protocol 2–5 (wrong magic bytes)',
      });
    }
  });

  it('maps unpickler errors to checkpoint errors: refused globals are unsupported, the rest malformed', async () => {
    await expect(readNvidiaPickle(new Uint8Array([0x80, 2, OP.EMPTY_DICT]), 'c.pkl')).rejects.toMatchObject({ code: 'CHECKPOINT_FORMAT', message: expect.stringContaining('c.pkl: ') });
    const refused = networkPickle({ G_ema: (w) => void w.global('os', 'system') });
    await expect(readNvidiaPickle(refused, 'c.pkl')).rejects.toMatchObject({ code: 'CHECKPOINT_UNSUPPORTED', message: expect.stringContaining('refusing to load global os.system') });
  });
});

describe('modelName', () => {
  it.each([
    ['network-snapshot-000100.pkl', 'network-snapshot-000100'],
    ['models/ffhq.pkl', 'ffhq'],
    ['C:\\models\\afhq.pt', 'afhq'],
    ['a/b\\c/state.pth', 'state'],
    ['g.safetensors', 'g'],
    ['x.pkl.pkl', 'x.pkl'],
    ['x.pkl.bak', 'x.pkl.bak'],
    ['x.PKL', 'x.PKL'],
    ['pkl', 'pkl'],
    ['dir.pkl/model', 'model'],
  ])('%s → %s', (file, name) => {
    expect(modelName(file)).toBe(name);
  });
});

describe('network pickles: odd names and trees', () => {
  it('names parameters whose keys are None, lists or globals without calling String() on objects', async () => {
    for (const [key, shown] of [
      [(w: PickleWriter) => void w.none(), 'null'],
      [(w: PickleWriter) => void w.op(OP.EMPTY_LIST), '[object]'],
      [(w: PickleWriter) => void w.global('collections', 'OrderedDict'), '[object]'],
      [(w: PickleWriter) => void w.int(7), '7'],
    ] as const) {
      const g = gen();
      at(g, 'mapping.fc1').raw.set('_parameters', (w) => {
        w.op(OP.EMPTY_DICT).mark();
        key(w);
        w.str('not a tensor').op(OP.SETITEMS);
      });
      expect(await error({ G_ema: g }), shown).toEqual({ code: 'CHECKPOINT_STRUCTURE', message: `mapping.fc1.${shown} is not a tensor` });
    }
  });

  it('skips submodules that are None', async () => {
    const g = gen();
    // `_modules` with a None entry, as torch keeps for optional layers.
    const b8 = at(g, 'synthesis.b8');
    const children = b8.modules;
    b8.modules = new Map();
    b8.raw.set('_modules', (w) => {
      w.dict((d) => {
        d.str('unused').none();
        for (const [k, m] of children) writeModule(d.str(k), m);
      });
    });
    expect((await read({ G_ema: g })).config.generator).toEqual(G);
  });

  it('allows exactly 65 536 module places', async () => {
    // A root with a leaf and two copies of a 15-level doubling tree: 1 + 1 + 2·(2^15 − 1) = 65 536.
    const tree = (w: PickleWriter) => {
      const leaf = (a: PickleWriter) => void a.dict((m) => void m.str('type').str('class').str('class_name').str('L').str('state').op(OP.EMPTY_DICT));
      w.call('torch_utils.persistence', '_reconstruct_persistent_obj', leaf);
      for (let i = 0; i < 14; i++) {
        w.op(OP.LONG_BINPUT).u32(300 + i).op(OP.POP);
        w.call('torch_utils.persistence', '_reconstruct_persistent_obj', (a) =>
          a.dict((m) => {
            m.str('type').str('class').str('class_name').str('L').str('state');
            m.dict((s) => void s.str('_modules').dict((d) => void d.str('a').op(OP.LONG_BINGET).u32(300 + i).str('b').op(OP.LONG_BINGET).u32(300 + i)));
          }),
        );
      }
      w.op(OP.LONG_BINPUT).u32(400).op(OP.POP);
      w.call('torch_utils.persistence', '_reconstruct_persistent_obj', (a) =>
        a.dict((m) => {
          m.str('type').str('class').str('class_name').str('Root').str('state');
          m.dict((s) => void s.str('_modules').dict((d) => {
            d.str('a').op(OP.LONG_BINGET).u32(400).str('b').op(OP.LONG_BINGET).u32(400).str('c');
            w.call('torch_utils.persistence', '_reconstruct_persistent_obj', leaf);
          }));
        }),
      );
    };
    expect((await error({ G_ema: tree })).message).toBe('G_ema has no mapping network (mapping.fc0, mapping.w_avg)');
  });

  it('finds the resolution from synthesis blocks only, and takes the D’s from its kwargs', async () => {
    const g = gen();
    g.modules.set('extra', treeOf('x', new Map([['synthesis.b64.w', [1]]])));
    await expect(read({ G_ema: g })).rejects.toThrow(/extra\.synthesis\.b64\.w/);
    const d = disc();
    d.kwargs = { img_resolution: 16 };
    expect((await error({ G_ema: gen(), D: d })).message).toMatch(/^the networks do not form a supported StyleGAN2 config: discriminator\./);
    const d2 = disc();
    d2.modules.set('extra', treeOf('x', new Map([['b32.w', [1]]])));
    await expect(read({ G_ema: gen(), D: d2 })).rejects.toThrow(/extra\.b32\.w/);
  });

  it('needs the epilogue conv, reads mbstd channels and image channels of D, and ignores a non-numeric clamp', async () => {
    const d = disc();
    at(d, 'b4').modules.delete('conv');
    expect((await error({ G_ema: gen(), D: d })).message).toBe('the networks do not form a supported StyleGAN2 config: discriminator.channels.4: no channel count for resolution 4');
    const m = disc();
    at(m, 'b4.mbstd').attrs.num_channels = 2;
    await expect(read({ G_ema: gen(), D: m })).rejects.toThrow(/b4\.conv\.weight/);
    const one = await read({ G_ema: gen({ ...G, imgChannels: 1 }), D: disc({ ...D, imgChannels: 1 }) });
    expect(one.config.discriminator!.imgChannels).toBe(1);
    const c = disc();
    at(c, 'b8.conv0').attrs.conv_clamp = 'high';
    expect((await read({ G_ema: gen(), D: c })).config.discriminator!.convClamp).toBeNull();
  });

  it('is a CheckpointError by name', async () => {
    const e = await read({ D: disc() }).catch((x: unknown) => x);
    expect((e as Error).name).toBe('CheckpointError');
  });
});
