/**
 * Values across a plugin boundary. Each side encodes with the kind's codec and the other decodes
 * with it; tensors always as raw tensors (`tensorCodec`), whatever codec their kind declares, so
 * either side can hold them. A non-tensor kind only the plugin's side knows stays opaque on the
 * host: its encoded bytes, and the sizes the plugin's side computed for it.
 */
import { tensorCodec } from '../values/codecs.js';
import { definePortKind, type Codec, type Json, type PortKind } from '../types/port-kind.js';
import type { KindWire, ValueTransport, WireValue } from './wire.js';

/** A value of a kind only the plugin's side can decode, as the host holds it. */
export interface OpaqueValue {
  readonly opaqueKind: string;
  readonly header: Json;
  readonly bytes: Uint8Array;
  readonly sizes?: Readonly<Record<string, number>>;
}

export const isOpaque = (v: unknown): v is OpaqueValue => !!v && typeof v === 'object' && typeof (v as OpaqueValue).opaqueKind === 'string';

/** The codec values of a kind cross with: tensors as tensors, everything else by its own codec. */
export const wireCodec = (k: PortKind): Codec<unknown> => (k.tensor ? (tensorCodec as Codec<unknown>) : k.codec);

export async function encodeForWire(kind: PortKind, value: unknown, t: ValueTransport, sizes?: Readonly<Record<string, number>>): Promise<WireValue> {
  if (isOpaque(value)) return t.toWire(value.opaqueKind, { header: value.header, bytes: value.bytes }, value.sizes);
  return t.toWire(kind.name, await wireCodec(kind).encode(value), sizes);
}

/** A codec for values the host holds opaque: their bytes, with their sizes in the header (for caches). */
function opaqueCodec(name: string): Codec<OpaqueValue> {
  return {
    encode: (v) => ({ header: { header: v.header, ...(v.sizes && { sizes: v.sizes }) }, bytes: v.bytes }),
    decode: (e) => {
      const h = e.header as { header?: Json; sizes?: Record<string, number> } | null;
      return { opaqueKind: name, header: h?.header ?? null, bytes: e.bytes, ...(h?.sizes && { sizes: h.sizes }) };
    },
  };
}

/** The host's stand-in for a kind the plugin declares: a tensor kind as it is, any other opaque. */
export function proxyKind(label: string, k: KindWire): PortKind {
  return definePortKind<unknown>({
    name: k.name,
    title: k.title,
    description: k.description,
    dims: k.dims,
    tensor: k.tensor,
    ...(k.dtype !== undefined && { dtype: k.dtype as never }),
    rigidOutputs: k.rigidOutputs,
    color: k.color,
    ...(!k.tensor && {
      check: (v: unknown) => (isOpaque(v) && v.opaqueKind === k.name ? undefined : `expected a ${k.title} made by ${label}`),
      sizes: (v: unknown) => (isOpaque(v) ? v.sizes : undefined),
    }),
    codec: (k.tensor ? tensorCodec : opaqueCodec(k.name)) as Codec<unknown>,
  });
}
