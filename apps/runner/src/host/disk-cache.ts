/**
 * The executor's output cache on disk, shared by every run that names the same folder:
 *
 *   <dir>/entries/<pre-key>.json   files read, derivation key, services used, and per output
 *                                  its kind and blob (disk-cache-entry.ts)
 *   <dir>/blobs/<sha256>           one framed value (`frameValue`), named by its hash, so
 *                                  identical outputs are stored once
 *
 * Every file is written to a temporary file and renamed into place (blobs before the entry
 * that refers to them), so an interrupted write never leaves a readable half entry. Reading
 * checks everything: an entry that does not parse, a blob that is missing or whose bytes do
 * not hash to its name, a kind that differs from the node's or a value its codec cannot
 * decode is a miss, and the entry is removed. A hit renews the entry file's modification time,
 * its last use; when a store takes the folder over `maxBytes`, blobs no entry refers to and
 * then the least recently used entries are removed (disk-cache-usage.ts). A value its kind's
 * codec cannot encode, or an entry larger than the bound, is not stored; storing never throws.
 * Processes may share a folder: each measures it at its first store and adds what it writes,
 * and measures it again before removing anything.
 */
import { createHash } from 'node:crypto';
import { readFile, rm, stat, utimes } from 'node:fs/promises';
import { join } from 'node:path';
import { frameValue, unframeValue, type CacheContext, type CacheEntry, type OutputCache } from '@stylegraph/core';
import { entryFile, entryName, parseEntryFile, type EntryFile, type OutputRef } from './disk-cache-entry.js';
import { evictionPlan, scanCache } from './disk-cache-usage.js';
import { writeInside } from './safe-write.js';

/** The default size bound: 2 GiB. */
export const DEFAULT_CACHE_MAX_BYTES = 2 * 2 ** 30;

export interface DiskCacheOptions {
  /** Bytes the folder's entries and blobs may take in all (default 2 GiB; Infinity: no bound). */
  readonly maxBytes?: number;
  /** Told, once, when writing to the folder fails (a run never fails for it; nothing is then cached). */
  readonly onWriteError?: (message: string) => void;
}

const sha256 = (data: Uint8Array | string) => createHash('sha256').update(data).digest('hex');

const sizeOf = async (path: string) => (await stat(path).catch(() => undefined))?.size;

export class DiskCache implements OutputCache {
  readonly maxBytes: number;
  /** Bytes in the folder as of the last scan plus what this cache wrote since (undefined: not scanned yet). */
  private total: number | undefined;
  /** Stores run one at a time. */
  private writes: Promise<void> = Promise.resolve();
  private warned = false;

  constructor(
    readonly dir: string,
    private readonly opts: DiskCacheOptions = {},
  ) {
    const max = opts.maxBytes ?? DEFAULT_CACHE_MAX_BYTES;
    if (!(max >= 0)) throw new RangeError(`DiskCache: maxBytes ${max} is not a number of bytes`);
    this.maxBytes = max;
  }

  /** The entry file of a pre-key, relative to the folder. */
  private entryRel(preKey: string): string {
    return `entries/${entryName(preKey, sha256)}.json`;
  }

  async get(preKey: string, ctx: CacheContext): Promise<CacheEntry | undefined> {
    const path = join(this.dir, this.entryRel(preKey));
    const text = await readFile(path, 'utf8').catch(() => undefined);
    if (text === undefined) return undefined;
    const entry = parseEntryFile(text);
    const outputs = entry?.preKey === preKey ? await this.readOutputs(entry, ctx).catch(() => undefined) : undefined;
    if (!entry || !outputs) {
      await rm(path, { force: true }).catch(() => undefined);
      return undefined;
    }
    const now = new Date();
    await utimes(path, now, now).catch(() => undefined);
    return { files: entry.files, key: entry.key, ...(entry.services && { services: entry.services }), outputs };
  }

  /** The entry's values, decoded by the node's kinds; throws on anything that is not as written. */
  private async readOutputs(entry: EntryFile, ctx: CacheContext): Promise<Record<string, unknown>> {
    const ports = Object.keys(ctx.kinds);
    const stored = Object.keys(entry.outputs);
    if (ports.length !== stored.length || !ports.every((p) => Object.hasOwn(entry.outputs, p))) throw new Error('the entry has other ports than the node');
    const outputs: Record<string, unknown> = {};
    for (const port of ports) {
      const ref = entry.outputs[port]!;
      const kind = ctx.kinds[port]!;
      if (kind.name !== ref.kind) throw new Error(`port ${port} is ${kind.name}, the entry holds ${ref.kind}`);
      const blobPath = join(this.dir, 'blobs', ref.blob);
      const bytes = new Uint8Array(await readFile(blobPath));
      if (bytes.byteLength !== ref.bytes || sha256(bytes) !== ref.blob) {
        await rm(blobPath, { force: true });
        throw new Error(`blob ${ref.blob} is damaged`);
      }
      const { kind: framed, encoded } = unframeValue(bytes);
      if (framed !== ref.kind) throw new Error(`blob ${ref.blob} holds a ${framed}`);
      outputs[port] = await kind.codec.decode(encoded, { files: ctx.files });
    }
    return outputs;
  }

  async set(preKey: string, entry: CacheEntry, ctx: CacheContext): Promise<void> {
    const task = this.writes.then(() => this.store(preKey, entry, ctx)).catch((e: unknown) => {
      if (this.warned) return;
      this.warned = true;
      this.opts.onWriteError?.(`cannot write to the cache folder ${this.dir}: ${e instanceof Error ? e.message : String(e)}; outputs are not cached`);
    });
    this.writes = task;
    await task;
  }

  private async store(preKey: string, entry: CacheEntry, ctx: CacheContext): Promise<void> {
    const blobs = new Map<string, Uint8Array>();
    const outputs: Record<string, OutputRef> = {};
    for (const [port, value] of Object.entries(entry.outputs)) {
      const kind = ctx.kinds[port];
      if (!kind) return;
      let framed: Uint8Array;
      try {
        framed = frameValue(kind.name, await kind.codec.encode(value));
      } catch {
        return; // a value this kind cannot write is not stored
      }
      const blob = sha256(framed);
      blobs.set(blob, framed);
      outputs[port] = { kind: kind.name, blob, bytes: framed.byteLength };
    }
    const text = JSON.stringify(entryFile(preKey, entry, outputs));
    let bytes = Buffer.byteLength(text);
    for (const b of blobs.values()) bytes += b.byteLength;
    if (bytes > this.maxBytes) return;

    let total = this.total ?? (await scanCache(this.dir)).total;
    const write = async (rel: string, data: Uint8Array | string, size: number, skipSameSize: boolean) => {
      const before = await sizeOf(join(this.dir, rel));
      if (skipSameSize && before === size) return; // content-addressed: already there
      await writeInside(this.dir, rel, data, { overwrite: true, createRoot: true });
      total += size - (before ?? 0);
    };
    for (const [blob, data] of blobs) await write(`blobs/${blob}`, data, data.byteLength, true);
    await write(this.entryRel(preKey), text, Buffer.byteLength(text), false);
    this.total = total;
    if (total > this.maxBytes) await this.evict();
  }

  /** Brings the folder within `maxBytes`, measured afresh (other processes may share it). */
  private async evict(): Promise<void> {
    const plan = evictionPlan(await scanCache(this.dir), this.maxBytes);
    for (const rel of plan.remove) await rm(join(this.dir, rel), { force: true });
    this.total = plan.total;
  }
}
