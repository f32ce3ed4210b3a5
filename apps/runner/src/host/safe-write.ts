/**
 * The one way hosts write files: `writeInside(root, path, data)` puts `data` at `path` inside
 * `root` and nowhere else. The path is relative, `/`-separated, without `..`, NUL or a drive;
 * every folder on the way is created or checked with `lstat` (a symbolic link is refused, not
 * followed), the parent's real path must still be inside `root`, and the file is written to an
 * exclusive temporary file (`O_EXCL | O_NOFOLLOW`) that is then renamed over the target, so a
 * failed write never leaves a half-written file.
 */
import { constants } from 'node:fs';
import { lstat, mkdir, open, realpath, rename, rm } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { isAbsolute, join, relative, sep } from 'node:path';
import { errnoWords } from './errno.js';

export type WriteRefusal = 'BAD_PATH' | 'OUTSIDE' | 'EXISTS' | 'IO';

export class WriteError extends Error {
  override readonly name = 'WriteError';
  constructor(
    readonly code: WriteRefusal,
    message: string,
  ) {
    super(message);
  }
}

/** The path's segments, or why it is not a plain relative path (OUTSIDE when it points out: absolute, `..`). */
export function pathSegments(path: string): string[] | WriteError {
  const bad = (why: string, code: WriteRefusal = 'BAD_PATH') => new WriteError(code, `refusing to write ${JSON.stringify(String(path).slice(0, 200))}: ${why}`);
  if (typeof path !== 'string' || path === '') return bad('the path is empty');
  if (path.length > 4096) return bad('the path is longer than 4096 characters');
  if (path.includes('\0')) return bad('the path contains a NUL character');
  if (isAbsolute(path) || path.startsWith('\\') || /^[A-Za-z]:/.test(path)) return bad('an absolute path is outside the output folder', 'OUTSIDE');
  const segments = path.split(/[/\\]/).filter((s) => s !== '' && s !== '.');
  if (segments.includes('..')) return bad('a path with ".." may lead outside the output folder', 'OUTSIDE');
  if (segments.length === 0) return bad('the path names no file');
  if (segments.some((s) => s.length > 255)) return bad('a path component is longer than 255 characters');
  return segments;
}

/** Whether `p` is `root` or inside it (a name such as `...` or `..x` inside is inside). */
export function within(root: string, p: string): boolean {
  const rel = relative(root, p);
  return rel === '' || (rel !== '..' && !rel.startsWith(`..${sep}`) && !isAbsolute(rel));
}

/** Creates (or checks) each folder of `segments` under `root` without following links; returns the last folder. */
async function folders(root: string, segments: readonly string[], shown: string): Promise<string> {
  let dir = root;
  for (const seg of segments) {
    dir = join(dir, seg);
    let s = await lstat(dir).catch((e: NodeJS.ErrnoException) => (e.code === 'ENOENT' ? undefined : Promise.reject(e)));
    if (!s) {
      await mkdir(dir).catch((e: NodeJS.ErrnoException) => (e.code === 'EEXIST' ? undefined : Promise.reject(e)));
      s = await lstat(dir);
    }
    if (s.isSymbolicLink()) throw new WriteError('OUTSIDE', `refusing to write ${shown}: ${relative(root, dir)} is a symbolic link`);
    if (!s.isDirectory()) throw new WriteError('BAD_PATH', `cannot write ${shown}: ${relative(root, dir)} is not a folder`);
  }
  return dir;
}

/** Makes a rename in `dir` durable (a folder's entry is on disk once the folder is synced). */
async function syncFolder(dir: string): Promise<void> {
  const h = await open(dir, constants.O_RDONLY);
  try {
    await h.sync();
  } finally {
    await h.close();
  }
}

/**
 * Writes `data` to `path` inside `root` (which must exist, or is created when `createRoot`).
 * `durable`: the file and its folder entry are synced to disk before it returns.
 * Returns the absolute path written. Throws `WriteError` naming the path and the reason.
 */
export async function writeInside(root: string, path: string, data: Uint8Array | string, opts: { overwrite?: boolean; createRoot?: boolean; durable?: boolean } = {}): Promise<string> {
  const segments = pathSegments(path);
  if (segments instanceof WriteError) throw segments;
  const shown = segments.join('/');
  try {
    if (opts.createRoot) await mkdir(root, { recursive: true });
    const realRoot = await realpath(root);
    const parent = await folders(realRoot, segments.slice(0, -1), shown);
    if (!within(realRoot, await realpath(parent))) throw new WriteError('OUTSIDE', `refusing to write ${shown}: it leads outside ${root}`);
    const name = segments.at(-1)!;
    const target = join(parent, name);
    const existing = await lstat(target).catch(() => undefined);
    if (existing?.isDirectory()) throw new WriteError('BAD_PATH', `cannot write ${shown}: it is a folder`);
    if (existing && !opts.overwrite) throw new WriteError('EXISTS', `${shown} already exists`);
    const tmp = join(parent, `.${name.slice(0, 200)}.${randomBytes(6).toString('hex')}.tmp`);
    const handle = await open(tmp, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, 0o644);
    try {
      await handle.writeFile(data);
      if (opts.durable) await handle.sync();
      await handle.close();
      await rename(tmp, target);
      if (opts.durable) await syncFolder(parent);
    } catch (e) {
      await handle.close().catch(() => undefined);
      await rm(tmp, { force: true });
      throw e;
    }
    return target;
  } catch (e) {
    if (e instanceof WriteError) throw e;
    const err = e as NodeJS.ErrnoException;
    throw new WriteError('IO', `cannot write ${shown}: ${err.code === 'ENOENT' ? `the output folder ${root} does not exist` : errnoWords(err.code)}`);
  }
}
