/**
 * What the on-disk output cache holds and what to remove to keep it within its size bound.
 * `scanCache` measures the folder (entry files with the blobs they refer to and their last use
 * — the entry file's modification time, renewed on every hit — blobs, and temporary files);
 * `evictionPlan` picks, to bring the total to the bound, first the blobs no entry refers to,
 * then the least recently used entries with the blobs only they referred to.
 */
import { readFile, readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { entryBlobs, isSha256, parseEntryFile } from './disk-cache-entry.js';

export interface EntryUsage {
  /** The file name in `entries/`. */
  readonly file: string;
  readonly bytes: number;
  /** Last use, in ms since the epoch. */
  readonly used: number;
  /** Blobs it refers to; undefined when the file is not a readable entry. */
  readonly blobs: readonly string[] | undefined;
}

export interface CacheUsage {
  readonly entries: readonly EntryUsage[];
  /** Blob hash → bytes. */
  readonly blobs: ReadonlyMap<string, number>;
  /** Temporary files (`entries/` or `blobs/` relative path → bytes, age in ms). */
  readonly temps: readonly { readonly path: string; readonly bytes: number; readonly age: number }[];
  /** Bytes of all of them together. */
  readonly total: number;
}

export interface EvictionPlan {
  /** Paths relative to the cache folder, in the order to remove them. */
  readonly remove: readonly string[];
  /** The total once they are gone. */
  readonly total: number;
}

/** Temporary files older than this are left over from an interrupted write. */
export const STALE_TEMP_MS = 10 * 60_000;

const isTemp = (name: string) => name.startsWith('.') && name.endsWith('.tmp');

async function list(dir: string): Promise<string[]> {
  return readdir(dir).catch((e: NodeJS.ErrnoException) => (e.code === 'ENOENT' ? [] : Promise.reject(e)));
}

/** Size and modification time of a plain file, or undefined when it is gone or is not one. */
async function fileStat(path: string): Promise<{ size: number; mtimeMs: number } | undefined> {
  const s = await stat(path).catch(() => undefined);
  return s?.isFile() ? s : undefined;
}

export async function scanCache(dir: string, now = Date.now()): Promise<CacheUsage> {
  const entries: EntryUsage[] = [];
  const blobs = new Map<string, number>();
  const temps: { path: string; bytes: number; age: number }[] = [];
  for (const sub of ['entries', 'blobs'] as const) {
    for (const name of await list(join(dir, sub))) {
      const path = join(dir, sub, name);
      if (isTemp(name)) {
        const s = await fileStat(path);
        if (s) temps.push({ path: `${sub}/${name}`, bytes: s.size, age: now - s.mtimeMs });
      } else if (sub === 'blobs' && isSha256(name)) {
        const s = await fileStat(path);
        if (s) blobs.set(name, s.size);
      } else if (sub === 'entries' && name.endsWith('.json')) {
        const s = await fileStat(path);
        if (!s) continue;
        const parsed = parseEntryFile(await readFile(path, 'utf8').catch(() => ''));
        entries.push({ file: name, bytes: s.size, used: s.mtimeMs, blobs: parsed && entryBlobs(parsed) });
      }
    }
  }
  const sum = (xs: Iterable<number>) => [...xs].reduce((a, b) => a + b, 0);
  const total = sum(entries.map((e) => e.bytes)) + sum(blobs.values()) + sum(temps.map((t) => t.bytes));
  return { entries, blobs, temps, total };
}

/**
 * What to remove so the total is at most `maxBytes`. Unreadable entry files and stale
 * temporary files are always removed; then unreferenced blobs; then entries, least recently
 * used first, each with the blobs no remaining entry refers to.
 */
export function evictionPlan(usage: CacheUsage, maxBytes: number): EvictionPlan {
  const remove: string[] = [];
  let total = usage.total;
  const drop = (path: string, bytes: number) => {
    remove.push(path);
    total -= bytes;
  };
  for (const t of usage.temps) if (t.age > STALE_TEMP_MS) drop(t.path, t.bytes);
  const refs = new Map<string, number>();
  const live: EntryUsage[] = [];
  for (const e of usage.entries) {
    if (!e.blobs) {
      drop(`entries/${e.file}`, e.bytes);
      continue;
    }
    live.push(e);
    for (const b of e.blobs) refs.set(b, (refs.get(b) ?? 0) + 1);
  }
  if (total <= maxBytes) return { remove, total };
  for (const [hash, bytes] of usage.blobs) if (!refs.has(hash)) drop(`blobs/${hash}`, bytes);
  live.sort((a, b) => a.used - b.used || (a.file < b.file ? -1 : 1));
  for (const e of live) {
    if (total <= maxBytes) break;
    drop(`entries/${e.file}`, e.bytes);
    for (const b of e.blobs!) {
      const n = refs.get(b)! - 1;
      refs.set(b, n);
      const bytes = usage.blobs.get(b);
      if (n === 0 && bytes !== undefined) drop(`blobs/${b}`, bytes);
    }
  }
  return { remove, total };
}
