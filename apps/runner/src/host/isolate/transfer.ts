/**
 * Values crossing the boundary between the host and an isolated plugin's process. Each side
 * encodes a value with its kind's codec (platform codecs: tensors are their raw bytes) and the
 * other side decodes it. Small payloads travel inside the message (structured clone, never
 * JSON); payloads of LARGE_BYTES or more go through a file in the exchange folder — on tmpfs
 * (/dev/shm) where there is one, so it is a copy through shared memory — which the receiver
 * reads once and removes.
 *
 * A non-tensor kind that only the isolated plugin knows stays opaque on the host: the host
 * keeps its encoded bytes (and the sizes the plugin computed for it) and hands them back.
 */
import { randomBytes } from 'node:crypto';
import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { DecodeContext, EncodedValue, Json, PortKind } from '@stylegraph/core';

/** Payloads at least this large go through a file rather than the message. */
export const LARGE_BYTES = 256 * 1024;

export interface WireValue {
  readonly kind: string;
  readonly header: Json;
  /** The payload, or the exchange file that holds it. */
  readonly bytes?: Uint8Array;
  readonly file?: string;
  /** For opaque values: the sizes the value binds (its kind's `sizes`), computed where the kind lives. */
  readonly sizes?: Readonly<Record<string, number>>;
}

/** A value of a kind only the isolated plugin can decode, as the host holds it. */
export interface OpaqueValue {
  readonly opaqueKind: string;
  readonly header: Json;
  readonly bytes: Uint8Array;
  readonly sizes?: Readonly<Record<string, number>>;
}

export const isOpaque = (v: unknown): v is OpaqueValue => !!v && typeof v === 'object' && typeof (v as OpaqueValue).opaqueKind === 'string';

/** Puts an encoded payload into a message, or into a file of `exchangeDir` when large. */
export async function toWire(kind: string, e: EncodedValue, exchangeDir: string, sizes?: Readonly<Record<string, number>>): Promise<WireValue> {
  const extra = sizes ? { sizes } : {};
  if (e.bytes.byteLength < LARGE_BYTES) return { kind, header: e.header, bytes: e.bytes, ...extra };
  const file = join(exchangeDir, `${randomBytes(12).toString('hex')}.bin`);
  await writeFile(file, e.bytes, { flag: 'wx', mode: 0o600 });
  return { kind, header: e.header, file, ...extra };
}

/** The payload of a wire value; an exchange file must lie in `exchangeDir` and is removed once read. */
export async function fromWire(w: WireValue, exchangeDir: string): Promise<EncodedValue> {
  if (w.bytes) return { header: w.header, bytes: w.bytes };
  const file = String(w.file);
  // Only files this exchange made: a name, in the folder, nothing else.
  if (!/^[0-9a-f]{24}\.bin$/.test(file.slice(exchangeDir.length + 1)) || !file.startsWith(`${exchangeDir}/`)) {
    throw new Error(`a transferred value names a file outside the exchange folder`);
  }
  try {
    return { header: w.header, bytes: new Uint8Array(await readFile(file)) };
  } finally {
    await rm(file, { force: true });
  }
}

/** Encodes a value of `kind` for the other side. */
export async function encodeValue(kind: PortKind, value: unknown, exchangeDir: string): Promise<WireValue> {
  if (isOpaque(value)) return toWire(value.opaqueKind, { header: value.header, bytes: value.bytes }, exchangeDir, value.sizes);
  return toWire(kind.name, await kind.codec.encode(value as never), exchangeDir);
}

/** Decodes a value with its kind's codec. */
export async function decodeValue(kind: PortKind, w: WireValue, exchangeDir: string, ctx: DecodeContext): Promise<unknown> {
  return kind.codec.decode(await fromWire(w, exchangeDir), ctx);
}
