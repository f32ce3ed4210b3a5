/**
 * The folder `stylegraph serve` works in. Every path a client names is relative to it; a path
 * that resolves outside it (`..`, absolute, or through a symbolic link) is refused.
 */
import { readFile, readdir, realpath } from 'node:fs/promises';
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { WriteError, within, writeInside } from '../host/safe-write.js';

export class WorkspaceError extends Error {
  constructor(
    readonly code: 'OUTSIDE_WORKSPACE' | 'NOT_FOUND' | 'BAD_PATH' | 'EXISTS',
    message: string,
  ) {
    super(message);
    this.name = 'WorkspaceError';
  }
}

/** Folders never listed: dependencies, build outputs, VCS data. */
const SKIP_DIRS = new Set(['node_modules', '.git', '.nx', 'dist']);
const MAX_LIST = 2000;

const toPosix = (p: string) => p.split(sep).join('/');

export class Workspace {
  readonly root: string;

  constructor(root: string) {
    this.root = resolve(root);
  }

  /** Absolute path of a workspace-relative path; refuses anything that leaves the workspace. */
  async resolve(path: string): Promise<string> {
    if (path.includes('\0')) throw new WorkspaceError('BAD_PATH', 'a path may not contain NUL');
    if (isAbsolute(path) || /^[A-Za-z]:/.test(path)) throw new WorkspaceError('OUTSIDE_WORKSPACE', `${path}: paths are relative to the workspace`);
    const full = resolve(this.root, path);
    if (!this.contains(full)) throw new WorkspaceError('OUTSIDE_WORKSPACE', `${path}: outside the workspace ${this.root}`);
    // The nearest existing ancestor, with links resolved, must still be inside.
    let probe = full;
    for (;;) {
      const real = await realpath(probe).catch(() => undefined);
      if (real !== undefined) {
        if (!this.contains(real, await realpath(this.root))) throw new WorkspaceError('OUTSIDE_WORKSPACE', `${path}: leads outside the workspace ${this.root}`);
        break;
      }
      const up = dirname(probe);
      if (up === probe) break;
      probe = up;
    }
    return full;
  }

  /** Whether `full` is the workspace root or inside it. */
  contains(full: string, root = this.root): boolean {
    return within(root, full);
  }

  /** Workspace-relative, `/`-separated form of an absolute path inside the workspace. */
  relative(full: string): string {
    return toPosix(relative(this.root, full));
  }

  async readFile(path: string): Promise<Uint8Array> {
    const full = await this.resolve(path);
    try {
      return new Uint8Array(await readFile(full));
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') throw new WorkspaceError('NOT_FOUND', `${path}: no such file`);
      throw e;
    }
  }

  /** Writes a whole file atomically inside the workspace, through `writeInside` (no `..`, no symbolic links). */
  async writeFile(path: string, data: Uint8Array | string, opts: { overwrite: boolean }): Promise<void> {
    try {
      await writeInside(this.root, path, data, { overwrite: opts.overwrite });
    } catch (e) {
      if (!(e instanceof WriteError)) throw e;
      throw new WorkspaceError(e.code === 'EXISTS' ? 'EXISTS' : e.code === 'OUTSIDE' ? 'OUTSIDE_WORKSPACE' : 'BAD_PATH', e.message);
    }
  }

  /** Files under `dir` (recursively, skipping dependency and build folders) that `match` accepts. */
  async list(match: (name: string) => boolean, dir = '.', maxDepth = 6): Promise<string[]> {
    const out: string[] = [];
    const walk = async (full: string, depth: number): Promise<void> => {
      const entries = await readdir(full, { withFileTypes: true }).catch(() => []);
      entries.sort((a, b) => a.name.localeCompare(b.name));
      for (const e of entries) {
        if (out.length >= MAX_LIST) return;
        if (e.name.startsWith('.') && e.name !== '.') continue;
        const child = join(full, e.name);
        if (e.isDirectory()) {
          if (!SKIP_DIRS.has(e.name) && depth < maxDepth) await walk(child, depth + 1);
        } else if (e.isFile() && match(e.name)) out.push(this.relative(child));
      }
    };
    await walk(await this.resolve(dir), 0);
    return out;
  }

  /** Folders (at any depth up to `maxDepth`) that hold every one of `files`. */
  async listFolders(files: readonly string[], maxDepth = 4): Promise<string[]> {
    const out: string[] = [];
    const walk = async (full: string, depth: number): Promise<void> => {
      const entries = await readdir(full, { withFileTypes: true }).catch(() => []);
      const names = new Set(entries.filter((e) => e.isFile()).map((e) => e.name));
      if (files.every((f) => names.has(f))) out.push(this.relative(full) || '.');
      if (depth >= maxDepth) return;
      for (const e of entries.sort((a, b) => a.name.localeCompare(b.name))) {
        if (e.isDirectory() && !e.name.startsWith('.') && !SKIP_DIRS.has(e.name)) await walk(join(full, e.name), depth + 1);
      }
    };
    await walk(this.root, 0);
    return out;
  }
}
