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
    list: async (folder) => {
      const dir = clean(folder).replace(/\/+$/, '');
      const prefix = dir === '' || dir === '.' ? '' : `${dir}/`;
      const names = [...files.keys()].filter((p) => p.startsWith(prefix) && !p.slice(prefix.length).includes('/')).map((p) => p.slice(prefix.length));
      if (!names.length) throw new NodeError('FILE_READ', `cannot list ${folder}: no such folder (give its files to memoryFiles)`);
      return names.filter((n) => !n.startsWith('.')).sort();
    },
  };
}
