import { describe, expect, it } from 'vitest';
import { definePortKind } from './port-kind.js';
import { CORE_KINDS, isCoreKindName } from './core-kinds.js';
import { checkValue } from './check-value.js';
import { formatPortType, kindAccepts, kindOf, portDims } from './port-types.js';
import { jsonCodec, tensorCodec } from '../values/codecs.js';
import { tensor } from '../values/tensor.js';

const Mask = definePortKind({ name: 'wm/Mask', description: 'masks', dims: ['B', 'H', 'W'], dtype: 'uint8', codec: tensorCodec as never, check: (v) => ((v as { data: Uint8Array }).data.every((x) => x <= 1) ? undefined : 'mask values must be 0 or 1') });
const Key = definePortKind<string>({ name: 'wm/Key', description: 'a key', dims: [], check: (v) => (typeof v === 'string' ? undefined : 'expected a key'), codec: jsonCodec() });
const Any = definePortKind({ name: 'x/AnyRank', description: 'any rank', dims: null, tensor: true, codec: tensorCodec });

describe('definePortKind', () => {
  it('fills in title, tensor-ness, rigidity, check and a stable colour', () => {
    expect(Mask).toMatchObject({ name: 'wm/Mask', title: 'Mask', tensor: true, dtype: 'uint8', rigidOutputs: false });
    expect(Key).toMatchObject({ title: 'Key', tensor: false, rigidOutputs: false });
    expect(Key.dtype).toBeUndefined();
    expect('dtype' in Key).toBe(false);
    expect(definePortKind({ name: 'a/B', title: 'Bee', description: '', dims: [], tensor: true, rigidOutputs: true, codec: tensorCodec })).toMatchObject({ title: 'Bee', rigidOutputs: true });
    // A tensor kind without its own check accepts what passes the generic checks.
    expect(Any.check(42)).toBeUndefined();
    // Colours: chosen when given, else a hue from the name — the same every time, different for different names.
    expect(definePortKind({ name: 'a/B', description: '', dims: [], tensor: true, codec: tensorCodec, color: '#fff' }).color).toBe('#fff');
    expect(Key.color).toMatch(/^hsl\(\d{1,3}, 55%, 55%\)$/);
    expect(definePortKind({ name: 'wm/Key', description: '', dims: [], check: () => undefined, codec: jsonCodec() }).color).toBe(Key.color);
    const hues = new Set(['a/A', 'a/B', 'b/A', 'wm/Key', 'wm/Mask', 'x/Y'].map((n) => definePortKind({ name: n, description: '', dims: [], tensor: true, codec: tensorCodec }).color));
    expect(hues.size).toBe(6);
    // "wm/Key": h = fold(h·31 + code) mod 2³², hue = h mod 360.
    let h = 0;
    for (const c of 'wm/Key') h = (h * 31 + c.charCodeAt(0)) >>> 0;
    expect(Key.color).toBe(`hsl(${h % 360}, 55%, 55%)`);
    expect(Object.isFrozen(Key)).toBe(true);
    expect(definePortKind({ name: 'a/S', description: '', dims: ['n'], check: () => undefined, sizes: () => ({ n: 1 }), codec: jsonCodec() }).sizes).toBeDefined();
    expect('sizes' in Key).toBe(false);
  });

  it('refuses bad names and non-tensor kinds without a check', () => {
    for (const bad of ['', 'Mask', 'wm/', '/Mask', 'WM/Mask', 'wm/Ma-sk', 'a/b/C', ' wm/Mask', 'wm/Mask ']) {
      if (bad === 'Mask') continue; // core's style, allowed
      expect(() => definePortKind({ name: bad, description: '', dims: [], tensor: true, codec: tensorCodec }), bad).toThrow(/must look like "namespace\/Name"/);
    }
    expect(definePortKind({ name: 'Mask', description: '', dims: [], tensor: true, codec: tensorCodec }).title).toBe('Mask');
    expect(() => definePortKind({ name: 'a/B', description: '', dims: [], codec: jsonCodec() })).toThrow('definePortKind: a/B is not a tensor kind, so it needs a check');
    expect(definePortKind({ name: 'a/T', description: '', dims: [], dtype: 'int32', codec: tensorCodec }).tensor).toBe(true);
    expect(definePortKind({ name: 'a/N', description: '', dims: [], dtype: 'int32', tensor: false, check: () => undefined, codec: tensorCodec }).tensor).toBe(false);
  });

  it('accepts its own name, and what its accepts() allows', () => {
    const Loose = definePortKind<string>({ name: 'wm/Loose', description: '', dims: [], check: () => undefined, accepts: (k) => k.name === 'string', codec: jsonCodec() });
    expect(Loose.accepts(CORE_KINDS.string)).toBe(true);
    expect(Loose.accepts(Loose)).toBe(true);
    expect(Loose.accepts(Key)).toBe(false);
    expect(Key.accepts(CORE_KINDS.string)).toBe(false);
    expect(kindAccepts('Tensor', Mask)).toBe(true);
    expect(kindAccepts('Tensor', 'Image')).toBe(true);
    expect(kindAccepts('Tensor', Key)).toBe(false);
    expect(kindAccepts('Tensor', 'number')).toBe(false);
    expect(kindAccepts('number', 'integer')).toBe(true);
    expect(kindAccepts('integer', 'number')).toBe(false);
    expect(kindAccepts('Image', 'Tensor')).toBe(false);
    expect(kindAccepts(Mask, 'Image')).toBe(false);
  });

  it('specs resolve to their kind: core kinds by name, others by record', () => {
    expect(kindOf('Image')).toBe(CORE_KINDS.Image);
    expect(kindOf({ type: Mask })).toBe(Mask);
    expect(isCoreKindName('Image')).toBe(true);
    expect(isCoreKindName('toString')).toBe(false);
    expect(() => kindOf('toString' as never)).toThrow(/not one of core's/);
    expect(portDims({ type: Mask })).toEqual(['B', 'H', 'W']);
    expect(portDims({ type: Mask, shape: ['N', 8, 8] })).toEqual(['N', 8, 8]);
    expect(formatPortType({ type: Mask, shape: ['N', 8, 8] })).toBe('Mask [N, 8, 8]');
    expect(formatPortType({ type: Key })).toBe('Key');
    expect(formatPortType({ type: Any })).toBe('AnyRank');
  });
});

describe('checkValue', () => {
  it('checks core kinds with one-line reasons', () => {
    expect(checkValue({ type: 'number' }, 1.5)).toBeUndefined();
    expect(checkValue({ type: 'number' }, NaN)).toBe('expected a number, got number');
    expect(checkValue({ type: 'number' }, '1')).toBe('expected a number, got string');
    expect(checkValue({ type: 'integer' }, 2)).toBeUndefined();
    expect(checkValue({ type: 'integer' }, 2.5)).toBe('expected an integer, got 2.5');
    expect(checkValue({ type: 'string' }, 's')).toBeUndefined();
    expect(checkValue({ type: 'string' }, 1)).toBe('expected a string, got number');
    expect(checkValue({ type: 'boolean' }, false)).toBeUndefined();
    expect(checkValue({ type: 'boolean' }, 0)).toBe('expected a boolean, got number');
    expect(checkValue({ type: 'Report' }, { a: 1 })).toBeUndefined();
    for (const bad of [null, [1], 'r', 3, { a: { b: 1 } }, { t: tensor('float32', [1]) }, new Map(), { n: null }]) expect(checkValue({ type: 'Report' }, bad)).toBe('expected a report object (names to numbers, strings or booleans)');
    expect(checkValue({ type: 'Report' }, { psnr: Infinity, ok: false, tag: 'x' })).toBeUndefined();
  });

  it('checks tensors: representation, dtype, rank, fixed sizes, then the kind’s own check', () => {
    const m = tensor('uint8', [2, 4, 4]);
    expect(checkValue({ type: Mask }, m)).toBeUndefined();
    expect(checkValue({ type: Mask }, { dims: [2, 4, 4] })).toBe('expected a tensor (Mask [B, H, W])');
    expect(checkValue({ type: Mask }, tensor('float32', [2, 4, 4]))).toBe('expected uint8 data for Mask [B, H, W], got float32');
    expect(checkValue({ type: Mask }, tensor('uint8', [2, 16]))).toBe('expected Mask [B, H, W], got shape [2, 16]');
    expect(checkValue({ type: Mask, shape: ['B', 4, 4] }, m)).toBeUndefined();
    expect(checkValue({ type: Mask, shape: [2, 4, 5] }, m)).toBe('expected Mask [2, 4, 5], got shape [2, 4, 4]');
    expect(checkValue({ type: Mask, shape: [3, 4, 4] }, m)).toBe('expected Mask [3, 4, 4], got shape [2, 4, 4]');
    expect(checkValue({ type: Mask }, tensor('uint8', [1, 1, 2], new Uint8Array([0, 2])))).toBe('mask values must be 0 or 1');
    // The data must be the dtype's array, as long as the dims say (a hand-made object may lie).
    expect(checkValue({ type: Mask }, { dtype: 'uint8', dims: [2, 4, 4], data: new Uint8Array(31) })).toBe('a uint8 tensor of shape [2, 4, 4] needs a Uint8Array of 32 elements');
    expect(checkValue({ type: 'Tensor' }, { dtype: 'float32', dims: [2], data: new Float64Array(2) })).toBe('a float32 tensor of shape [2] needs a Float32Array of 2 elements');
    // Any rank, any dtype.
    expect(checkValue({ type: 'Tensor' }, tensor('int64', [3, 1, 2]))).toBeUndefined();
    expect(checkValue({ type: Any }, tensor('bool', []))).toBeUndefined();
    expect(checkValue({ type: 'Image' }, tensor('float32', [1, 3, 2, 2]))).toBeUndefined();
  });
});
