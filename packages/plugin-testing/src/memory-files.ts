/**
 * A host's file access held in memory: what a node reads comes from the map it was created
 * with, what it writes lands in the same map (tests read it back from `files`).
 */
import { NodeError, sha256Hex, type FileAccess } from '@stylegraph/core';

export interface MemoryFiles extends FileAccess {
  /** Every file by path: those given and those written. */
  readonly files: Map<string, Uint8Array>;
}

const clean = (p: string) => p.replace(/^\.\//, '');

export function memoryFiles(initial: Readonly<Record<string, Uint8Array | string>> = {}): MemoryFiles {
  const files = new Map(Object.entries(initial).map(([p, d]) => [clean(p), typeof d === 'string' ? new TextEncoder().encode(d) : d]));
  const get = (path: string) => {
    const d = files.get(clean(path));
    if (!d) throw new NodeError('FILE_READ', `cannot read ${path}: no such file (give it to memoryFiles)`);
    return d;
  };
  return {
    files,
    read: async (path) => get(path).slice(),
    exists: async (path) => files.has(clean(path)),
    write: async (path, data) => {
      files.set(clean(path), data.slice());
      return clean(path);
    },
    hash: async (path) => sha256Hex(get(path)),
  };
}
