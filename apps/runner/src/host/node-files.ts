/**
 * File access for nodes run by the CLI: reads resolve against the graph's folder (or the
 * current directory); writes go into the output folder only, atomically (temporary file, then
 * rename), so a failed or cancelled run never leaves a half-written file behind.
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdir, readFile, readdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { NodeError, type FileAccess } from '@stylegraph/core';

export interface NodeFileOptions {
  /** Folder that relative read paths are resolved against. */
  readonly readRoot: string;
  /** Folder writes go to (created on first write). */
  readonly outDir: string;
}

const inside = (root: string, p: string) => {
  const rel = relative(root, p);
  return rel !== '' && !rel.startsWith('..') && !isAbsolute(rel);
};

/** SHA-256 of a file, or of a folder's files (names and contents, in sorted order). */
async function hashPath(path: string, h = createHash('sha256'), prefix = ''): Promise<ReturnType<typeof createHash>> {
  const s = await stat(path);
  if (s.isDirectory()) {
    for (const name of (await readdir(path)).sort()) {
      if (name.startsWith('.')) continue;
      await hashPath(join(path, name), h, `${prefix}${name}/`);
    }
  } else {
    h.update(`${prefix}\0${s.size}\0`);
    h.update(await readFile(path));
  }
  return h;
}

export class NodeFiles implements FileAccess {
  readonly written: string[] = [];
  private readonly hashes = new Map<string, { mtimeMs: number; size: number; hash: string }>();

  constructor(private readonly opts: NodeFileOptions) {}

  private readPath(path: string): string {
    return resolve(this.opts.readRoot, path);
  }

  async read(path: string): Promise<Uint8Array> {
    try {
      return new Uint8Array(await readFile(this.readPath(path)));
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      throw new NodeError('FILE_READ', `cannot read ${path}: ${code === 'ENOENT' ? 'no such file' : (e as Error).message}`);
    }
  }

  async exists(path: string): Promise<boolean> {
    return stat(this.readPath(path)).then(
      () => true,
      () => false,
    );
  }

  async hash(path: string): Promise<string> {
    const full = this.readPath(path);
    const s = await stat(full);
    const known = this.hashes.get(full);
    if (known && known.mtimeMs === s.mtimeMs && known.size === s.size && !s.isDirectory()) return known.hash;
    const hash = (await hashPath(full)).digest('hex');
    this.hashes.set(full, { mtimeMs: s.mtimeMs, size: s.size, hash });
    return hash;
  }

  async write(path: string, data: Uint8Array): Promise<string> {
    const root = resolve(this.opts.outDir);
    const full = resolve(root, path);
    if (!inside(root, full)) throw new NodeError('FILE_WRITE', `refusing to write ${path}: outside the output folder ${root}`);
    await mkdir(dirname(full), { recursive: true });
    const tmp = `${full}.${randomBytes(6).toString('hex')}.tmp`;
    try {
      await writeFile(tmp, data);
      await rename(tmp, full);
    } catch (e) {
      await rm(tmp, { force: true });
      throw new NodeError('FILE_WRITE', `cannot write ${path}: ${(e as Error).message}`);
    }
    const shown = relative(process.cwd(), full);
    const display = shown.startsWith('..') ? full : shown.split(sep).join('/');
    this.written.push(display);
    return display;
  }
}
