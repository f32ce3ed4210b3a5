/**
 * File access for nodes running in the browser, through the server: reads and hashes of
 * workspace files (paths relative to the graph's folder), writes into `out/<graph name>/`.
 */
import { NodeError, type FileAccess } from '@stylegraph/core';
import { api, errorMessage } from '../api';
import { fromBase64, toBase64 } from './base64';

/** `join('examples', '../models/x')` → `models/x` (a leading `..` is kept: the server refuses it). */
export function joinPath(base: string, path: string): string {
  const out: string[] = [];
  for (const part of `${path.startsWith('/') ? '' : `${base}/`}${path}`.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..' && out.length && out.at(-1) !== '..') out.pop();
    else out.push(part);
  }
  return out.join('/') || '.';
}

export class RemoteFiles implements FileAccess {
  readonly written: string[] = [];

  constructor(
    private readonly base: string,
    private readonly graphPath: string | undefined,
  ) {}

  async read(path: string): Promise<Uint8Array> {
    try {
      return fromBase64((await api.runFiles.read.query({ path: joinPath(this.base, path) })).base64);
    } catch (e) {
      throw new NodeError('FILE_READ', `cannot read ${path}: ${errorMessage(e)}`);
    }
  }

  exists(path: string): Promise<boolean> {
    return api.runFiles.exists.query({ path: joinPath(this.base, path) }).catch(() => false);
  }

  async hash(path: string): Promise<string> {
    return api.runFiles.hash.query({ path: joinPath(this.base, path) });
  }

  async write(path: string, data: Uint8Array): Promise<string> {
    try {
      const r = await api.runFiles.write.mutate({ ...(this.graphPath && { graphPath: this.graphPath }), path, base64: toBase64(data) });
      this.written.push(r.written);
      return r.written;
    } catch (e) {
      throw new NodeError('FILE_WRITE', `cannot write ${path}: ${errorMessage(e)}`);
    }
  }
}
