/**
 * The generic kinds core itself declares: tensors of any shape, images, reports, numbers,
 * strings and booleans. Node specs name them by string (`{ type: 'Image' }`); every other kind
 * is a plugin's record (port-kind.ts).
 */
import { jsonCodec, tensorCodec } from '../values/codecs.js';
import type { Tensor } from '../values/tensor.js';
import { definePortKind, type PortKind } from './port-kind.js';

export type Report = Readonly<Record<string, number | string | boolean>>;

const Tensor = definePortKind<Tensor>({
  name: 'Tensor',
  description: 'a tensor of any shape',
  dims: null,
  tensor: true,
  // Every tensor kind is a tensor.
  accepts: (from) => from.tensor,
  codec: tensorCodec,
  color: '#c0c4cc',
});

const Image = definePortKind<Tensor<'float32'>>({
  name: 'Image',
  description: 'images, float32 [B, C, H, W] in −1…1',
  dims: ['B', 'C', 'H', 'W'],
  dtype: 'float32',
  codec: tensorCodec as PortKind<Tensor<'float32'>>['codec'],
  color: '#67c23a',
});

const Report = definePortKind<Report>({
  name: 'Report',
  description: 'named scalar results',
  dims: [],
  check: (v) =>
    v && typeof v === 'object' && !Array.isArray(v) && Object.getPrototypeOf(v) === Object.prototype && Object.values(v).every((x) => ['number', 'string', 'boolean'].includes(typeof x))
      ? undefined
      : 'expected a report object (names to numbers, strings or booleans)',
  codec: jsonCodec(),
  color: '#409eff',
});

const number = definePortKind<number>({
  name: 'number',
  description: 'a number',
  dims: [],
  check: (v) => (typeof v === 'number' && !Number.isNaN(v) ? undefined : `expected a number, got ${typeof v}`),
  accepts: (from) => from.name === 'integer',
  codec: jsonCodec(),
  color: '#5dade2',
});

const integer = definePortKind<number>({
  name: 'integer',
  description: 'an integer',
  dims: [],
  check: (v) => (Number.isInteger(v) ? undefined : `expected an integer, got ${String(v)}`),
  codec: jsonCodec(),
  color: '#5dade2',
});

const string = definePortKind<string>({
  name: 'string',
  description: 'a string',
  dims: [],
  check: (v) => (typeof v === 'string' ? undefined : `expected a string, got ${typeof v}`),
  codec: jsonCodec(),
  color: '#f1c40f',
});

const boolean = definePortKind<boolean>({
  name: 'boolean',
  description: 'true or false',
  dims: [],
  check: (v) => (typeof v === 'boolean' ? undefined : `expected a boolean, got ${typeof v}`),
  codec: jsonCodec(),
  color: '#ec7063',
});

/** Core's kinds by name. */
export const CORE_KINDS = { Tensor, Image, Report, number, integer, string, boolean } as const;

export type CoreKindName = keyof typeof CORE_KINDS;
export const isCoreKindName = (k: string): k is CoreKindName => Object.hasOwn(CORE_KINDS, k);
