/**
 * Seed lists as people type them: comma-separated seeds and inclusive ranges, e.g.
 * `0-7, 42, 6600`. Each seed is an integer in [0, 2^32 − 1]; order and repeats are
 * kept as written.
 */

import { MAX_SEED, isValidSeed } from './mt19937.js';

/** The most seeds one list may expand to. */
export const MAX_SEED_LIST_LENGTH = 100_000;

const ENTRY = /^(\d+)(?:\s*-\s*(\d+))?$/;

/**
 * Expands a seed list such as `0-7,42,6600` (ranges inclusive, whitespace allowed around
 * entries and dashes). Throws an `Error` naming the offending entry when an entry is
 * empty or malformed, a seed is outside [0, 2^32 − 1], a range ends before it starts, or
 * the list would hold more than `max` seeds (default 100 000, what one node may take; a batch
 * job's item list may be longer, since each shard takes a part).
 */
export function parseSeedList(text: string, { max = MAX_SEED_LIST_LENGTH }: { readonly max?: number } = {}): number[] {
  if (text.trim() === '') throw new Error('seed list is empty');
  const entries = text.split(',');
  // Validate everything and count before expanding, so a huge range fails fast.
  const parsed: Array<[number, number]> = [];
  let total = 0;
  for (let i = 0; i < entries.length; i++) {
    const entry = entries[i]!.trim();
    if (entry === '') {
      throw new Error(`seed list: entry ${i + 1} is empty (stray comma?)`);
    }
    const m = ENTRY.exec(entry);
    if (!m) {
      throw new Error(`seed list: ${quote(entry)} is not a seed (0…${MAX_SEED}) or a range like 0-7`);
    }
    const start = toSeed(m[1]!, entry);
    const end = m[2] === undefined ? start : toSeed(m[2], entry);
    if (end < start) throw new Error(`seed list: range ${quote(entry)} ends before it starts`);
    total += end - start + 1;
    if (total > max) {
      throw new Error(`seed list: ${quote(entry)} takes the list past ${max} seeds`);
    }
    parsed.push([start, end]);
  }
  const seeds: number[] = [];
  for (const [start, end] of parsed) {
    for (let s = start; s <= end; s++) seeds.push(s);
  }
  return seeds;
}

/**
 * Writes seeds back in the short form `parseSeedList` reads: runs of three or more
 * consecutive ascending seeds become ranges (`[0,1,2,3,42]` → `0-3,42`). An empty list
 * gives the empty string. Throws an `Error` naming any value that is not a valid seed.
 */
export function formatSeedList(seeds: readonly number[]): string {
  for (const s of seeds) {
    if (!isValidSeed(s)) throw new Error(`seed list: ${String(s)} is not an integer in [0, ${MAX_SEED}]`);
  }
  const parts: string[] = [];
  let i = 0;
  while (i < seeds.length) {
    let j = i;
    while (j + 1 < seeds.length && seeds[j + 1] === seeds[j]! + 1) j++;
    if (j - i >= 2) {
      parts.push(`${seeds[i]}-${seeds[j]}`);
    } else {
      for (let k = i; k <= j; k++) parts.push(String(seeds[k]));
    }
    i = j + 1;
  }
  return parts.join(',');
}

function toSeed(digits: string, entry: string): number {
  const n = Number(digits);
  if (!(n <= MAX_SEED)) throw new Error(`seed list: ${quote(entry)} has a seed above ${MAX_SEED}`);
  return n;
}

/** Quotes an entry for a one-line message, shortening very long ones. */
function quote(entry: string): string {
  const oneLine = entry.replace(/\s+/g, ' ');
  return JSON.stringify(oneLine.length > 40 ? `${oneLine.slice(0, 37)}...` : oneLine);
}
