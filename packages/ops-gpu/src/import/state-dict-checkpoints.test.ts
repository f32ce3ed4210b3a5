/**
 * State-dict checkpoints built by hand: `torch.save` zip archives (data.pkl + data/<key>
 * storages) and safetensors, with unprefixed, `G_ema.`, `G.` and `D.` keys; which format a
 * file is taken for; and the errors of malformed archives.
 */
import { describe, expect, it } from 'vitest';
import { tensor, type Tensor } from '@stylegraph/core';
import { expectedDiscriminatorTensors, expectedGeneratorTensors } from '../model/state-dict.js';
import { TINY_D, TINY_G } from '../testing/tiny-configs.js';
import { writeSafetensors } from '../model/safetensors.js';
import { readCheckpoint } from './checkpoint.js';
import { OP, PickleWriter, f32Bytes, storedZip } from '../testing/pickle-writer.js';
import { fails } from '../testing/checkpoint-fails.js';

const G = TINY_G;
const D = TINY_D;

const numelOf = (shape: readonly number[]) => shape.reduce((a, b) => a * b, 1);
const value = (k: number) => k / 4;

/** name → shape with every name prefixed. */
const prefixed = (shapes: ReadonlyMap<string, readonly number[]>, prefix: string) => new Map([...shapes].map(([k, v]) => [`${prefix}${k}`, v]));

/** The data.pkl of a torch.save'd dict name → tensor, all viewing storage "0" (element k = k / 4). */
function dataPkl(shapes: ReadonlyMap<string, readonly number[]>, opts: { tag?: string; storageKey?: (w: PickleWriter) => void; storageType?: string; numel?: number; numelValue?: (w: PickleWriter) => void; value?: (w: PickleWriter, name: string) => boolean } = {}) {
  const numel = Math.max(opts.numel ?? 1, ...[...shapes.values()].map(numelOf));
  const w = new PickleWriter(2);
  w.call('collections', 'OrderedDict', () => {});
  w.mark();
  for (const [name, shape] of shapes) {
    w.str(name);
    if (opts.value?.(w, name)) continue;
    const strides = shape.map((_, i) => numelOf(shape.slice(i + 1)));
    w.call('torch._utils', '_rebuild_tensor_v2', (a) => {
      a.tuple((t) => {
        t.str(opts.tag ?? 'storage').global('torch', opts.storageType ?? 'FloatStorage');
        if (opts.storageKey) opts.storageKey(t);
        else t.str('0');
        t.str('cpu');
        if (opts.numelValue) opts.numelValue(t);
        else t.int(numel);
      }).op(OP.BINPERSID);
      a.int(0)
        .tuple((t) => shape.forEach((d) => t.int(d)))
        .tuple((t) => strides.forEach((d) => t.int(d)))
        .bool(false)
        .call('collections', 'OrderedDict', () => {});
    });
  }
  w.op(OP.SETITEMS);
  return { pkl: w.stop(), storage: f32Bytes(Array.from({ length: numel }, (_, k) => value(k))) };
}

const torchZip = (shapes: ReadonlyMap<string, readonly number[]>, root = 'archive/') => {
  const { pkl, storage } = dataPkl(shapes);
  return storedZip({ [`${root}data.pkl`]: pkl, [`${root}data/0`]: storage, [`${root}version`]: new TextEncoder().encode('3\n') });
};


describe('torch.save zip state dicts', () => {
  it('reads an unprefixed generator state dict, with the tensors’ values', async () => {
    const model = await readCheckpoint(torchZip(expectedGeneratorTensors(G)), 'dir/gen.pt');
    expect(model.config.name).toBe('gen');
    expect(model.config.generator).toEqual(G);
    expect(model.config.discriminator).toBeNull();
    expect(model.weights.discriminator).toBeUndefined();
    const t = model.weights.generator.get('synthesis.b8.torgb.weight')!;
    expect(t.dims).toEqual([3, 2, 1, 1]);
    expect(Array.from(t.data)).toEqual([0, 1, 2, 3, 4, 5].map(value));
  });

  it('reads data.pkl at the archive root too', async () => {
    expect((await readCheckpoint(torchZip(expectedGeneratorTensors(G), ''), 'g.pt')).config.generator).toEqual(G);
  });

  it('splits G_ema. / G. / D. prefixes, G_ema first, and passes convClamp through', async () => {
    const gd = new Map([...prefixed(expectedGeneratorTensors(G), 'G_ema.'), ...prefixed(expectedDiscriminatorTensors(D), 'D.')]);
    const both = await readCheckpoint(torchZip(gd), 'gd.pt', { convClamp: 256 });
    expect(both.config.generator).toEqual({ ...G, convClamp: 256 });
    expect(both.config.discriminator).toEqual({ ...D, convClamp: 256 });
    expect([...both.weights.discriminator!.keys()].sort()).toEqual([...expectedDiscriminatorTensors(D).keys()].sort());
    // G. is used when there is no G_ema.; with both, G_ema. wins and G. is ignored.
    const g5 = { ...G, wDim: 5 };
    expect((await readCheckpoint(torchZip(prefixed(expectedGeneratorTensors(g5), 'G.')), 'g.pt')).config.generator.wDim).toBe(5);
    const emaAndG = new Map([...prefixed(expectedGeneratorTensors(G), 'G_ema.'), ...prefixed(expectedGeneratorTensors(g5), 'G.')]);
    expect((await readCheckpoint(torchZip(emaAndG), 'g.pt')).config.generator.wDim).toBe(4);
    // G. and D. without G_ema.
    const gAndD = new Map([...prefixed(expectedGeneratorTensors(G), 'G.'), ...prefixed(expectedDiscriminatorTensors(D), 'D.')]);
    expect((await readCheckpoint(torchZip(gAndD), 'g.pt')).config.discriminator).toEqual(D);
    // Keys merely containing the prefixes are not prefixed.
    const odd = new Map([...expectedGeneratorTensors(G), ['xG.extra', [1]] as const]);
    await expect(readCheckpoint(torchZip(odd), 'g.pt')).rejects.toThrow(/xG\.extra/);
  });

  it('refuses archives without data.pkl, with missing or short storages, or broken', async () => {
    expect(await fails(readCheckpoint(storedZip({ 'archive/other.pkl': new Uint8Array([0x80, 2, OP.NONE, OP.STOP]) }), 'z.pt'))).toEqual({
      code: 'CHECKPOINT_FORMAT',
      message: 'z.pt: a zip archive without data.pkl is not a torch.save checkpoint',
    });
    expect((await fails(readCheckpoint(storedZip({ 'archive/mydata.pkl': new Uint8Array([0x80, 2, OP.NONE, OP.STOP]) }), 'z.pt'))).message).toContain('without data.pkl');
    const { pkl, storage } = dataPkl(expectedGeneratorTensors(G));
    expect(await fails(readCheckpoint(storedZip({ 'archive/data.pkl': pkl }), 'z.pt'))).toEqual({ code: 'CHECKPOINT_FORMAT', message: expect.stringContaining('z.pt: storage 0 is missing or shorter than 144 elements') });
    expect((await fails(readCheckpoint(storedZip({ 'archive/data.pkl': pkl, 'archive/data/0': storage.subarray(0, storage.length - 4) }), 'z.pt'))).message).toContain('storage 0 is missing or shorter than 144 elements');
    // Exactly long enough is enough, and a longer storage is fine.
    await expect(readCheckpoint(storedZip({ 'archive/data.pkl': pkl, 'archive/data/0': new Uint8Array([...storage, 0, 0, 0, 0]) }), 'z.pt')).resolves.toBeDefined();
    const zip = torchZip(expectedGeneratorTensors(G));
    expect((await fails(readCheckpoint(zip.subarray(0, zip.length - 30), 'z.pt'))).code).toBe('CHECKPOINT_FORMAT');
  });

  it('refuses unexpected persistent ids', async () => {
    const shapes = new Map([['w', [2]]]);
    const bad = async (opts: Parameters<typeof dataPkl>[1]) => {
      const { pkl, storage } = dataPkl(shapes, opts);
      return fails(readCheckpoint(storedZip({ 'archive/data.pkl': pkl, 'archive/data/0': storage, 'archive/data/1': storage, 'archive/data/[object]': storage }), 'z.pt'));
    };
    expect(await bad({ storageKey: (w) => void w.none() })).toEqual({ code: 'CHECKPOINT_FORMAT', message: expect.stringContaining('z.pt: unexpected persistent id') });
    expect((await bad({ storageKey: (w) => void w.op(OP.EMPTY_LIST) })).message).toContain('unexpected persistent id');
    expect((await bad({ numelValue: (w) => void w.int(-1) })).message).toContain('unexpected persistent id');
    expect((await bad({ numelValue: (w) => void w.float(2.5) })).message).toContain('unexpected persistent id');
    expect((await bad({ numelValue: (w) => void w.str('2') })).message).toContain('unexpected persistent id');
    expect((await bad({ tag: 'Storage' })).message).toContain('unexpected persistent id');
    expect((await bad({ storageType: 'Tensor' })).code).toBe('CHECKPOINT_UNSUPPORTED');
    // A numeric key is read as its string.
    const { pkl, storage } = dataPkl(shapes, { storageKey: (w) => void w.int(1) });
    const sd = readCheckpoint(storedZip({ 'archive/data.pkl': pkl, 'archive/data/1': storage }), 'z.pt');
    await expect(sd).rejects.toThrow(/mapping/); // read fine; it is just no generator
  });

  it('refuses a top level that is no dict and entries that are no tensors', async () => {
    const list = new PickleWriter(2).op(OP.EMPTY_LIST).stop();
    expect(await fails(readCheckpoint(storedZip({ 'archive/data.pkl': list }), 'z.pt'))).toEqual({ code: 'CHECKPOINT_STRUCTURE', message: 'z.pt: expected a state dict (name → tensor)' });
    for (const [what, write] of [
      ['a string', (w: PickleWriter) => void w.str('x')],
      ['None', (w: PickleWriter) => void w.none()],
      ['a number', (w: PickleWriter) => void w.int(3)],
      ['a dict', (w: PickleWriter) => void w.op(OP.EMPTY_DICT)],
    ] as const) {
      const { pkl, storage } = dataPkl(new Map([['ok', [1]], ['bad', [1]]]), { value: (w, name) => name === 'bad' && (write(w), true) });
      expect(await fails(readCheckpoint(storedZip({ 'archive/data.pkl': pkl, 'archive/data/0': storage }), 'z.pt')), what).toEqual({ code: 'CHECKPOINT_STRUCTURE', message: 'z.pt: entry bad is not a tensor' });
    }
    // _rebuild_parameter wraps a tensor; its tensor is kept.
    const p = new PickleWriter(2)
      .dict((d) => void d.str('w').call('torch._utils', '_rebuild_parameter', (a) => void a.call('torch._utils', '_rebuild_tensor_v2', (t) => void t.tuple((x) => void x.str('storage').global('torch', 'FloatStorage').str('0').str('cpu').int(1)).op(OP.BINPERSID).int(0).tuple((x) => void x.int(1)).tuple((x) => void x.int(1)).bool(false).none()).bool(true).none()))
      .stop();
    await expect(readCheckpoint(storedZip({ 'archive/data.pkl': p, 'archive/data/0': f32Bytes([1]) }), 'z.pt')).rejects.toThrow(/G_ema has no mapping network/);
    const empty = new PickleWriter(2).dict((d) => void d.str('w').call('torch._utils', '_rebuild_parameter', () => {})).stop();
    expect(await fails(readCheckpoint(storedZip({ 'archive/data.pkl': empty }), 'z.pt'))).toEqual({ code: 'CHECKPOINT_STRUCTURE', message: 'z.pt: entry w is not a tensor' });
  });

  it('refuses globals outside its small table, as unsupported', async () => {
    const p = new PickleWriter(2).dict((d) => void d.str('w').call('dnnlib', 'EasyDict', () => {})).stop();
    expect(await fails(readCheckpoint(storedZip({ 'archive/data.pkl': p }), 'z.pt'))).toEqual({ code: 'CHECKPOINT_UNSUPPORTED', message: expect.stringContaining('refusing to load global dnnlib.EasyDict') });
    const dict = new PickleWriter(2).call('builtins', 'dict', () => {}).stop();
    expect((await fails(readCheckpoint(storedZip({ 'archive/data.pkl': dict }), 'z.pt'))).message).toContain('G_ema has no mapping network');
  });
});

describe('choosing the reader', () => {
  const gen = () => new Map([...expectedGeneratorTensors(G)].map(([k, shape]) => [k, tensor('float32', shape, new Float32Array(numelOf(shape)).fill(0.5))] as [string, Tensor]));

  it('reads safetensors (prefixed or not) as state dicts', async () => {
    const model = await readCheckpoint(writeSafetensors(gen()), 'g.safetensors');
    expect(model.config.generator).toEqual(G);
    const pre = new Map([...gen()].map(([k, v]) => [`G_ema.${k}`, v]));
    expect((await readCheckpoint(writeSafetensors(pre), 'g.safetensors')).config.generator).toEqual(G);
  });

  it('takes a file starting 0x80 for a pickle unless it is safetensors', async () => {
    // A safetensors header length whose low byte is 0x80 must not be read as a pickle.
    const st = writeSafetensors(gen());
    expect(new DataView(st.buffer, st.byteOffset).getBigUint64(0, true)).toBeGreaterThan(0n);
    const padded = (() => {
      // Rebuild with a header of exactly 0x80 + 256·k bytes by padding the metadata.
      for (let pad = 0; pad < 600; pad++) {
        const b = writeSafetensors(gen(), { pad: ' '.repeat(pad) });
        if (b[0] === 0x80) return b;
      }
      throw new Error('no padding gave a 0x80 first byte');
    })();
    expect(padded[0]).toBe(0x80);
    expect((await readCheckpoint(padded, 'g.safetensors')).config.generator).toEqual(G);
    await expect(readCheckpoint(new Uint8Array([0x80, 2, OP.EMPTY_LIST, OP.STOP]), 'n.pkl')).rejects.toMatchObject({ code: 'CHECKPOINT_STRUCTURE', message: expect.stringContaining('expected a dict with G_ema') });
  });

  it('needs all four zip magic bytes, and refuses anything else by name', async () => {
    const zip = torchZip(expectedGeneratorTensors(G));
    expect((await readCheckpoint(zip, 'g.pt')).config.generator).toEqual(G);
    const notAny = `g.bin: not a checkpoint stylegraph reads (expected a network pickle, a torch.save zip archive or safetensors)`;
    for (const i of [0, 1, 2, 3]) {
      const b = zip.slice();
      b[i] = 0;
      expect(await fails(readCheckpoint(b, 'g.bin')), `byte ${i}`).toEqual({ code: 'CHECKPOINT_FORMAT', message: notAny });
    }
    expect(await fails(readCheckpoint(new Uint8Array(0), 'g.bin'))).toEqual({ code: 'CHECKPOINT_FORMAT', message: notAny });
    // Looks like safetensors (byte 8 is "{") but declares a header longer than the file.
    const fake = new Uint8Array(16);
    new DataView(fake.buffer).setBigUint64(0, 100n, true);
    fake[8] = 0x7b;
    expect(await fails(readCheckpoint(fake, 'g.bin'))).toEqual({ code: 'CHECKPOINT_FORMAT', message: notAny });
    // Ten bytes that are a valid-looking safetensors start are read as safetensors (and fail there).
    const tiny = new Uint8Array(10);
    new DataView(tiny.buffer).setBigUint64(0, 2n, true);
    tiny[8] = 0x7b;
    tiny[9] = 0x7d;
    await expect(readCheckpoint(tiny, 'g.bin')).rejects.not.toMatchObject({ message: notAny });
    const nine = tiny.subarray(0, 9);
    expect(await fails(readCheckpoint(nine, 'g.bin'))).toEqual({ code: 'CHECKPOINT_FORMAT', message: notAny });
  });
});

describe('state dict entries by odd keys, and near-safetensors', () => {
  it('names entries whose keys are None, lists or globals without String() of objects', async () => {
    for (const [key, shown] of [
      [(w: PickleWriter) => void w.none(), 'null'],
      [(w: PickleWriter) => void w.op(OP.EMPTY_LIST), '[object]'],
      [(w: PickleWriter) => void w.global('collections', 'OrderedDict'), '[object]'],
    ] as const) {
      const p = new PickleWriter(2).op(OP.EMPTY_DICT).mark();
      key(p);
      const pkl = p.str('x').op(OP.SETITEMS).stop();
      expect(await fails(readCheckpoint(storedZip({ 'a/data.pkl': pkl }), 'z.pt')), shown).toEqual({ code: 'CHECKPOINT_STRUCTURE', message: `z.pt: entry ${shown} is not a tensor` });
    }
  });

  it('takes a file for safetensors only with "{" at byte 8 and a header shorter than the file', async () => {
    const notAny = 'g.bin: not a checkpoint stylegraph reads (expected a network pickle, a torch.save zip archive or safetensors)';
    const b = new Uint8Array(16);
    new DataView(b.buffer).setBigUint64(0, 2n, true);
    b[8] = 0x78;
    expect(await fails(readCheckpoint(b, 'g.bin'))).toEqual({ code: 'CHECKPOINT_FORMAT', message: notAny });
    const whole = new Uint8Array(16);
    new DataView(whole.buffer).setBigUint64(0, 16n, true);
    whole[8] = 0x7b;
    expect(await fails(readCheckpoint(whole, 'g.bin'))).toEqual({ code: 'CHECKPOINT_FORMAT', message: notAny });
  });
});
