/**
 * Golden tensors: `matchGolden(t, file)` compares a tensor with the one stored in `file` (NumPy
 * `.npy`, so NumPy can read and write it too). A missing file is written, as is every file when
 * `UPDATE_GOLDENS=1`; otherwise a different dtype, shape or value fails naming the worst element.
 */
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readNpy, writeNpy, shapeString, type Tensor } from '@stylegraph/core';
import { CheckFailed, expectClose, type Tolerance } from './expect-close.js';

export type GoldenResult = 'matched' | 'written';

const updating = () => process.env.UPDATE_GOLDENS === '1';

/** Compares `actual` with the golden `.npy` at `file` (a path or file URL), or writes it when missing or updating. */
export async function matchGolden(actual: Tensor, file: string | URL, tol: Tolerance = {}): Promise<GoldenResult> {
  const path = typeof file === 'string' ? resolve(file) : fileURLToPath(file);
  const bytes = updating() ? undefined : await readFile(path).catch((e: NodeJS.ErrnoException) => (e.code === 'ENOENT' ? undefined : Promise.reject(e)));
  if (bytes === undefined) {
    await mkdir(dirname(path), { recursive: true });
    const tmp = `${path}.${process.pid}.tmp`;
    await writeFile(tmp, writeNpy(actual));
    await rename(tmp, path);
    return 'written';
  }
  const golden = readNpy(new Uint8Array(bytes), path);
  if (golden.dtype !== actual.dtype || shapeString(golden.dims) !== shapeString(actual.dims)) {
    throw new CheckFailed(`matchGolden: ${path} holds ${golden.dtype} ${shapeString(golden.dims)}, the value is ${actual.dtype} ${shapeString(actual.dims)} (run with UPDATE_GOLDENS=1 to replace it)`);
  }
  try {
    expectClose(actual, golden, { atol: 0, rtol: 0, ...tol });
  } catch (e) {
    if (e instanceof CheckFailed) throw new CheckFailed(`matchGolden ${path}: ${e.message.replace(/^expectClose: /, '')} (run with UPDATE_GOLDENS=1 to replace it)`, e.details);
    throw e;
  }
  return 'matched';
}
