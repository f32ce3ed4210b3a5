/**
 * The entry file of the on-disk output cache (`entries/<name>.json`): what the executor's
 * `CacheEntry` holds besides the values — the files read and their hashes, the derivation key,
 * the services used — and, per output port, the kind name and the SHA-256 of the blob holding
 * its framed value. `parseEntryFile` accepts only what `entryFile` writes.
 */
import type { ServiceUse } from '@stylegraph/core';

export const ENTRY_FORMAT = 'stylegraph.cache-entry';
export const ENTRY_FORMAT_VERSION = 1;

const SHA256 = /^[0-9a-f]{64}$/;

/** Where one output's value is: the blob `blobs/<blob>` of `bytes` bytes, framed as `kind`. */
export interface OutputRef {
  readonly kind: string;
  readonly blob: string;
  readonly bytes: number;
}

export interface EntryFile {
  readonly format: typeof ENTRY_FORMAT;
  readonly formatVersion: typeof ENTRY_FORMAT_VERSION;
  readonly preKey: string;
  readonly key: string;
  readonly files: readonly (readonly [path: string, hash: string])[];
  readonly services?: ServiceUse;
  readonly outputs: Readonly<Record<string, OutputRef>>;
}

export const isSha256 = (s: unknown): s is string => typeof s === 'string' && SHA256.test(s);

/** The file name (without `.json`) of a pre-key: the key itself when it is a SHA-256, else its digest. */
export function entryName(preKey: string, digest: (s: string) => string): string {
  return isSha256(preKey) ? preKey : digest(preKey);
}

export function entryFile(preKey: string, e: { key: string; files: EntryFile['files']; services?: ServiceUse | undefined }, outputs: Record<string, OutputRef>): EntryFile {
  return {
    format: ENTRY_FORMAT,
    formatVersion: ENTRY_FORMAT_VERSION,
    preKey,
    key: e.key,
    files: e.files.map(([p, h]) => [p, h] as const),
    ...(e.services?.length && { services: e.services.map(([n, i]) => [n, i] as const) }),
    outputs,
  };
}

const isPairList = (v: unknown): v is [string, string][] =>
  Array.isArray(v) && v.every((p) => Array.isArray(p) && p.length === 2 && typeof p[0] === 'string' && typeof p[1] === 'string');

const isOutputRef = (v: unknown): v is OutputRef => {
  const r = v as Partial<OutputRef> | null;
  return typeof r === 'object' && r !== null && typeof r.kind === 'string' && isSha256(r.blob) && Number.isSafeInteger(r.bytes) && r.bytes! >= 0;
};

/** The entry in `text`, or undefined when it is not a whole, well-formed entry file. */
export function parseEntryFile(text: string): EntryFile | undefined {
  let v: Partial<EntryFile> | null;
  try {
    v = JSON.parse(text) as Partial<EntryFile> | null;
  } catch {
    return undefined;
  }
  if (typeof v !== 'object' || v === null || v.format !== ENTRY_FORMAT || v.formatVersion !== ENTRY_FORMAT_VERSION) return undefined;
  if (typeof v.preKey !== 'string' || typeof v.key !== 'string' || !isPairList(v.files)) return undefined;
  if (v.services !== undefined && !isPairList(v.services)) return undefined;
  const outputs = v.outputs;
  if (typeof outputs !== 'object' || outputs === null || Array.isArray(outputs) || !Object.values(outputs).every(isOutputRef)) return undefined;
  return v as EntryFile;
}

/** The blobs an entry refers to (each once). */
export const entryBlobs = (e: EntryFile): string[] => [...new Set(Object.values(e.outputs).map((o) => o.blob))];
