/** The cache's entry files: written one way, read back only when whole and well-formed. */
import { describe, expect, it } from 'vitest';
import { ENTRY_FORMAT, ENTRY_FORMAT_VERSION, entryBlobs, entryFile, entryName, isSha256, parseEntryFile } from './disk-cache-entry.js';

const H = (c: string) => c.repeat(64);
const good = entryFile(
  'pre',
  { key: H('a'), files: [['model.pkl', H('b')]], services: [['compute', 'cpu/float32']] },
  { image: { kind: 'Image', blob: H('c'), bytes: 10 }, w: { kind: 'stylegan/WPlus', blob: H('c'), bytes: 10 }, n: { kind: 'number', blob: H('d'), bytes: 0 } },
);
const text = (patch: Record<string, unknown>) => JSON.stringify({ ...good, ...patch });
const withOutput = (ref: unknown) => text({ outputs: { ...good.outputs, x: ref } });

describe('entry files', () => {
  it('round-trip what entryFile writes; services only when some were used', () => {
    expect(parseEntryFile(JSON.stringify(good))).toEqual(good);
    expect(good).toMatchObject({ format: ENTRY_FORMAT, formatVersion: ENTRY_FORMAT_VERSION, preKey: 'pre', key: H('a') });
    expect('services' in entryFile('p', { key: 'k', files: [], services: [] }, {})).toBe(false);
    expect('services' in entryFile('p', { key: 'k', files: [] }, {})).toBe(false);
    expect(parseEntryFile(JSON.stringify(entryFile('p', { key: 'k', files: [] }, {})))).toEqual({ format: ENTRY_FORMAT, formatVersion: 1, preKey: 'p', key: 'k', files: [], outputs: {} });
    expect(entryBlobs(good).sort()).toEqual([H('c'), H('d')]);
  });

  it('refuse anything else', () => {
    const bad: [string, string][] = [
      ['not JSON', '{"format":'],
      ['null', 'null'],
      ['a number', '7'],
      ['another format', text({ format: 'other' })],
      ['another version', text({ formatVersion: 2 })],
      ['no version', text({ formatVersion: undefined })],
      ['a pre-key that is not a string', text({ preKey: 5 })],
      ['a key that is not a string', text({ key: null })],
      ['files not a list', text({ files: {} })],
      ['a file entry of one item', text({ files: [['a']] })],
      ['a file entry of three items', text({ files: [['a', 'b', 'c']] })],
      ['a file hash that is not a string', text({ files: [['a', 1]] })],
      ['a file path that is not a string', text({ files: [[1, 'a']] })],
      ['a file entry that is not a list', text({ files: ['ab'] })],
      ['services not pairs', text({ services: [['compute']] })],
      ['services not a list', text({ services: 'cpu' })],
      ['outputs missing', text({ outputs: undefined })],
      ['outputs null', text({ outputs: null })],
      ['outputs a list', text({ outputs: [] })],
      ['an output that is null', withOutput(null)],
      ['an output without a kind', withOutput({ blob: H('e'), bytes: 1 })],
      ['an output whose kind is not a string', withOutput({ kind: 3, blob: H('e'), bytes: 1 })],
      ['a blob name that is not a SHA-256', withOutput({ kind: 'number', blob: 'e'.repeat(63), bytes: 1 })],
      ['a blob name in capitals', withOutput({ kind: 'number', blob: 'E'.repeat(64), bytes: 1 })],
      ['a blob name with a path', withOutput({ kind: 'number', blob: `../${'e'.repeat(61)}`, bytes: 1 })],
      ['negative bytes', withOutput({ kind: 'number', blob: H('e'), bytes: -1 })],
      ['fractional bytes', withOutput({ kind: 'number', blob: H('e'), bytes: 1.5 })],
      ['bytes as text', withOutput({ kind: 'number', blob: H('e'), bytes: '1' })],
    ];
    for (const [why, t] of bad) expect(parseEntryFile(t), why).toBeUndefined();
    // The boundary of sizes: an empty blob is a blob.
    expect(parseEntryFile(withOutput({ kind: 'number', blob: H('e'), bytes: 0 }))).toBeDefined();
  });

  it('name entries by their pre-key when it is a SHA-256, else by its digest', () => {
    expect(entryName(H('f'), () => 'digest')).toBe(H('f'));
    expect(entryName('not a hash', (s) => `d(${s})`)).toBe('d(not a hash)');
    expect(isSha256(H('0'))).toBe(true);
    for (const v of [H('g'), `${H('0')}0`, H('0').slice(1), 7, null]) expect(isSha256(v)).toBe(false);
  });
});
