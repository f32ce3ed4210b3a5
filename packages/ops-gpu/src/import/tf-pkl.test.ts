/**
 * Original TensorFlow StyleGAN2 / StyleGAN2-ADA pickles (tools/pkl/make_tf_fixtures.py: the
 * weights of the PyTorch fixtures under TF's names and layouts) import to exactly the models of
 * their PyTorch twins, generate the reference image, and broken or hostile ones are refused with
 * one clear error naming the network and variable, executing nothing.
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { Tensor } from '@stylegraph/core';
import { createNodeCompute } from '../compute/node.js';
import { readSafetensors } from '../model/safetensors.js';
import { StyleGAN2 } from '../stylegan/generator.js';
import { readCheckpoint } from './checkpoint.js';
import { readNvidiaPickle } from './nvidia-pkl.js';
import { refersToTfNetwork, readTfPickle } from './tf-pkl.js';
import { OP, PickleWriter } from '../testing/pickle-writer.js';
import { fails } from '../testing/checkpoint-fails.js';

const dir = fileURLToPath(new URL('../../fixtures/pkl/', import.meta.url));
const bytesOf = async (name: string) => new Uint8Array(await readFile(`${dir}${name}`));
const bits = (t: Tensor) => Buffer.from(t.data.buffer, t.data.byteOffset, t.data.byteLength);

const utf8 = (s: string) => new TextEncoder().encode(s);
/** Replaces the first string operand `from` (BINUNICODE or SHORT_BINUNICODE) with `to`. */
function renamed(bytes: Uint8Array, from: string, to: string): Uint8Array {
  const buf = Buffer.from(bytes);
  const f = utf8(from);
  const t = utf8(to);
  const long = Buffer.concat([Uint8Array.of(OP.BINUNICODE), new Uint8Array(new Uint32Array([f.length]).buffer), f]);
  const short = Buffer.concat([Uint8Array.of(OP.SHORT_BINUNICODE, f.length), f]);
  const [i, op] = [buf.indexOf(long), buf.indexOf(short)].map((x, k) => [x, k] as const).filter(([x]) => x >= 0).sort((a, b) => a[0] - b[0])[0] ?? [-1, 0];
  if (i < 0) throw new Error(`no string ${from}`);
  const head = op === 0 ? Buffer.concat([Uint8Array.of(OP.BINUNICODE), new Uint8Array(new Uint32Array([t.length]).buffer)]) : Uint8Array.of(OP.SHORT_BINUNICODE, t.length);
  return new Uint8Array(Buffer.concat([buf.subarray(0, i), head, t, buf.subarray(i + (op === 0 ? 5 : 2) + f.length)]));
}

describe('TensorFlow StyleGAN2 pickles', () => {
  it.each([
    ['tf-a32.pkl', 'a32'], // original StyleGAN2 layout, protocol 3, dense weights in Fortran order
    ['tf-b64.pkl', 'b64'], // StyleGAN2-ADA layout, class-conditional, conv_clamp 256, protocol 4
  ])('%s imports to exactly the model of its PyTorch twin and generates its image', async (file, twin) => {
    const tf = await readCheckpoint(await bytesOf(file), file);
    const pt = await readCheckpoint(await bytesOf(`${twin}.pkl`), `${twin}.pkl`);
    expect(tf.config).toEqual({ ...pt.config, name: `tf-${twin}` });
    for (const part of ['generator', 'discriminator'] as const) {
      const a = tf.weights[part]!;
      const b = pt.weights[part]!;
      expect([...a.keys()].sort()).toEqual([...b.keys()].sort());
      for (const [k, t] of b) {
        expect(a.get(k)!.dims, k).toEqual(t.dims);
        expect(bits(a.get(k)!).equals(bits(t)), `${part} ${k} differs`).toBe(true);
      }
    }
    const expected = readSafetensors(await bytesOf(`${twin}.expected.safetensors`)).tensors as Map<string, Tensor<'float32'>>;
    const { img } = await new StyleGAN2(tf, createNodeCompute({ backend: 'cpu' })).synthesis(expected.get('ws')!, { noise: 'const' });
    const ref = expected.get('img_const')!;
    let err = 0;
    for (let i = 0; i < ref.data.length; i++) err = Math.max(err, Math.abs(img.data[i]! - ref.data[i]!));
    expect(err).toBeLessThanOrEqual(1e-4);
  });

  it('reads the same through readTfPickle; readNvidiaPickle points TF pickles to readCheckpoint', async () => {
    const bytes = await bytesOf('tf-a32.pkl');
    const viaCheckpoint = await readCheckpoint(bytes, 'tf-a32.pkl');
    expect((await readTfPickle(bytes, 'tf-a32.pkl')).config).toEqual(viaCheckpoint.config);
    expect(await fails(readNvidiaPickle(bytes, 'tf-a32.pkl'))).toEqual({
      code: 'CHECKPOINT_UNSUPPORTED',
      message: expect.stringContaining('original TensorFlow StyleGAN/StyleGAN2 pickle (it refers to dnnlib.tflib.network.Network), not a PyTorch one; import it with readCheckpoint'),
    });
  });

  it('takes a lone generator Network as Gs, without a discriminator', async () => {
    const bytes = await bytesOf('tf-a32.pkl');
    // Drop the closing TUPLE3 + LONG_BINPUT: STOP then returns the last network, Gs.
    expect(Array.from(bytes.subarray(-7, -5))).toEqual([OP.TUPLE3, OP.LONG_BINPUT]);
    const lone = Uint8Array.from([...bytes.subarray(0, -7), OP.STOP]);
    const model = await readCheckpoint(lone, 'gs.pkl');
    expect(model.discriminator).toBeNull();
    const twin = await readCheckpoint(await bytesOf('a32.pkl'), 'a32.pkl');
    expect(model.config.generator).toEqual(twin.config.generator);
  });

  it('sends pickles naming dnnlib.tflib to the TensorFlow reader, and no others', async () => {
    for (const f of ['tf-a32.pkl', 'tf-b64.pkl', 'tensorflow.pkl', 'tf-evil.pkl']) expect(refersToTfNetwork(await bytesOf(f)), f).toBe(true);
    for (const f of ['a32.pkl', 'b64.pkl', 'stylegan3.pkl', 'evil-os-system.pkl']) expect(refersToTfNetwork(await bytesOf(f)), f).toBe(false);
    // In a string that is not a global's module name, it does not count.
    expect(refersToTfNetwork(new PickleWriter(2).dict((d) => void d.str('src').str('import dnnlib.tflib.network as n')).stop())).toBe(false);
    expect(refersToTfNetwork(new PickleWriter(4).stackGlobal('dnnlib.tflib.network', 'Network').stop())).toBe(true);
  });
});

describe('broken and hostile TensorFlow pickles', () => {
  const cases = [
    ['tf-wrong-shape.pkl', 'CHECKPOINT_STRUCTURE', "tf-wrong-shape.pkl: Gs variable synthesis/8x8/Conv0_up/weight, as PyTorch's synthesis.b8.conv0.weight, has shape [3, 3, 2, 2] but the config needs [2, 2, 3, 3]"],
    ['tf-not-array.pkl', 'CHECKPOINT_STRUCTURE', 'tf-not-array.pkl: Gs variable synthesis/8x8/Conv1/bias is a list, not a numpy array'],
    ['tensorflow.pkl', 'CHECKPOINT_STRUCTURE', 'tensorflow.pkl: the top-level Network is missing version, name, static_kwargs, components, build_func_name, variables from its pickled state'],
  ] as const;
  it.each(cases)('%s: one clear error naming the network and variable', async (file, code, message) => {
    expect(await fails(readCheckpoint(await bytesOf(file), file))).toEqual({ code, message: expect.stringContaining(message) });
  });

  it('refuses os.system among the variables, never running the build source', async () => {
    // tf-evil.pkl's build_module_src would touch the file when exec'd, and a variable calls posix.system.
    expect(await fails(readCheckpoint(await bytesOf('tf-evil.pkl'), 'tf-evil.pkl'))).toEqual({ code: 'CHECKPOINT_UNSUPPORTED', message: expect.stringContaining('tf-evil.pkl: refusing to load global posix.system') });
    expect(existsSync('/tmp/stylegraph-pwned')).toBe(false);
  });

  it('refuses truncated files and other top levels', async () => {
    const bytes = await bytesOf('tf-a32.pkl');
    expect(await fails(readCheckpoint(bytes.subarray(0, 5000), 'cut.pkl'))).toMatchObject({ code: 'CHECKPOINT_FORMAT', message: expect.stringContaining('truncated') });
    const pair = new PickleWriter(2).tuple((t) => void t.global('dnnlib.tflib.network', 'Network').op(OP.EMPTY_TUPLE, OP.NEWOBJ).int(1)).stop();
    expect((await fails(readCheckpoint(pair, 'p.pkl'))).message).toBe('p.pkl: expected the tuple (G, D, Gs) of dnnlib.tflib.network.Network objects a TensorFlow StyleGAN2 pickle holds, found a tuple of 2 items (a Network, a number)');
  });

  it.each([
    ['tf-b64.pkl', 'skip', 'resnet', 'CHECKPOINT_UNSUPPORTED', 'tf-b64.pkl: Gs: architecture "resnet" is not supported'],
    ['tf-b64.pkl', 'resnet', 'orig', 'CHECKPOINT_UNSUPPORTED', 'tf-b64.pkl: D: architecture "orig" is not supported'],
    ['tf-b64.pkl', 'D_main', 'D_stylegan2', 'CHECKPOINT_UNSUPPORTED', "D: the original StyleGAN2's class-conditional discriminator"],
    ['tf-b64.pkl', 'G_synthesis', 'G_synthesis_stylegan_revised', 'CHECKPOINT_UNSUPPORTED', 'Gs/synthesis is built by "G_synthesis_stylegan_revised"'],
    ['tf-a32.pkl', 'fused_modconv', 'mystery_kwarg', 'CHECKPOINT_UNSUPPORTED', 'Gs: static kwarg "mystery_kwarg" is not one stylegraph knows the meaning of'],
    ['tf-a32.pkl', 'Dense1/bias', 'LabelConcat/bias', 'CHECKPOINT_UNSUPPORTED', "Gs variable mapping/LabelConcat/bias is not part of a StyleGAN2 network stylegraph reads (the original StyleGAN2's label concatenation"],
    ['tf-a32.pkl', 'Dense1/weight', 'Dense7/weight', 'CHECKPOINT_STRUCTURE', 'tf-a32.pkl: Gs: static kwarg mapping_layers is 2 but its variables make it 1'],
    ['tf-a32.pkl', '32x32/ToRGB/bias', '32x32/ToRGB/beta', 'CHECKPOINT_UNSUPPORTED', 'Gs variable synthesis/32x32/ToRGB/beta is not part of a StyleGAN2 network'],
    ['tf-a32.pkl', '8x8/Skip/weight', '8x8/Skip/weigh', 'CHECKPOINT_UNSUPPORTED', 'D variable 8x8/Skip/weigh is not part of'],
  ] as const)('%s with %s renamed %s: refused, naming it', async (file, from, to, code, message) => {
    expect(await fails(readCheckpoint(renamed(await bytesOf(file), from, to), file))).toEqual({ code, message: expect.stringContaining(message) });
  });

  it('names missing variables by their TF names', async () => {
    // synthesis/8x8/Conv1/bias renamed to `lod`, which is skipped.
    const r = await fails(readCheckpoint(renamed(await bytesOf('tf-a32.pkl'), '8x8/Conv1/bias', 'lod'), 'm.pkl'));
    expect(r).toEqual({ code: 'CHECKPOINT_STRUCTURE', message: expect.stringContaining("m.pkl: Gs variable synthesis/8x8/Conv1/bias, as PyTorch's synthesis.b8.conv1.bias, is missing") });
  });
});

describe('TensorFlow Network states', () => {
  /** A Network (NEWOBJ + BUILD) whose state dict `fill` writes. */
  const network = (w: PickleWriter, fill: (d: PickleWriter) => void) => w.global('dnnlib.tflib.network', 'Network').op(OP.EMPTY_TUPLE, OP.NEWOBJ).dict(fill).op(OP.BUILD);
  const state = (version: number, extra: (d: PickleWriter) => void = () => {}) => (d: PickleWriter) => {
    d.str('version').int(version).str('name').str('Gs').str('static_kwargs').dict(() => {}).str('build_module_src').str('import os; os.system("id")');
    d.str('build_func_name').str('G_main');
    extra(d);
  };
  const read = (bytes: Uint8Array) => fails(readCheckpoint(bytes, 's.pkl'));

  it('refuses other versions, malformed fields and variables, and components that contain themselves', async () => {
    const v3 = network(new PickleWriter(2), state(3, (d) => void d.str('components').dict(() => {}).str('variables').list(() => {}))).stop();
    expect((await read(v3)).message).toBe("s.pkl: the top-level Network has pickle version 3; stylegraph reads versions 4 and 5 (StyleGAN2, StyleGAN2-ADA), not StyleGAN1's");
    const badVars = network(new PickleWriter(2), state(4, (d) => void d.str('components').dict(() => {}).str('variables').list((l) => void l.str('dlatent_avg')))).stop();
    expect((await read(badVars)).message).toBe('s.pkl: the top-level Network lists a variable that is a string, not a (name, numpy array) pair');
    const comps = network(new PickleWriter(2), state(4, (d) => void d.str('components').list(() => {}).str('variables').list(() => {}))).stop();
    expect((await read(comps)).message).toBe('s.pkl: the top-level Network has components that are a list, not a dict');
    // The network is memoized right after NEWOBJ and named as its own mapping component.
    const loop = new PickleWriter(2).global('dnnlib.tflib.network', 'Network').op(OP.EMPTY_TUPLE, OP.NEWOBJ, OP.BINPUT, 9);
    loop.dict(state(4, (d) => void d.str('components').dict((c) => void c.str('mapping').op(OP.BINGET, 9)).str('variables').list(() => {}))).op(OP.BUILD);
    expect((await read(loop.stop())).message).toBe('s.pkl: the top-level Network has component mapping that contains itself');
    const noSynthesis = network(new PickleWriter(2), state(4, (d) => void d.str('components').dict(() => {}).str('variables').list(() => {}))).stop();
    expect(await read(noSynthesis)).toEqual({ code: 'CHECKPOINT_STRUCTURE', message: 's.pkl: the top-level Network has no mapping component' });
  });
});
