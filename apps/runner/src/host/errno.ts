/** Node's file-system errors in plain words, for one-line messages that never show a stack. */

const WORDS: Record<string, string> = {
  ENOENT: 'no such file or folder',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  ENOSPC: 'no space left on the device',
  EDQUOT: 'disk quota exceeded',
  EROFS: 'the file system is read-only',
  ENOTDIR: 'a component of the path is not a folder',
  EISDIR: 'it is a folder',
  ELOOP: 'too many levels of symbolic links (a link loop?)',
  ENAMETOOLONG: 'the name is too long',
  EEXIST: 'it already exists',
  ENOTEMPTY: 'the folder is not empty',
  EMFILE: 'too many open files',
  EBUSY: 'the file is busy',
};

/** Whether `e` is an error from a Node system call (an `E…` code and an errno number). */
export const isErrno = (e: unknown): e is NodeJS.ErrnoException =>
  e instanceof Error && typeof (e as NodeJS.ErrnoException).errno === 'number' && /^E[A-Z]+$/.test(String((e as NodeJS.ErrnoException).code));

/** `no such file or folder` for ENOENT, …; the code itself for others. */
export const errnoWords = (code: string | undefined): string => (code && WORDS[code]) ?? code ?? 'input/output error';

/** `cannot open /x/y: permission denied` — what failed, where, and why, in one line. */
export function describeErrno(e: NodeJS.ErrnoException, shownPath?: string): string {
  const where = shownPath ?? e.path;
  return `cannot ${e.syscall ?? 'access'} ${where ?? ''}${where ? ': ' : ''}${errnoWords(e.code)}`.replace(/ {2,}/g, ' ');
}
