/**
 * File access for nodes run by the CLI: reads resolve against the graph's folder (or the
 * current directory); writes go into the output folder only, through `writeInside` (no `..`, no
 * symbolic links, atomically), so a failed or cancelled run never leaves a half-written file behind.
 */
import { createHash } from 'node:crypto';
import { readFile, readdir, stat } from 'node:fs/promises';
import { join, relative, resolve, sep } from 'node:path';
import { NodeError, isNodeError, type FileAccess, type NodeErrorLike } from '@stylegraph/core';
import { WriteError, pathSegments, within, writeInside } from './safe-write.js';
import { errnoWords, isErrno } from './errno.js';

export interface NodeFileOptions {
  /** Folder that relative read paths are resolved against. */
  readonly readRoot: string;
  /** Folder writes go to (created on first write). */
  readonly outDir: string;
  /**
   * An existing folder that `outDir` lies in, trusted as it is; the folders between it and
   * `outDir` are created or checked like the rest of a write's path (no symbolic links). Default:
   * `outDir` itself (the CLI's `--out`, the user's own choice, is created as given).
   */
  readonly outBase?: string;
  /** Sync each file to disk before `write` returns, and keep `durable`: what was written, with its hash. */
  readonly durable?: boolean;
}

/** Most files and folder depth a folder hash walks (a model folder has a handful). */
const MAX_HASH_FILES = 10_000;
const MAX_HASH_DEPTH = 16;

/** SHA-256 of a file, or of a folder's files (names and contents, in sorted order); bounded in depth and count. */
async function hashPath(path: string, h = createHash('sha256'), prefix = '', budget = { files: MAX_HASH_FILES }, depth = 0): Promise<ReturnType<typeof createHash>> {
  const s = await stat(path);
  if (s.isDirectory()) {
    if (depth >= MAX_HASH_DEPTH) throw new NodeError('FILE_READ', `cannot hash ${prefix}: folders nest deeper than ${MAX_HASH_DEPTH} levels (a link loop?)`);
    for (const name of (await readdir(path)).sort()) {
      if (name.startsWith('.')) continue;
      await hashPath(join(path, name), h, `${prefix}${name}/`, budget, depth + 1);
    }
  } else {
    if (--budget.files < 0) throw new NodeError('FILE_READ', `cannot hash the folder: more than ${MAX_HASH_FILES} files`);
    h.update(`${prefix}\0${s.size}\0`);
    h.update(await readFile(path));
  }
  return h;
}

/** A node-facing read error: the path as the graph names it and the reason in words. */
const readError = (path: string, e: unknown): NodeErrorLike =>
  isNodeError(e) ? e : new NodeError('FILE_READ', `cannot read ${path}: ${isErrno(e) ? errnoWords(e.code) : (e as Error).message}`);

export class NodeFiles implements FileAccess {
  readonly written: string[] = [];
  /** With `durable`: the files written, relative to the output folder, and their SHA-256. */
  readonly durable: { path: string; sha256: string }[] = [];
  private readonly hashes = new Map<string, { mtimeMs: number; size: number; hash: string }>();

  constructor(private readonly opts: NodeFileOptions) {}

  private readPath(path: string): string {
    return resolve(this.opts.readRoot, path);
  }

  async read(path: string): Promise<Uint8Array> {
    try {
      return new Uint8Array(await readFile(this.readPath(path)));
    } catch (e) {
      throw readError(path, e);
    }
  }

  /** False only when nothing is there; a link loop or a permission problem is an error, not "missing". */
  async exists(path: string): Promise<boolean> {
    try {
      await stat(this.readPath(path));
      return true;
    } catch (e) {
      if (isErrno(e) && (e.code === 'ENOENT' || e.code === 'ENOTDIR')) return false;
      throw readError(path, e);
    }
  }

  async list(folder: string): Promise<string[]> {
    try {
      const entries = await readdir(this.readPath(folder), { withFileTypes: true });
      return entries.filter((e) => e.isFile() && !e.name.startsWith('.')).map((e) => e.name).sort();
    } catch (e) {
      throw readError(folder, e);
    }
  }

  async hash(path: string): Promise<string> {
    try {
      return await this.hashOf(this.readPath(path));
    } catch (e) {
      throw readError(path, e);
    }
  }

  private async hashOf(full: string): Promise<string> {
    const s = await stat(full);
    const known = this.hashes.get(full);
    if (known && known.mtimeMs === s.mtimeMs && known.size === s.size && !s.isDirectory()) return known.hash;
    const hash = (await hashPath(full)).digest('hex');
    this.hashes.set(full, { mtimeMs: s.mtimeMs, size: s.size, hash });
    return hash;
  }

  async write(path: string, data: Uint8Array): Promise<string> {
    const outDir = resolve(this.opts.outDir);
    const base = this.opts.outBase === undefined ? outDir : resolve(this.opts.outBase);
    if (!within(base, outDir)) throw new NodeError('FILE_WRITE', `refusing to write ${path}: the output folder ${outDir} is outside ${base}`);
    const sub = relative(base, outDir).split(sep).join('/');
    const segments = pathSegments(path);
    if (segments instanceof WriteError) throw new NodeError('FILE_WRITE', segments.message);
    let full: string;
    try {
      full = await writeInside(base, sub ? `${sub}/${segments.join('/')}` : segments.join('/'), data, { overwrite: true, createRoot: this.opts.outBase === undefined, durable: this.opts.durable === true });
    } catch (e) {
      throw new NodeError('FILE_WRITE', e instanceof WriteError ? e.message : `cannot write ${path}: ${(e as Error).message}`);
    }
    const shown = relative(process.cwd(), full);
    const display = within(process.cwd(), full) ? shown.split(sep).join('/') : full;
    this.written.push(display);
    if (this.opts.durable) this.durable.push({ path: segments.join('/'), sha256: createHash('sha256').update(data).digest('hex') });
    return display;
  }
}
